// Staff voter credentials (docs/selection-rules.md §3): typo check, normalisation, key derivation.
//
// A credential is 24 Crockford base32 characters and a check character (the 24 as one number mod 37),
// printed XXXXX-XXXXX-XXXXX-XXXXX-XXXXC. The browser derives the voter's Ed25519 key from it:
// seed = HKDF-SHA256(ikm = normalised credential, salt = "yide/credential/v1",
//                    info = "yide/ed25519-seed/v1" ‖ 0x00 ‖ campaign uid, L = 32).

import { b64u, concat, hex, utf8 } from "./bytes.js";

export const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DECODE = new Map([...ALPHABET].map((c, i) => [c, i]).concat([["O", 0], ["I", 1], ["L", 1]]));
const DATA_CHARS = 24;
const SALT = utf8("yide/credential/v1");
const INFO_PREFIX = utf8("yide/ed25519-seed/v1");
const CAMPAIGN_UID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** A mistyped credential; `code` is "length", "alphabet" or "check", `message` is for the voter. */
export class CredentialTypo extends Error {
  constructor(code, message, detail) {
    super(message);
    this.name = "CredentialTypo";
    this.code = code;
    this.detail = detail;
  }
}

/** The 25-character form that goes into the KDF, after the typo check (Crockford: O→0, I/L→1). */
export function normaliseCredential(text) {
  const compact = String(text).replace(/[-\s]/g, "").toUpperCase();
  if (compact.length !== DATA_CHARS + 1) {
    throw new CredentialTypo(
      "length",
      `投票凭证应为 25 个字符（不含连字符），您输入了 ${compact.length} 个。`,
      compact.length,
    );
  }
  const bad = [...new Set([...compact].filter((c) => !DECODE.has(c)))];
  if (bad.length) {
    throw new CredentialTypo("alphabet", `投票凭证中不会出现这些字符：${bad.join(" ")}（凭证中没有字母 U）。`, bad);
  }
  const digits = [...compact].map((c) => DECODE.get(c));
  let value = 0n;
  for (const d of digits.slice(0, DATA_CHARS)) value = value * 32n + BigInt(d);
  if (Number(value % 37n) !== digits[DATA_CHARS]) {
    throw new CredentialTypo("check", "投票凭证校验不通过：有字符输入错误，请逐组核对凭证单。");
  }
  return digits.map((d) => ALPHABET[d]).join("");
}

/** Printed form: five groups of five joined by hyphens. */
export function formatCredential(normalised) {
  return normalised.match(/.{1,5}/g)?.join("-") ?? "";
}

/** The credential carried in a credential sheet's QR link: `…/vote/<campaign>#cred=<credential>`. */
export function credentialFromFragment(fragment) {
  const params = new URLSearchParams(String(fragment || "").replace(/^#/, ""));
  return params.get("cred") || "";
}

/** The 32-byte Ed25519 seed for (credential, campaign). */
export async function deriveSeed(provider, credential, campaign) {
  if (!CAMPAIGN_UID.test(campaign)) throw new Error("malformed campaign uid");
  const ikm = utf8(normaliseCredential(credential));
  const info = concat(INFO_PREFIX, new Uint8Array([0]), utf8(campaign));
  return provider.hkdf(ikm, SALT, info, 32);
}

/** SHA-256(pub)[0:8] in hex: how logs and lookups name a credential key. */
export async function keyId(provider, publicKey) {
  return hex((await provider.sha256(publicKey)).subarray(0, 8));
}

/** First 80 bits of SHA-256(pub) in Crockford base32, XXXX-XXXX-XXXX-XXXX: printed on the sheet. */
export async function fingerprint(provider, publicKey) {
  const digest = await provider.sha256(publicKey);
  let value = 0n;
  for (const b of digest.subarray(0, 10)) value = (value << 8n) | BigInt(b);
  let chars = "";
  for (let i = 15; i >= 0; i--) chars += ALPHABET[Number((value >> BigInt(5 * i)) & 31n)];
  return chars.match(/.{4}/g).join("-");
}

/**
 * The voter's key for one campaign: `publicKey` (bytes), `credential` (b64u, as in the ballot),
 * `keyId`, `fingerprint` and `sign(bytes)`.
 */
export async function deriveVoterKey(provider, credential, campaign) {
  const seed = await deriveSeed(provider, credential, campaign);
  try {
    const key = await provider.ed25519.keyFromSeed(seed);
    return {
      publicKey: key.publicKey,
      credential: b64u(key.publicKey),
      keyId: await keyId(provider, key.publicKey),
      fingerprint: await fingerprint(provider, key.publicKey),
      sign: key.sign,
    };
  } finally {
    seed.fill(0);
  }
}
