// RFC 9162 Merkle tree verification (docs/audit-format.md §2, §4, §5), as the offline
// verifier does it. Sizes and indexes are unsigned 64-bit: they are BigInts here, and callers may
// pass numbers, BigInts or decimal strings. Every hash must be exactly 32 bytes.

import { concat, equal } from "./bytes.js";

const MAX_U64 = (1n << 64n) - 1n;
const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

function u64(value) {
  let n;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === "string" && /^(0|[1-9][0-9]{0,19})$/.test(value)) n = BigInt(value);
  else return null;
  return n >= 0n && n <= MAX_U64 ? n : null;
}

const isHash = (h) => h instanceof Uint8Array && h.length === 32;

export async function leafHash(provider, entry) {
  return provider.sha256(concat(LEAF, entry));
}

export async function nodeHash(provider, left, right) {
  return provider.sha256(concat(NODE, left, right));
}

/** The root an inclusion proof implies, or null when the proof cannot be right (RFC 9162 §2.1.3.2). */
export async function rootFromInclusion(provider, leaf, index, size, proof) {
  const m = u64(index);
  const n = u64(size);
  if (m === null || n === null || m >= n || !isHash(leaf) || !proof.every(isHash)) return null;
  let fn = m;
  let sn = n - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(provider, p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = await nodeHash(provider, r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

/** Whether `proof` shows the leaf hash at `index` in the tree of `size` with root `root`. */
export async function verifyInclusion(provider, leaf, index, size, proof, root) {
  if (!isHash(root)) return false;
  const computed = await rootFromInclusion(provider, leaf, index, size, proof);
  return computed !== null && equal(computed, root);
}

/** Whether the tree of `newSize` with `newRoot` extends the tree of `oldSize` with `oldRoot`. */
export async function verifyConsistency(provider, oldSize, newSize, oldRoot, newRoot, proof) {
  const m = u64(oldSize);
  const n = u64(newSize);
  if (m === null || n === null || m > n || !isHash(oldRoot) || !isHash(newRoot) || !proof.every(isHash)) {
    return false;
  }
  if (m === 0n) {
    const empty = await provider.sha256(new Uint8Array(0));
    return proof.length === 0 && equal(oldRoot, empty) && (n !== 0n || equal(newRoot, empty));
  }
  if (m === n) return proof.length === 0 && equal(oldRoot, newRoot);
  if (proof.length === 0) return false;
  const path = (m & (m - 1n)) === 0n ? [oldRoot, ...proof] : [...proof];
  let fn = m - 1n;
  let sn = n - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(provider, c, fr);
      sr = await nodeHash(provider, c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = await nodeHash(provider, sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equal(fr, oldRoot) && equal(sr, newRoot);
}
