"""The public logs on a phone: the latest checkpoint verified in the browser, recent entries with
paging to older ones, and internal logs that do not exist for the public."""

from __future__ import annotations

import base64
import json

import httpx
from playwright.async_api import Page, Route, expect

from tests.support.browser import assert_cjk_font, screenshot
from tests.support.demo_public import ANNOUNCED_TITLE
from tests.support.server import LiveServer
from workflow.demo_results import DEMO_WITNESS
from workflow.ledger.note import Checkpoint, VerifierKey, add_signatures, cosign
from workflow.signing import Ed25519Signer


async def public_scope(server: LiveServer) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=server.url) as http:
        return (await http.get("/api/ledger/scopes")).json()[0]


async def test_logs_list_links_to_a_verified_checkpoint(page: Page, server: LiveServer) -> None:
    scope = await public_scope(server)
    await page.goto(server.url + "/logs")
    await assert_cjk_font(page, "h1")
    await page.get_by_role("link", name=f"评选日志 {scope['name']}").click()
    verdict = page.locator("#checkpoint-verdict")
    await expect(verdict).to_have_attribute("data-verdict", "verified")
    await expect(verdict).to_contain_text("检查点签名有效")
    await expect(page.locator("#checkpoint-text")).to_contain_text(str(scope["origin"]))
    facts = page.locator("#checkpoint-facts")
    await expect(facts).to_contain_text("签名密钥指纹")
    await expect(page.locator("#witnesses")).to_contain_text("暂无见证人副签")
    entries = page.locator(".entry")
    assert 1 <= await entries.count() <= 20
    await expect(entries.first).to_contain_text("#")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    await screenshot(page, "log-verified")
    # other tests vote on the same server meanwhile: page back until the first entry, however many
    older = page.get_by_role("link", name="更早的记录")
    for _ in range(100):
        await older.click()
        await expect(page.locator("h2#entries-title")).to_have_text("更早的记录")
        if await older.count() == 0:
            break
    await expect(page.locator(".entry").last).to_contain_text("#0")
    await expect(page.locator(".entry").last).to_contain_text("ledger:scope:opened")
    await screenshot(page, "log-older")


async def test_a_forged_checkpoint_is_reported(page: Page, server: LiveServer) -> None:
    scope = await public_scope(server)

    async def forge(route: Route) -> None:
        response = await route.fetch()
        lines = (await response.text()).split("\n")
        lines[1] = str(int(lines[1]) + 1)  # claim one more record under the same signature
        await route.fulfill(response=response, body="\n".join(lines))

    await page.route("**/checkpoint", forge)
    await page.goto(f"{server.url}/logs/{scope['name']}")
    verdict = page.locator("#checkpoint-verdict")
    await expect(verdict).to_have_attribute("data-verdict", "failed")
    await expect(verdict).to_contain_text("检查点签名无效")
    await screenshot(page, "log-forged")


async def test_internal_and_unknown_logs_are_404_pages(page: Page, server: LiveServer) -> None:
    for name in ("org", "no-such-log"):
        response = await page.goto(f"{server.url}/logs/{name}")
        assert response is not None and response.status == 404
        await expect(page.locator("h1")).to_have_text("页面不存在")
    await page.goto(server.url + "/logs")
    await expect(page.get_by_text("org", exact=True)).to_have_count(0)
    await screenshot(page, "logs-list")


async def test_log_page_verifies_with_the_fallback(page: Page, server: LiveServer) -> None:
    scope = await public_scope(server)
    await page.goto(f"{server.url}/logs/{scope['name']}?crypto=fallback")
    await expect(page.locator("#checkpoint-verdict")).to_have_attribute("data-verdict", "verified")
    await expect(page.locator("#checkpoint-verdict")).to_contain_text("备用加密库")
    assert json.loads(await page.locator("#page-data").text_content() or "{}")["scope"] == scope["name"]


WITNESS = Ed25519Signer.from_seed(bytes(range(32)))
STRANGER = Ed25519Signer.from_seed(bytes(range(1, 33)))


def _cosigned(note: str, *cosigners: tuple[Ed25519Signer, str]) -> str:
    checkpoint = Checkpoint.parse(note.split("\n\n", 1)[0] + "\n")
    lines = [cosign(checkpoint, signer, name, 1_790_000_000) for signer, name in cosigners]
    return add_signatures(note, lines)


WITNESS_VKEY = VerifierKey.cosigner("witness.jiwei.example", WITNESS.public_key).encode()


async def _publish_witness(route: Route) -> None:
    """The published keys as the server sends them, plus one registered witness."""
    response = await route.fetch()
    published = await response.json()
    published["witnesses"] = [
        {"name": "witness.jiwei.example", "vkey": WITNESS_VKEY, "key_id": WITNESS_VKEY.split("+")[1]}
    ]
    await route.fulfill(response=response, body=json.dumps(published))


async def test_witness_cosignatures_are_verified_with_the_published_witness_keys(
    page: Page, server: LiveServer
) -> None:
    """A cosignature by a published witness shows as valid with its time; one by a key nobody
    published shows as not verifiable, and does not make the log's own signature fail."""
    scope = await public_scope(server)

    async def checkpoint(route: Route) -> None:
        response = await route.fetch()
        note = _cosigned(
            await response.text(), (WITNESS, "witness.jiwei.example"), (STRANGER, "stranger.example")
        )
        await route.fulfill(response=response, body=note)

    await page.route("**/api/ledger/keys", _publish_witness)
    await page.route("**/checkpoint", checkpoint)
    await page.goto(f"{server.url}/logs/{scope['name']}")
    await expect(page.locator("#checkpoint-verdict")).to_have_attribute("data-verdict", "verified")
    witnesses = page.locator("#witnesses li")
    await expect(witnesses).to_have_count(2)
    await expect(witnesses.nth(0)).to_contain_text("✓ witness.jiwei.example：副签有效（2026")
    await expect(witnesses.nth(1)).to_contain_text("stranger.example：未公布其公钥")
    await screenshot(page, "log-witnesses")


async def test_a_forged_cosignature_of_a_published_witness_is_not_shown_as_valid(
    page: Page, server: LiveServer
) -> None:
    scope = await public_scope(server)

    async def checkpoint(route: Route) -> None:
        response = await route.fetch()
        # signed by another key under the witness's name and key id: a forgery
        forged = _cosigned(await response.text(), (STRANGER, "witness.jiwei.example"))
        real_id = VerifierKey.parse(WITNESS_VKEY).key_id
        line = forged.rstrip("\n").split("\n")[-1]
        raw = base64.b64decode(line.split(" ")[2])
        fixed = [*line.split(" ")[:2], base64.b64encode(real_id + raw[4:]).decode()]
        await route.fulfill(response=response, body=forged.replace(line, " ".join(fixed)))

    await page.route("**/api/ledger/keys", _publish_witness)
    await page.route("**/checkpoint", checkpoint)
    await page.goto(f"{server.url}/logs/{scope['name']}")
    verdict = page.locator("#checkpoint-verdict")
    # as Go's note.Open: a bad signature under a key the reader trusts fails the whole note
    await expect(verdict).to_have_attribute("data-verdict", "failed")
    await expect(verdict).to_contain_text("检查点签名无效")
    assert "副签有效" not in (await page.locator("#witnesses").inner_text())
    await screenshot(page, "log-forged-cosignature")


async def test_the_demo_witness_cosigned_the_announced_campaigns_log(page: Page, server: LiveServer) -> None:
    """The demo's 纪委 witness cosigned the announced campaign's final checkpoint with its own key,
    registered through the API like any witness; the page verifies that cosignature itself."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        listed = (await http.get("/api/public/campaigns/")).json()
        keys = (await http.get("/api/ledger/keys")).json()
    announced = next(c["id"] for c in listed if c["title"] == ANNOUNCED_TITLE)
    assert [w["name"] for w in keys["witnesses"]] == [DEMO_WITNESS]
    await page.goto(f"{server.url}/logs/campaign-{announced}")
    await expect(page.locator("#checkpoint-verdict")).to_have_attribute("data-verdict", "verified")
    await expect(page.locator("#witnesses li")).to_have_count(1)
    await expect(page.locator("#witnesses li")).to_contain_text(f"✓ {DEMO_WITNESS}：副签有效")
    await screenshot(page, "log-demo-witness")
