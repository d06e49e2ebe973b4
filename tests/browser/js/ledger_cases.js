// Runs the Merkle and signed-note cases of tests/support/ledger_js_cases.py; returns disagreements.
async ({ cases, mode }) => {
  const { getCrypto } = await import("/static/js/lib/crypto.js");
  const merkle = await import("/static/js/lib/merkle.js");
  const note = await import("/static/js/lib/note.js");
  const { fromHex, hex, fromUtf8 } = await import("/static/js/lib/bytes.js");
  const provider = await getCrypto(mode);
  const text = (t) => (typeof t === "string" ? t : Uint8Array.from(t.bytes));
  const outcome = async (run) => {
    try {
      return { ok: true, ...(await run()) };
    } catch (e) {
      if (e.name !== "NoteError") return { ok: false, code: `unexpected ${e.name}: ${e.message}` };
      return { ok: false, code: e.code };
    }
  };
  const keys = (vkeys) => Promise.all(vkeys.map((v) => note.parseVerifierKey(provider, v)));
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const disagreements = [];
  for (const [i, c] of cases.entries()) {
    let got;
    if (c.kind === "inclusion") {
      got = await merkle.verifyInclusion(provider, fromHex(c.leaf), c.index, c.size, c.proof.map(fromHex), fromHex(c.root));
    } else if (c.kind === "consistency") {
      got = await merkle.verifyConsistency(provider, c.old, c.new, fromHex(c.old_root), fromHex(c.new_root), c.proof.map(fromHex));
    } else if (c.kind === "vkey") {
      got = await outcome(async () => {
        const k = await note.parseVerifierKey(provider, c.vkey);
        return { name: k.name, type: k.type, key_id: hex(k.keyId) };
      });
    } else if (c.kind === "parse_checkpoint") {
      got = await outcome(async () => {
        const cp = note.parseCheckpoint(text(c.text));
        return { origin: cp.origin, size: cp.size, root: hex(cp.rootHash) };
      });
    } else if (c.kind === "note") {
      got = await outcome(async () => {
        const opened = await note.openNote(provider, text(c.text), await keys(c.vkeys));
        return {
          body: fromUtf8(opened.body),
          verified: opened.verified.map((s) => s.name),
          unknown: opened.unknown.map((s) => `${s.name}+${hex(s.keyId)}`),
        };
      });
    } else if (c.kind === "checkpoint") {
      got = await outcome(async () => {
        const [logKey] = await keys([c.log]);
        const witnesses = await keys(c.witnesses);
        const v = await note.openCheckpoint(provider, text(c.text), { origin: c.origin, logKey, witnesses });
        return { origin: v.checkpoint.origin, size: v.checkpoint.size, root: hex(v.checkpoint.rootHash), cosigned_at: v.cosignedAt };
      });
    }
    if (!same(got, c.expected)) disagreements.push({ i, kind: c.kind, got, expected: c.expected });
  }
  return { provider: provider.name, secure: isSecureContext, disagreements, checked: cases.length };
}
