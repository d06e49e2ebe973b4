"""Every page passes the axe-core accessibility rules (WCAG 2.1 A and AA) on a phone, and fits a
360-px-wide screen without scrolling sideways.

axe-core is the engine browsers' own audits use; ``axe-playwright-python`` ships it and runs it in
the page through Playwright (not through a <script> tag, so the pages' CSP stays as it is). Pages
with several steps are audited in each state a voter sees. A violation fails with axe's report:
which rule, which element, how to fix it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page, expect

from tests.support.demo_public import ANNOUNCED_TITLE, PUBLICIZED_TITLE, demo_ward_tokens
from tests.support.server import LiveServer
from tests.support.vote_pages import demo_vote

AXE = Axe()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


async def assert_accessible(page: Page) -> None:
    results = await AXE.run(page, options=WCAG_AA)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


async def _campaign_id(server: LiveServer, title: str) -> int:
    async with httpx.AsyncClient(base_url=server.url) as http:
        listed = (await http.get("/api/public/campaigns/")).json()
    return int(next(c["id"] for c in listed if c["title"] == title))


async def _plain(page: Page, server: LiveServer, path: str) -> None:
    await page.goto(server.url + path)
    await expect(page.locator("h1")).to_be_visible()


PAGES: dict[str, Callable[[Page, LiveServer], Awaitable[None]]] = {}


def audited(name: str) -> Callable[[Callable[[Page, LiveServer], Awaitable[None]]], None]:
    def register(opener: Callable[[Page, LiveServer], Awaitable[None]]) -> None:
        PAGES[name] = opener

    return register


@audited("home")
async def _home(page: Page, server: LiveServer) -> None:
    await _plain(page, server, "/")


@audited("campaigns")
async def _campaigns(page: Page, server: LiveServer) -> None:
    await _plain(page, server, "/campaigns")


@audited("campaign in 公示")
async def _campaign(page: Page, server: LiveServer) -> None:
    await _plain(page, server, f"/campaigns/{await _campaign_id(server, PUBLICIZED_TITLE)}")


@audited("公示 notice with the objection form")
async def _notice(page: Page, server: LiveServer) -> None:
    await _plain(page, server, f"/campaigns/{await _campaign_id(server, PUBLICIZED_TITLE)}/notice")
    await page.get_by_role("button", name="提交异议").click()  # empty: the field errors show
    await expect(page.locator(".field-error").first).to_be_visible()


@audited("announced result")
async def _result(page: Page, server: LiveServer) -> None:
    await _plain(page, server, f"/campaigns/{await _campaign_id(server, ANNOUNCED_TITLE)}/result")


@audited("inpatient form")
async def _evaluate(page: Page, server: LiveServer) -> None:
    await _plain(page, server, f"/evaluate/{demo_ward_tokens(server)[0]}")


@audited("voter page, credential step with a typo")
async def _vote_credential(page: Page, server: LiveServer) -> None:
    await _plain(page, server, demo_vote(server).page)
    await page.locator("#credential").fill("ABC")
    await page.keyboard.press("Enter")
    await expect(page.locator("#credential[aria-invalid=true]")).to_be_visible()


@audited("voter page, choice step")
async def _vote_choose(page: Page, server: LiveServer) -> None:
    await page.goto(demo_vote(server).voters[8].link)  # no ballot is cast: the key is only derived
    await expect(page.locator("#step-choose")).to_be_visible()
    await page.locator(".candidate-main").first.click()


@audited("voter page, receipt")
async def _vote_receipt(page: Page, server: LiveServer) -> None:
    await page.goto(demo_vote(server).voters[9].link)
    await page.locator(".candidate-main").first.click()
    await page.get_by_role("button", name="下一步：核对选择").click()
    await page.get_by_role("button", name="签名并投票").click()
    await expect(page.locator("#receipt-found")).to_contain_text("服务器可按跟踪码查到这张选票")


@audited("phone voter page")
async def _vote_phone(page: Page, server: LiveServer) -> None:
    await _plain(page, server, demo_vote(server).page + "/phone")


@audited("find my ballot")
async def _verify(page: Page, server: LiveServer) -> None:
    await _plain(page, server, "/verify")


@audited("public logs")
async def _logs(page: Page, server: LiveServer) -> None:
    await _plain(page, server, "/logs")


@audited("a public log, verified")
async def _log(page: Page, server: LiveServer) -> None:
    await _plain(page, server, f"/logs/campaign-{demo_vote(server).id}")
    await expect(page.locator("#checkpoint-verdict")).to_have_attribute("data-verdict", "verified")


@audited("404 page")
async def _missing(page: Page, server: LiveServer) -> None:
    await _plain(page, server, "/campaigns/999999")


@pytest.mark.parametrize("name", list(PAGES))
async def test_page_meets_wcag_aa(page: Page, server: LiveServer, name: str) -> None:
    await PAGES[name](page, server)
    await assert_accessible(page)
    await page.set_viewport_size({"width": 360, "height": 740})  # the narrowest phones in use
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name} scrolls sideways on a 360-px screen ({width}px)"


async def test_the_audit_finds_a_real_violation(page: Page, server: LiveServer) -> None:
    """The audit is not a formality: an input without a label and grey-on-white text fail it."""
    await _plain(page, server, "/")
    await page.evaluate(
        """() => {
            const box = document.createElement("input");
            document.querySelector("main").append(box);
            const faint = document.createElement("p");
            faint.textContent = "几乎看不见的文字";
            faint.style.color = "#eeeeee";
            document.querySelector("main").append(faint);
        }"""
    )
    results = await AXE.run(page, options=WCAG_AA)
    found = {v["id"] for v in results.response["violations"]}
    assert {"label", "color-contrast"} <= found
