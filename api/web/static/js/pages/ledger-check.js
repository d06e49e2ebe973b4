// What find-my-ballot and the log page verify in the browser: a checkpoint against the log's
// published keys, and an entry's place in it through an inclusion proof. Nothing here trusts the
// server's word: leaf hashes are recomputed from the entry bytes, roots from the proof.

import { b64, concat, equal, fromB64, fromHex, hex, utf8 } from "../lib/bytes.js";
import { fingerprint } from "../lib/credential.js";
import { getJson, getText } from "../lib/api.js";
import { leafHash, verifyInclusion } from "../lib/merkle.js";
import { ED25519, NoteError, openCheckpoint, parseNote, parseVerifierKey } from "../lib/note.js";

/** A failed check: `check` names it, `message` says in Chinese what it means for the reader. */
export class CheckFailed extends Error {
  constructor(check, message) {
    super(message);
    this.name = "CheckFailed";
    this.check = check;
  }
}

const enc = encodeURIComponent;

/** The note key id of an Ed25519 key under `origin` (C2SP: SHA-256(name ‖ 0x0a ‖ 0x01 ‖ key)[:4]). */
async function vkeyOf(provider, origin, publicKey) {
  const id = (await provider.sha256(concat(utf8(origin), new Uint8Array([0x0a, ED25519]), publicKey))).subarray(0, 4);
  return `${origin}+${hex(id)}+${b64(concat(new Uint8Array([ED25519]), publicKey))}`;
}

/**
 * The published keys: every log key (retired ones too) as a note key for `origin`, with its label
 * and fingerprint, and the registered witnesses' cosignature keys. From /api/ledger/keys.
 */
export async function publishedKeys(provider, origin, options = {}) {
  const keys = await getJson("/api/ledger/keys", options);
  const logKeys = [];
  for (const k of keys.log_keys) {
    const publicKey = fromB64(k.public_key);
    const parsed = await parseVerifierKey(provider, await vkeyOf(provider, origin, publicKey));
    logKeys.push({ ...parsed, label: k.label, active: k.active, fingerprint: await fingerprint(provider, publicKey), vkey: await vkeyOf(provider, origin, publicKey) });
  }
  const witnesses = [];
  for (const w of keys.witnesses) {
    try {
      witnesses.push(await parseVerifierKey(provider, w.vkey));
    } catch {
      // a malformed witness key cannot vouch for anything; its cosignature shows as unverified
    }
  }
  return { logKeys, witnesses };
}

const SIGNATURE_MESSAGES = {
  "invalid-note-signature": "检查点签名无效：签名与内容不符，检查点可能被篡改。",
  "unverified-note": "检查点签名无效：没有日志公钥的有效签名。",
  "unexpected-checkpoint-origin": "检查点属于另一个日志。",
  "malformed-note": "检查点格式错误，无法核验签名。",
  "malformed-checkpoint": "检查点格式错误，无法核验签名。",
};

/**
 * Open a signed checkpoint with whichever published log key signed it. Returns
 * {checkpoint, signer (the log key), witnesses: [{name, verified, time}]} or throws CheckFailed("signature").
 */
export async function verifyCheckpoint(provider, text, origin, { logKeys, witnesses }) {
  let lines;
  try {
    lines = parseNote(text).signatures;
  } catch {
    throw new CheckFailed("signature", SIGNATURE_MESSAGES["malformed-note"]);
  }
  const signer = logKeys.find((k) => lines.some((s) => s.name === k.name && equal(s.keyId, k.keyId)));
  if (!signer) throw new CheckFailed("signature", "检查点签名无效：不是由已公布的日志密钥签名的。");
  let opened;
  try {
    opened = await openCheckpoint(provider, text, { origin, logKey: signer, witnesses });
  } catch (error) {
    const message = error instanceof NoteError ? SIGNATURE_MESSAGES[error.code] : null;
    throw new CheckFailed("signature", message || "检查点签名无效。");
  }
  const cosigners = [
    ...Object.entries(opened.cosignedAt).map(([name, time]) => ({ name, verified: true, time })),
    ...opened.unknown.filter((s) => s.name !== signer.name).map((s) => ({ name: s.name, verified: false, time: null })),
  ];
  return { checkpoint: opened.checkpoint, signer, witnesses: cosigners };
}

/** The entry at `index` as the exact bytes that were hashed, and its parsed JSON. */
export async function fetchEntry(scope, index, options = {}) {
  const page = await getJson(`/api/ledger/scopes/${enc(scope)}/entries?start=${index}&limit=1`, options);
  const item = page.items[0];
  if (!item || item.index !== index) throw new CheckFailed("entry", "日志中找不到该记录。");
  return { bytes: utf8(item.entry), json: JSON.parse(item.entry) };
}

/** An inclusion proof for leaf `index`: against the latest checkpoint, or the one of `size`. */
export function fetchProof(scope, index, size = null, options = {}) {
  const at = size === null ? "" : `&size=${size}`;
  return getJson(`/api/ledger/scopes/${enc(scope)}/proofs/inclusion?index=${index}${at}`, options);
}

/**
 * Check that `entryBytes` is leaf `index` of the tree of the signed `checkpoint`: the leaf hash is
 * recomputed here and `proof` must lead to the checkpoint's root. Throws CheckFailed("inclusion").
 */
export async function checkInclusion(provider, proof, index, entryBytes, checkpoint) {
  const leaf = await leafHash(provider, entryBytes);
  let hashes;
  try {
    hashes = proof.hashes.map(fromHex);
  } catch {
    throw new CheckFailed("inclusion", "包含证明格式错误。");
  }
  if (String(proof.tree_size) !== checkpoint.size || proof.index !== index ||
      !(await verifyInclusion(provider, leaf, index, checkpoint.size, hashes, checkpoint.rootHash))) {
    throw new CheckFailed("inclusion", "包含证明与检查点的根哈希不符：无法证明该记录在日志中。");
  }
  return leaf;
}

/** The latest signed checkpoint of a scope, as text. */
export function latestCheckpoint(scope, options = {}) {
  return getText(`/api/ledger/scopes/${enc(scope)}/checkpoint`, options);
}

/** The time of the newest record a checkpoint covers, itself proven in the checkpoint: its "time". */
export async function checkpointTime(provider, scope, checkpoint, options = {}) {
  const size = Number(checkpoint.size);
  if (size === 0) return "";
  const entry = await fetchEntry(scope, size - 1, options);
  const proof = await fetchProof(scope, size - 1, checkpoint.size, options);
  await checkInclusion(provider, proof, size - 1, entry.bytes, checkpoint);
  return entry.json.time || "";
}

/** An ISO time as Beijing time, YYYY-MM-DD HH:MM:SS. */
export function chinaTime(iso) {
  const t = new Date(iso);
  if (!iso || Number.isNaN(t.getTime())) return iso || "";
  const shifted = new Date(t.getTime() + 8 * 3600 * 1000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

export const shortHash = (bytes) => `${hex(bytes).slice(0, 16)}…`;
export { fromHex, hex };
