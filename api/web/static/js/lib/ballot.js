// Staff ballots (docs/selection-rules.md §4.1): the exact bytes signed, the request body, the
// tracking code. The server re-encodes what it receives and refuses anything not byte-identical.

import { b64u, fromB64u, hex, randomBytes, utf8 } from "./bytes.js";
import { canonicalize } from "./jcs.js";

export const BALLOT_DOMAIN = "yide/ballot/v1";
const CANDIDATE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export class BallotError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "BallotError";
    this.code = code;
  }
}

/** Candidate ids distinct and ascending (ASCII, so JavaScript's and Python's order agree). */
export function canonicalChoices(choices) {
  const list = [...choices];
  for (const c of list) {
    if (typeof c !== "string" || !CANDIDATE_ID.test(c)) throw new BallotError("malformed", `候选人编号无效：${c}`);
  }
  if (new Set(list).size !== list.length) throw new BallotError("duplicate_choice", "同一候选人选择了多次");
  return list.sort();
}

/** The payload object: every value a string or array of strings, so JCS is plain JSON.stringify order. */
export function ballotPayload({ campaign, choices, credential, nonce, rules }) {
  if (!HEX_SHA256.test(rules)) throw new BallotError("malformed", "rules hash must be hex SHA-256");
  fromB64u(credential, 32);
  fromB64u(nonce, 16);
  return {
    campaign,
    channel: "staff",
    choices: canonicalChoices(choices),
    credential,
    domain: BALLOT_DOMAIN,
    nonce,
    rules,
  };
}

/** Hex SHA-256 of the RFC 8785 signed ballot {"payload": …, "signature": …}: the voter's receipt. */
export async function trackingCode(provider, payload, signature) {
  return hex(await provider.sha256(utf8(canonicalize({ payload, signature }))));
}

/**
 * Sign a ballot with the voter's key (from deriveVoterKey). Returns the request `body`
 * ({payload, signature}, both b64u), the `payload` object, its canonical `payloadJson` and the
 * `trackingCode` the server's receipt must repeat. `nonce` (b64u, 16 bytes) is fresh unless given.
 */
export async function signBallot(provider, key, { campaign, choices, rules, nonce = b64u(randomBytes(16)) }) {
  const payload = ballotPayload({ campaign, choices, credential: key.credential, nonce, rules });
  const payloadJson = canonicalize(payload);
  const bytes = utf8(payloadJson);
  const signature = b64u(await key.sign(bytes));
  return {
    body: { payload: b64u(bytes), signature },
    payload,
    payloadJson,
    signature,
    trackingCode: await trackingCode(provider, payload, signature),
  };
}
