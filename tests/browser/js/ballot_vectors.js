// Runs tests/vectors/ballot_vectors.json through the page's crypto modules; returns the failures.
async ({ vectors, mode }) => {
  const { getCrypto } = await import("/static/js/lib/crypto.js");
  const cred = await import("/static/js/lib/credential.js");
  const { signBallot } = await import("/static/js/lib/ballot.js");
  const { canonicalize } = await import("/static/js/lib/jcs.js");
  const { hex, utf8, concat, fromHex } = await import("/static/js/lib/bytes.js");
  const provider = await getCrypto(mode);
  const failures = [];
  const expect = (what, actual, expected) => {
    if (actual !== expected) failures.push(`${what}: ${actual} != ${expected}`);
  };
  const sha = async (bytes) => hex(await provider.sha256(bytes));

  expect("rules JCS", canonicalize(JSON.parse(vectors.rules.canonical_json)), vectors.rules.canonical_json);
  expect("rules hash", await sha(utf8(vectors.rules.canonical_json)), vectors.rules.sha256_hex);
  let checked = 0;
  for (const v of vectors.credentials) {
    expect(`normalise ${v.typed_as}`, cred.normaliseCredential(v.typed_as), v.normalised);
    expect(`format ${v.normalised}`, cred.formatCredential(v.normalised), v.credential);
    expect(`seed ${v.credential}`, hex(await cred.deriveSeed(provider, v.typed_as, v.campaign)), v.seed_hex);
    const key = await cred.deriveVoterKey(provider, v.typed_as, v.campaign);
    expect(`public key ${v.credential}`, key.credential, v.public_key_b64u);
    expect(`key id ${v.credential}`, key.keyId, v.key_id);
    expect(`fingerprint ${v.credential}`, key.fingerprint, v.fingerprint);
    checked++;
  }
  for (const t of vectors.typos) {
    let code = null;
    try { cred.normaliseCredential(t.input); } catch (e) { code = e.name; }
    expect(`typo refused (${t.why})`, code, "CredentialTypo");
    checked++;
  }
  for (const v of vectors.staff_ballots) {
    const key = await cred.deriveVoterKey(provider, v.credential, v.campaign);
    const signed = await signBallot(provider, key, {
      campaign: v.campaign, choices: [...v.choices].reverse(), rules: v.rules_hash, nonce: v.nonce_b64u,
    });
    expect("payload", signed.payloadJson, v.payload_json);
    expect("payload b64u", signed.body.payload, v.payload_b64u);
    expect("signature", signed.body.signature, v.signature_b64u);
    expect("signed ballot", canonicalize({ payload: signed.payload, signature: signed.signature }), v.signed_ballot_json);
    expect("tracking code", signed.trackingCode, v.tracking_code);
    const fresh = await signBallot(provider, key, { campaign: v.campaign, choices: v.choices, rules: v.rules_hash });
    if (fresh.body.payload === v.payload_b64u) failures.push("a fresh ballot reused the vector's nonce");
    checked++;
  }
  for (const v of vectors.public_ballots) {
    const msg = concat(utf8("yide/phone/v1"), [0], utf8(v.campaign), [0], utf8(v.phone_normalised));
    expect("phone hash", hex(await provider.hmac(fromHex(v.salt_hex), msg)), v.phone_hash);
    expect("public JCS", canonicalize(JSON.parse(v.record_json)), v.record_json);
    expect("public tracking code", await sha(utf8(v.record_json)), v.tracking_code);
    checked++;
  }
  for (const v of vectors.tie_break) {
    const bytes = concat(utf8("yide/tiebreak/v1"), [0], utf8(v.seed), [0], utf8(v.candidate));
    expect("tie-break order", await sha(bytes), v.order_hex);
    checked++;
  }
  return { provider: provider.name, secure: isSecureContext, failures, checked };
}
