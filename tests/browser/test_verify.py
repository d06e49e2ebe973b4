"""Find my ballot on a phone: a staff ballot cast from Python is verified in the browser, and every
way the server could lie (a wrong proof, a forged checkpoint, a code it never logged) is caught."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass

import httpx
from playwright.async_api import Page, Route, expect

from tests.support.browser import assert_cjk_font, intranet_url, screenshot
from tests.support.server import LiveServer
from tests.support.vote_pages import demo_vote, last_sms_code, random_phone
from workflow.selection.ballot import make_staff_ballot
from workflow.selection.credentials import derive_signer, fingerprint

VOTERS = range(10, 15)
"""Demo voters this module may use (other page tests use others): the server is shared."""


@dataclass(frozen=True)
class Cast:
    campaign: int
    code: str
    index: int


async def cast_ballot(server: LiveServer, n: int) -> Cast:
    """A staff ballot signed with demo voter ``n``'s credential, exactly as the voting page signs it."""
    assert n in VOTERS
    vote = demo_vote(server)  # the demo campaign open for voting, and its voters' credentials
    async with httpx.AsyncClient(base_url=server.url) as http:
        detail = (await http.get(f"/api/public/campaigns/{vote.id}")).json()
        signer = derive_signer(vote.voters[n].credential, detail["uid"])
        ballot = make_staff_ballot(
            signer,
            campaign=detail["uid"],
            rules_digest=bytes.fromhex(detail["rules_hash"]),
            choices=[detail["candidates"][n % len(detail["candidates"])]],
        )
        response = await http.post(
            f"/api/public/campaigns/{detail['id']}/ballots",
            json={"payload": ballot.payload, "signature": ballot.signature},
        )
        assert response.status_code == 201, response.text
        receipt = response.json()
        return Cast(detail["id"], receipt["tracking_code"], receipt["index"])


async def log_fingerprint(server: LiveServer) -> str:
    """The active log key's fingerprint, computed here from the published key."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        keys = (await http.get("/api/ledger/keys")).json()["log_keys"]
    return fingerprint(base64.b64decode(next(k for k in keys if k["active"])["public_key"]))


async def test_find_my_ballot_verifies_a_cast_ballot(page: Page, server: LiveServer) -> None:
    cast = await cast_ballot(server, 10)
    await page.goto(server.url + "/verify")
    await assert_cjk_font(page, "h1")
    await page.get_by_label("评选活动").select_option(str(cast.campaign))
    # pasted from a receipt with spaces, dashes and upper case
    spaced = " ".join(cast.code[i : i + 8].upper() for i in range(0, 64, 8)).replace(" ", " - ", 2)
    await page.get_by_label("跟踪码").fill(spaced)
    await page.get_by_role("button", name="核验").click()
    verdict = page.locator("#verify-verdict")
    await expect(verdict).to_have_attribute("data-verdict", "verified")
    await expect(verdict).to_contain_text("您的选票已记入日志")
    await expect(verdict).to_contain_text(f"第 {cast.index} 条")
    await expect(page.locator("#signer-fingerprint")).to_have_text(await log_fingerprint(server))
    await expect(verdict).to_contain_text("投票尚未封存")
    assert re.search(r"检查点时间\s*20\d\d-\d\d-\d\d \d\d:\d\d:\d\d", await verdict.inner_text())
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    await screenshot(page, "verify-verified")


async def test_receipt_url_prefills_and_verifies_at_once(page: Page, server: LiveServer) -> None:
    cast = await cast_ballot(server, 11)
    await page.goto(f"{server.url}/verify?campaign={cast.campaign}&code={cast.code}")
    await expect(page.locator("#verify-verdict")).to_have_attribute("data-verdict", "verified")
    await expect(page.get_by_label("跟踪码")).to_have_value(cast.code)
    await expect(page.get_by_label("评选活动")).to_have_value(str(cast.campaign))


def flip_hex(text: str) -> str:
    return ("1" if text[0] == "0" else "0") + text[1:]


async def test_a_tampered_inclusion_proof_is_not_verified(page: Page, server: LiveServer) -> None:
    cast = await cast_ballot(server, 12)

    async def tamper(route: Route) -> None:
        response = await route.fetch()
        proof = await response.json()
        proof["hashes"][0] = flip_hex(proof["hashes"][0])
        await route.fulfill(response=response, body=json.dumps(proof))

    await page.route("**/proofs/inclusion?*", tamper)
    await page.goto(f"{server.url}/verify?campaign={cast.campaign}&code={cast.code}")
    verdict = page.locator("#verify-verdict")
    await expect(verdict).to_have_attribute("data-verdict", "failed")
    await expect(verdict).to_contain_text("未通过验证")
    await expect(verdict).to_contain_text("包含证明与检查点的根哈希不符")
    await screenshot(page, "verify-tampered-proof")


async def test_a_tampered_checkpoint_signature_is_not_verified(page: Page, server: LiveServer) -> None:
    cast = await cast_ballot(server, 13)

    async def tamper(route: Route) -> None:
        response = await route.fetch()
        proof = await response.json()
        body, _, signature = proof["checkpoint"].rpartition("\n\n")
        name, encoded = signature.rstrip("\n").rsplit(" ", 1)
        # change one signature byte well past the 4-byte key id (base64 chars 6..)
        forged = encoded[:20] + ("A" if encoded[20] != "A" else "B") + encoded[21:]
        proof["checkpoint"] = f"{body}\n\n{name} {forged}\n"
        await route.fulfill(response=response, body=json.dumps(proof))

    await page.route("**/proofs/inclusion?*", tamper)
    await page.goto(f"{server.url}/verify?campaign={cast.campaign}&code={cast.code}")
    verdict = page.locator("#verify-verdict")
    await expect(verdict).to_have_attribute("data-verdict", "failed")
    await expect(verdict).to_contain_text("检查点签名无效")
    await screenshot(page, "verify-tampered-signature")


async def test_an_unknown_code_is_not_in_the_log(page: Page, server: LiveServer) -> None:
    await page.goto(f"{server.url}/verify")
    await page.get_by_label("评选活动").select_option(index=1)
    await page.get_by_label("跟踪码").fill("ab" * 32)
    await page.get_by_role("button", name="核验").click()
    verdict = page.locator("#verify-verdict")
    await expect(verdict).to_have_attribute("data-verdict", "failed")
    await expect(verdict).to_contain_text("此跟踪码不在该评选的日志中")
    await screenshot(page, "verify-unknown")


async def test_a_malformed_code_gets_a_field_message(page: Page, server: LiveServer) -> None:
    await page.goto(f"{server.url}/verify")
    await page.get_by_role("button", name="核验").click()
    await expect(page.locator("#campaign-error")).to_have_text("请选择评选活动。")
    await expect(page.locator("#code-error")).to_have_text("请输入回执上的跟踪码。")
    await page.get_by_label("评选活动").select_option(index=1)
    code = page.get_by_label("跟踪码")
    await code.fill("12345xyz")
    await page.get_by_role("button", name="核验").click()
    await expect(page.locator("#code-error")).to_contain_text("不会出现 x y z")
    await expect(code).to_have_attribute("aria-invalid", "true")
    await code.fill("abc123")
    await page.get_by_role("button", name="核验").click()
    await expect(page.locator("#code-error")).to_contain_text("您输入了 6 位")
    await expect(page.locator("#verify-verdict")).to_have_count(0)
    await screenshot(page, "verify-malformed")


async def test_verifies_on_a_plain_http_intranet_with_the_fallback(page: Page, server: LiveServer) -> None:
    cast = await cast_ballot(server, 14)
    query = f"campaign={cast.campaign}&code={cast.code}&crypto=fallback"
    await page.goto(f"{intranet_url(server)}/verify?{query}")
    assert not await page.evaluate("isSecureContext")
    verdict = page.locator("#verify-verdict")
    await expect(verdict).to_have_attribute("data-verdict", "verified")
    await expect(verdict).to_contain_text("备用加密库")
    await screenshot(page, "verify-fallback")


async def test_scan_button_is_hidden_without_barcode_detector(page: Page, server: LiveServer) -> None:
    await page.goto(f"{server.url}/verify")
    has_detector = await page.evaluate("'BarcodeDetector' in globalThis && !!navigator.mediaDevices")
    await expect(page.locator("#scan-button")).to_be_visible(visible=has_detector)


async def test_a_phone_ballot_is_verified_too(page: Page, server: LiveServer) -> None:
    """Public-channel ballots carry no voter signature: the page checks the logged ballot hashes to
    the tracking code and its inclusion under the signed checkpoint."""
    vote = demo_vote(server)
    phone = random_phone()
    async with httpx.AsyncClient(base_url=server.url) as http:
        base = f"/api/public/campaigns/{vote.id}"
        assert (await http.post(f"{base}/phone-codes", json={"phone": phone})).status_code == 202
        code = last_sms_code(server, phone)
        token = (await http.post(f"{base}/phone-codes/verify", json={"phone": phone, "code": code})).json()
        detail = (await http.get(base)).json()
        cast = await http.post(
            f"{base}/phone-ballots", json={"token": token["token"], "choices": [detail["candidates"][0]]}
        )
        assert cast.status_code == 201, cast.text
        receipt = cast.json()
    await page.goto(f"{server.url}/verify?campaign={vote.id}&code={receipt['tracking_code']}")
    verdict = page.locator("#verify-verdict")
    await expect(verdict).to_have_attribute("data-verdict", "verified")
    await expect(verdict).to_contain_text(f"第 {receipt['index']} 条")
    await expect(verdict).to_contain_text("公众")
    await screenshot(page, "verify-phone-ballot")
