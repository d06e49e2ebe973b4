// Byte helpers shared by the crypto modules: UTF-8, hex, strict base64 and base64url.
// Decoders accept exactly one spelling of every byte string (as the server does), so a value that
// round-trips here is the same value the server and the offline verifier see.

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export class EncodingError extends Error {
  constructor(message) {
    super(message);
    this.name = "EncodingError";
  }
}

export const utf8 = (text) => encoder.encode(text);

export function fromUtf8(bytes) {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new EncodingError("not valid UTF-8");
  }
}

export function hex(bytes) {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function fromHex(text) {
  if (typeof text !== "string" || !/^(?:[0-9a-f]{2})*$/.test(text)) {
    throw new EncodingError("not lower-case hex");
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function binary(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return s;
}

function unbinary(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Standard base64 with padding (RFC 4648 §4): the form of signed notes and checkpoints. */
export function b64(bytes) {
  return btoa(binary(bytes));
}

/** Strict standard base64: padding required, canonical trailing bits only. */
export function fromB64(text) {
  if (typeof text !== "string" || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new EncodingError("not standard base64");
  }
  let bytes;
  try {
    bytes = unbinary(atob(text));
  } catch {
    throw new EncodingError("not standard base64");
  }
  if (b64(bytes) !== text) throw new EncodingError("not canonical base64");
  return bytes;
}

/** Unpadded base64url (RFC 4648 §5): the form of ballots, keys and signatures. */
export function b64u(bytes) {
  return b64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Strict unpadded base64url; ``size`` (optional) is the exact expected byte length. */
export function fromB64u(text, size) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new EncodingError("not unpadded base64url");
  }
  const std = text.replace(/-/g, "+").replace(/_/g, "/");
  let bytes;
  try {
    bytes = unbinary(atob(std + "=".repeat((4 - (std.length % 4)) % 4)));
  } catch {
    throw new EncodingError("not unpadded base64url");
  }
  if (b64u(bytes) !== text) throw new EncodingError("non-canonical base64url");
  if (size !== undefined && bytes.length !== size) {
    throw new EncodingError(`expected ${size} bytes, got ${bytes.length}`);
  }
  return bytes;
}

export function concat(...parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equal(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Random bytes: ``crypto.getRandomValues`` exists in every context, secure or not. */
export function randomBytes(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}
