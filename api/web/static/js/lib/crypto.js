// The cryptography the pages use: SHA-256, HKDF-SHA256, HMAC-SHA256 and Ed25519.
//
// WebCrypto is preferred. It exists only in secure contexts (HTTPS, or http://localhost and
// http://127.0.0.1); a hospital intranet served as http://10.x.x.x has no `crypto.subtle` at all,
// and older browsers have WebCrypto without Ed25519. Then the page loads the vendored fallback,
// @noble/ed25519 and @noble/hashes (pinned, checked against static/vendor/MANIFEST.json), from yide
// itself. Both give byte-identical results: Ed25519 signatures are deterministic (RFC 8032).

import { concat, equal, fromB64u, fromHex } from "./bytes.js";

const VENDOR = new URL("../../vendor/", import.meta.url);
const NOBLE_ED25519 = new URL("noble-ed25519-3.2.0/index.js", VENDOR).href;
const NOBLE_HASHES = new URL("noble-hashes-2.4.0/", VENDOR);

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410): WebCrypto imports seeds only this way.
const PKCS8_ED25519 = fromHex("302e020100300506032b657004220420");

// RFC 8032 §7.1 TEST 1 (empty message): proves a browser's Ed25519 is present and correct.
const RFC8032_SEED = fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const RFC8032_PUB = fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const RFC8032_SIG = fromHex(
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
);

export class CryptoUnavailable extends Error {
  constructor(message) {
    super(message);
    this.name = "CryptoUnavailable";
  }
}

const u8 = (buffer) => new Uint8Array(buffer);

function subtleCrypto() {
  const c = globalThis.crypto;
  return c && c.subtle && globalThis.isSecureContext !== false ? c.subtle : null;
}

// --- WebCrypto ------------------------------------------------------------------------------------

function webHashes(subtle) {
  return {
    sha256: async (data) => u8(await subtle.digest("SHA-256", data)),
    hkdf: async (ikm, salt, info, length) => {
      const key = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
      return u8(await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, 8 * length));
    },
    hmac: async (key, message) => {
      const k = await subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      return u8(await subtle.sign("HMAC", k, message));
    },
  };
}

function webEd25519(subtle) {
  return {
    // The private key ends up non-extractable; only the seed's transient copy is in JS memory.
    async keyFromSeed(seed) {
      const wrapped = concat(PKCS8_ED25519, seed);
      const tmp = await subtle.importKey("pkcs8", wrapped, { name: "Ed25519" }, true, ["sign"]);
      const jwk = await subtle.exportKey("jwk", tmp);
      wrapped.fill(0);
      const priv = await subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["sign"]);
      const publicKey = fromB64u(jwk.x, 32);
      jwk.d = "";
      return { publicKey, sign: async (message) => u8(await subtle.sign("Ed25519", priv, message)) };
    },
    async verify(publicKey, message, signature) {
      try {
        const key = await subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
        return await subtle.verify("Ed25519", key, signature, message);
      } catch {
        return false;
      }
    },
  };
}

async function webEd25519Works(subtle) {
  try {
    const key = await webEd25519(subtle).keyFromSeed(RFC8032_SEED);
    return equal(key.publicKey, RFC8032_PUB) && equal(await key.sign(new Uint8Array(0)), RFC8032_SIG);
  } catch {
    return false;
  }
}

// --- vendored fallback ----------------------------------------------------------------------------

let nobleModules = null;

function loadNoble() {
  nobleModules ??= Promise.all([
    import(NOBLE_ED25519),
    import(new URL("sha2.js", NOBLE_HASHES).href),
    import(new URL("hkdf.js", NOBLE_HASHES).href),
    import(new URL("hmac.js", NOBLE_HASHES).href),
  ]).then(([ed, sha2, hkdf, hmac]) => {
    ed.hashes.sha512 = sha2.sha512; // noble-ed25519 would otherwise reach for crypto.subtle
    return { ed, sha2, hkdf, hmac };
  });
  nobleModules.catch(() => {
    nobleModules = null; // a failed download (slow network) may be retried
  });
  return nobleModules;
}

function nobleHashes({ sha2, hkdf, hmac }) {
  return {
    sha256: async (data) => sha2.sha256(data),
    hkdf: async (ikm, salt, info, length) => hkdf.hkdf(sha2.sha256, ikm, salt, info, length),
    hmac: async (key, message) => hmac.hmac(sha2.sha256, key, message),
  };
}

function nobleEd25519({ ed }) {
  return {
    async keyFromSeed(seed) {
      const secret = Uint8Array.from(seed);
      return { publicKey: ed.getPublicKey(secret), sign: async (message) => ed.sign(message, secret) };
    },
    async verify(publicKey, message, signature) {
      try {
        return ed.verify(signature, message, publicKey, { zip215: false }); // RFC 8032 strict, as OpenSSL
      } catch {
        return false;
      }
    },
  };
}

// --- choosing ---------------------------------------------------------------------------------------

const providers = new Map();

/**
 * The crypto provider for this page.
 * mode "auto": WebCrypto where it has Ed25519, the vendored fallback for whatever it lacks;
 * "webcrypto": WebCrypto only (throws CryptoUnavailable without it); "fallback": vendored only.
 * The result has `name`, `sha256`, `hkdf`, `hmac` and `ed25519.{keyFromSeed, verify}`, all async.
 */
export function getCrypto(mode = requestedMode()) {
  if (!providers.has(mode)) {
    const made = makeProvider(mode);
    providers.set(mode, made);
    made.catch(() => providers.delete(mode));
  }
  return providers.get(mode);
}

async function makeProvider(mode) {
  if (!["auto", "webcrypto", "fallback"].includes(mode)) throw new CryptoUnavailable(`unknown mode ${mode}`);
  const subtle = mode === "fallback" ? null : subtleCrypto();
  const edNative = subtle !== null && (await webEd25519Works(subtle));
  if (mode === "webcrypto" && !edNative) {
    throw new CryptoUnavailable("this browser offers no WebCrypto Ed25519 here (not a secure context?)");
  }
  const noble = edNative ? null : await loadNoble();
  const hashes = subtle ? webHashes(subtle) : nobleHashes(noble);
  const ed25519 = edNative ? webEd25519(subtle) : nobleEd25519(noble);
  const name = edNative ? "webcrypto" : subtle ? "webcrypto+noble-ed25519" : "noble";
  return Object.freeze({ name, secureContext: globalThis.isSecureContext === true, ...hashes, ed25519 });
}

/** `?crypto=fallback` or `?crypto=webcrypto` in the page URL forces a provider (for support and tests). */
export function requestedMode() {
  const asked = new URLSearchParams(globalThis.location ? location.search : "").get("crypto");
  return asked === "fallback" || asked === "webcrypto" ? asked : "auto";
}

/** How the page signs and verifies, in words for the voter. */
export function describeProvider(provider) {
  if (provider.name === "webcrypto") return "浏览器内置加密（WebCrypto）";
  if (provider.name === "noble") return "本站提供的备用加密库（@noble/ed25519，当前连接不是 HTTPS）";
  return "浏览器内置加密 + 本站提供的备用 Ed25519 签名库";
}
