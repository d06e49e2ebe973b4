"""The pages' crypto modules in Chromium, with WebCrypto and with the vendored fallback.

Ballots: every value of tests/vectors/ballot_vectors.json (credential check, HKDF seed, Ed25519 key,
key id, fingerprint, canonical payload, signature, tracking code, phone HMAC, tie-break hashes).
Ledger: the RFC 9162 and C2SP cases of tests/support/ledger_js_cases.py, whose expected answers come
from workflow.ledger — same verdicts and error codes in the browser as on the server.

Three ways of running: WebCrypto forced, the vendored fallback forced, and "auto" on a plain-HTTP
origin that is not a secure context (as an intranet on http://10.x.x.x), where WebCrypto is absent
and the page must pick the fallback by itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import Page

from tests.support.browser import intranet_url
from tests.support.ledger_js_cases import merkle_cases, note_cases
from tests.support.server import LiveServer

JS = Path(__file__).parent / "js"
VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "ballot_vectors.json").read_text())
WAYS = {
    # way: (mode asked of getCrypto, served from the intranet name?, provider expected)
    "webcrypto": ("webcrypto", False, "webcrypto"),
    "fallback": ("fallback", False, "noble"),
    "intranet-http": ("auto", True, "noble"),
}


async def _open(page: Page, server: LiveServer, intranet: bool) -> None:
    await page.goto((intranet_url(server) if intranet else server.url) + "/")
    secure = await page.evaluate("isSecureContext")
    assert secure is (not intranet)
    if intranet:
        assert await page.evaluate("typeof crypto.subtle") == "undefined"


@pytest.mark.parametrize("way", WAYS)
async def test_ballot_vectors(page: Page, server: LiveServer, way: str) -> None:
    mode, intranet, provider = WAYS[way]
    await _open(page, server, intranet)
    result = await page.evaluate((JS / "ballot_vectors.js").read_text(), {"vectors": VECTORS, "mode": mode})
    assert result["provider"] == provider
    assert result["failures"] == []
    assert result["checked"] == sum(
        len(VECTORS[k]) for k in ("credentials", "typos", "staff_ballots", "public_ballots", "tie_break")
    )


@pytest.mark.parametrize("way", WAYS)
async def test_merkle_and_note_cases(page: Page, server: LiveServer, way: str) -> None:
    mode, intranet, provider = WAYS[way]
    cases = merkle_cases() + note_cases()
    await _open(page, server, intranet)
    result = await page.evaluate((JS / "ledger_cases.js").read_text(), {"cases": cases, "mode": mode})
    assert result["provider"] == provider
    assert result["disagreements"] == []
    assert result["checked"] == len(cases)


async def test_auto_mode_prefers_webcrypto_in_a_secure_context(page: Page, server: LiveServer) -> None:
    await page.goto(server.url + "/")
    name = await page.evaluate(
        "async () => (await (await import('/static/js/lib/crypto.js')).getCrypto('auto')).name"
    )
    assert name == "webcrypto"
    # nothing of the fallback was downloaded
    vendored = await page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.includes('/vendor/')).length"
    )
    assert vendored == 0


async def test_webcrypto_mode_refuses_an_insecure_context(page: Page, server: LiveServer) -> None:
    await page.goto(intranet_url(server) + "/")
    error = await page.evaluate(
        """async () => {
            try { await (await import('/static/js/lib/crypto.js')).getCrypto('webcrypto'); return null; }
            catch (e) { return e.name; }
        }"""
    )
    assert error == "CryptoUnavailable"


async def test_canonical_json_refuses_what_rfc8785_forbids(page: Page, server: LiveServer) -> None:
    await page.goto(server.url + "/")
    result = await page.evaluate((JS / "jcs_edges.js").read_text())
    assert all(result["refused"])
    assert result["numbers"] == "[0,0,1e+21,1e-7,333333333.3333333,4.5,-1]"
    assert result["text"] == '{"a":[true,false,null],"b":"\\u0000\\n\\"é€😀","€":1,"😀":2}'
