// Re-derives ballot_vectors.json with WebCrypto only, as the voting page does in a browser.
// Usage: node tests/vectors/check_vectors.mjs tests/vectors/ballot_vectors.json
import { readFileSync } from "node:fs";

const subtle = globalThis.crypto.subtle;
const enc = new TextEncoder();
const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
const b64u = (b) => Buffer.from(new Uint8Array(b)).toString("base64url");
const unb64u = (s) => new Uint8Array(Buffer.from(s, "base64url"));
const concat = (...parts) => new Uint8Array(parts.flatMap((p) => [...p]));
const PKCS8_ED25519 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function normalise(text) {
  const compact = text.replace(/[-\s]/g, "").toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1");
  if (compact.length !== 25) throw new Error("length");
  let value = 0n;
  for (const ch of compact.slice(0, 24)) {
    const d = ALPHABET.indexOf(ch);
    if (d < 0) throw new Error("alphabet");
    value = value * 32n + BigInt(d);
  }
  if (Number(value % 37n) !== ALPHABET.indexOf(compact[24])) throw new Error("check");
  return compact;
}

async function deriveKey(credential, campaign) {
  const ikm = await subtle.importKey("raw", enc.encode(normalise(credential)), "HKDF", false, ["deriveBits"]);
  const info = concat(enc.encode("yide/ed25519-seed/v1"), [0], enc.encode(campaign));
  const seed = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: enc.encode("yide/credential/v1"), info }, ikm, 256);
  const tmp = await subtle.importKey("pkcs8", concat(PKCS8_ED25519, new Uint8Array(seed)), { name: "Ed25519" }, true, ["sign"]);
  const jwk = await subtle.exportKey("jwk", tmp);
  return { seed: hex(seed), priv: tmp, pub: jwk.x };
}

// Every value is a string or an array of strings, so JSON.stringify of an object whose keys are
// inserted in sorted order is exactly RFC 8785.
const ballotPayload = (v, pub) => ({
  campaign: v.campaign, channel: "staff", choices: [...v.choices].sort(), credential: pub,
  domain: "yide/ballot/v1", nonce: v.nonce_b64u, rules: v.rules_hash,
});

const sha256hex = async (bytes) => hex(await subtle.digest("SHA-256", bytes));
const failures = [];
const expect = (what, actual, expected) => { if (actual !== expected) failures.push(`${what}: ${actual} != ${expected}`); };

const vectors = JSON.parse(readFileSync(process.argv[2], "utf8"));
expect("rules hash", await sha256hex(enc.encode(vectors.rules.canonical_json)), vectors.rules.sha256_hex);
for (const v of vectors.credentials) {
  const key = await deriveKey(v.typed_as, v.campaign);
  expect(`seed ${v.credential}`, key.seed, v.seed_hex);
  expect(`public key ${v.credential}`, key.pub, v.public_key_b64u);
}
for (const t of vectors.typos) {
  let refused = false;
  try { normalise(t.input); } catch { refused = true; }
  expect(`typo refused (${t.why})`, refused, true);
}
for (const v of vectors.staff_ballots) {
  const key = await deriveKey(v.credential, v.campaign);
  const payload = JSON.stringify(ballotPayload(v, key.pub));
  expect("payload", payload, v.payload_json);
  expect("payload b64u", b64u(enc.encode(payload)), v.payload_b64u);
  const sig = b64u(await subtle.sign({ name: "Ed25519" }, key.priv, enc.encode(payload)));
  expect("signature", sig, v.signature_b64u);
  const signed = JSON.stringify({ payload: JSON.parse(payload), signature: sig });
  expect("signed ballot", signed, v.signed_ballot_json);
  expect("tracking code", await sha256hex(enc.encode(signed)), v.tracking_code);
}
for (const v of vectors.public_ballots) {
  const salt = await subtle.importKey("raw", Uint8Array.from(Buffer.from(v.salt_hex, "hex")), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const msg = concat(enc.encode("yide/phone/v1"), [0], enc.encode(v.campaign), [0], enc.encode(v.phone_normalised));
  expect("phone hash", hex(await subtle.sign("HMAC", salt, msg)), v.phone_hash);
  expect("public tracking code", await sha256hex(enc.encode(v.record_json)), v.tracking_code);
}
for (const v of vectors.tie_break) {
  const bytes = concat(enc.encode("yide/tiebreak/v1"), [0], enc.encode(v.seed), [0], enc.encode(v.candidate));
  expect("tie-break order", await sha256hex(bytes), v.order_hex);
}
if (failures.length) { console.error(failures.join("\n")); process.exit(1); }
console.log(`all ${vectors.credentials.length + vectors.staff_ballots.length + vectors.public_ballots.length} vector groups match`);
