// C2SP signed notes, tlog checkpoints and Ed25519 cosignatures (docs/audit-format.md §6–§8),
// verified in the browser exactly as workflow/ledger/note.py does on the server.

import { b64, concat, equal, fromB64, fromUtf8, hex, utf8 } from "./bytes.js";

export const MAX_SIGNATURES = 100;
const KEY_ID_SIZE = 4;
const MAX_TIMESTAMP = (1n << 63n) - 1n;
const MAX_TREE_SIZE = "18446744073709551615";
export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;
const SIGNATURE_PREFIX = "\u2014 "; // em dash, space

// Python's str.isspace(), so that both sides accept exactly the same key names.
const SPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const CONTROL = /[\x00-\x09\x0b-\x1f]/;

/** Why a note or checkpoint was refused; `code` matches the server's problem codes. */
export class NoteError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "NoteError";
    this.code = code;
  }
}

const malformed = (message) => new NoteError("malformed-note", message);
const malformedCheckpoint = (message) => new NoteError("malformed-checkpoint", message);

function isWellFormed(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

export function validKeyName(name) {
  return typeof name === "string" && name !== "" && isWellFormed(name) && !CONTROL.test(name) &&
    !name.includes("+") && !SPACE.test(name);
}

function asText(text, error) {
  if (text instanceof Uint8Array) {
    try {
      text = fromUtf8(text);
    } catch {
      throw error("not valid UTF-8");
    }
  }
  if (typeof text !== "string" || !isWellFormed(text)) throw error("not valid UTF-8");
  if (CONTROL.test(text)) throw error("contains a control character other than newline");
  return text;
}

function decodeB64(text, error, what) {
  try {
    return fromB64(text);
  } catch {
    throw error(`${what} is not canonical base64`);
  }
}

async function keyIdOf(provider, name, type, publicKey) {
  const digest = await provider.sha256(concat(utf8(name), new Uint8Array([0x0a, type]), publicKey));
  return digest.subarray(0, KEY_ID_SIZE);
}

// --- keys ----------------------------------------------------------------------------------------

/** Parse `<name>+<8 hex>+base64(type ‖ key)`; the key id must recompute. Returns {name, type, publicKey, keyId}. */
export async function parseVerifierKey(provider, vkey) {
  const bad = (message) => new NoteError("invalid-verifier-key", message);
  if (typeof vkey !== "string") throw bad("a verifier key is a string");
  const first = vkey.indexOf("+");
  const second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
  if (second < 0) throw bad("expected <name>+<hex key id>+<base64 key>");
  const name = vkey.slice(0, first);
  const hexId = vkey.slice(first + 1, second);
  if (!/^[0-9a-f]{8}$/.test(hexId)) throw bad("expected <name>+<hex key id>+<base64 key>");
  let raw;
  try {
    raw = fromB64(vkey.slice(second + 1));
  } catch {
    throw bad("key material is not canonical base64");
  }
  if (!raw.length || (raw[0] !== ED25519 && raw[0] !== COSIGNATURE_V1)) {
    throw bad("empty key or unsupported signature type");
  }
  if (!validKeyName(name)) throw bad("key names must be non-empty with no spaces or '+'");
  const publicKey = raw.subarray(1);
  if (publicKey.length !== 32) throw bad("Ed25519 public keys are 32 bytes");
  const keyId = await keyIdOf(provider, name, raw[0], publicKey);
  if (hex(keyId) !== hexId) throw bad("key id does not match name and key");
  return { name, type: raw[0], publicKey, keyId };
}

/** The cosignature/v1 message: header, `time <t>` line, then the checkpoint text. */
export function cosignatureMessage(body, timestamp) {
  return concat(utf8(`cosignature/v1\ntime ${timestamp}\n`), body);
}

function readUint64(bytes) {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

async function verifyWithKey(provider, key, body, signature) {
  if (key.type === ED25519) return provider.ed25519.verify(key.publicKey, body, signature);
  if (signature.length !== 8 + 64) return false;
  const timestamp = readUint64(signature.subarray(0, 8));
  if (timestamp > MAX_TIMESTAMP) return false;
  return provider.ed25519.verify(key.publicKey, cosignatureMessage(body, timestamp), signature.subarray(8));
}

// --- notes ---------------------------------------------------------------------------------------

function parseSignatureLine(line) {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed("signature lines start with an em dash and a space");
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(" ");
  const name = space < 0 ? rest : rest.slice(0, space);
  const encoded = space < 0 ? "" : rest.slice(space + 1);
  if (space < 0 || !encoded) throw malformed("signature line must be '— <name> <base64>'");
  const raw = decodeB64(encoded, malformed, "signature");
  if (raw.length <= KEY_ID_SIZE) throw malformed("signature is too short");
  if (!validKeyName(name)) throw malformed("key names must be non-empty with no spaces or '+'");
  return { name, keyId: raw.subarray(0, KEY_ID_SIZE), signature: raw.subarray(KEY_ID_SIZE) };
}

/** Split a signed note into its text (bytes) and signature lines; the text ends at the last blank line. */
export function parseNote(text) {
  const note = asText(text, malformed);
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw malformed("no blank line before the signatures");
  const body = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (!block.endsWith("\n")) throw malformed("a note must end with a newline-terminated signature line");
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw malformed("too many signatures");
  return { body: utf8(body), signatures: lines.map(parseSignatureLine) };
}

/**
 * Verify a note against trusted keys (from parseVerifierKey). C2SP rules: unknown signers are
 * ignored but reported; a trusted key's bad signature rejects the note; no trusted signature at all
 * rejects it. Returns {body, verified: [signature], unknown: [signature]}.
 */
export async function openNote(provider, text, trustedKeys) {
  const parsed = parseNote(text);
  const byName = new Map(trustedKeys.map((k) => [k.name, k]));
  const verified = [];
  const unknown = [];
  for (const sig of parsed.signatures) {
    const key = byName.get(sig.name);
    if (!key || !equal(key.keyId, sig.keyId)) {
      if (!unknown.some((u) => u.name === sig.name && equal(u.keyId, sig.keyId) && equal(u.signature, sig.signature))) {
        unknown.push(sig);
      }
      continue;
    }
    if (verified.some((v) => v.name === sig.name)) continue;
    if (!(await verifyWithKey(provider, key, parsed.body, sig.signature))) {
      throw new NoteError("invalid-note-signature", `the signature of ${sig.name} does not verify`);
    }
    verified.push(sig);
  }
  if (!verified.length) throw new NoteError("unverified-note", "no trusted key signed this note");
  return { body: parsed.body, verified, unknown };
}

// --- checkpoints ----------------------------------------------------------------------------------

/** Read checkpoint text: {origin, size (decimal string), rootHash (32 bytes), extensions}. */
export function parseCheckpoint(text) {
  const body = asText(text, malformedCheckpoint);
  if (!body.endsWith("\n")) throw malformedCheckpoint("checkpoint text must end with a newline");
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3 || lines.some((line) => line === "")) {
    throw malformedCheckpoint("need origin, size and root lines, none of them empty");
  }
  const [origin, size, root, ...extensions] = lines;
  if (!/^(0|[1-9][0-9]*)$/.test(size) || size.length > MAX_TREE_SIZE.length ||
      (size.length === MAX_TREE_SIZE.length && size > MAX_TREE_SIZE)) {
    throw malformedCheckpoint("size must be a decimal uint64 without sign or leading zeros");
  }
  const rootHash = decodeB64(root, malformedCheckpoint, "root hash");
  if (rootHash.length !== 32) throw malformedCheckpoint("root hash must be 32 bytes");
  return { origin, size, rootHash, extensions };
}

export function checkpointBody(checkpoint) {
  return utf8([checkpoint.origin, checkpoint.size, b64(checkpoint.rootHash), ...checkpoint.extensions].join("\n") + "\n");
}

/**
 * Verify a signed checkpoint of log `origin`: the log key's signature is required, trusted witnesses'
 * cosignatures are reported with their times. Returns {checkpoint, cosignedAt: {name: seconds}, unknown}.
 */
export async function openCheckpoint(provider, text, { origin, logKey, witnesses = [] }) {
  if (logKey.type !== ED25519) throw new NoteError("invalid-input", "the log key must be an Ed25519 note key");
  const names = new Set([logKey.name]);
  for (const w of witnesses) {
    if (w.type !== COSIGNATURE_V1 || names.has(w.name)) {
      throw new NoteError("invalid-input", "witness keys are distinct cosignature/v1 keys");
    }
    names.add(w.name);
  }
  const opened = await openNote(provider, text, [logKey, ...witnesses]);
  if (!opened.verified.some((s) => s.name === logKey.name)) {
    throw new NoteError("unverified-note", "the log did not sign this checkpoint");
  }
  const checkpoint = parseCheckpoint(opened.body);
  if (checkpoint.origin !== origin) {
    throw new NoteError("unexpected-checkpoint-origin", `the checkpoint is for another log (${checkpoint.origin})`);
  }
  const cosignedAt = {};
  for (const sig of opened.verified) {
    if (sig.name === logKey.name) continue;
    cosignedAt[sig.name] = Number(readUint64(sig.signature.subarray(0, 8)));
  }
  return { checkpoint, cosignedAt, unknown: opened.unknown };
}
