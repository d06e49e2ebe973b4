"""Slow and failing networks give clear states: lib/api.js and boot.js under controlled routes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from playwright.async_api import Page, Route, expect

from tests.support.browser import screenshot
from tests.support.server import LiveServer

JS = Path(__file__).parent / "js"


async def test_api_helper_reports_problems_slowness_timeouts_and_failures(
    page: Page, server: LiveServer
) -> None:
    async def problem(route: Route) -> None:
        body = {"type": "urn:yide:problem:ballot-rejected", "title": "Ballot rejected", "status": 400,
                "detail": "more choices than allowed", "reason_code": "too_many_choices",
                "reason_zh": "选择人数超过规定"}  # fmt: skip
        await route.fulfill(status=400, content_type="application/problem+json", body=json.dumps(body))

    async def slow(route: Route) -> None:
        await asyncio.sleep(0.6)
        await route.fulfill(status=200, content_type="application/json", body='{"ok": true}')

    await page.route("**/test/problem", problem)
    await page.route("**/test/slow", slow)
    await page.route("**/test/down", lambda route: route.abort("connectionrefused"))
    await page.goto(server.url + "/")
    result = await page.evaluate((JS / "api_states.js").read_text())

    assert result["problem"]["code"] == "ballot-rejected"
    assert result["problem"]["status"] == 400
    assert result["problem"]["message"] == "选择人数超过规定"
    assert result["problem"]["extra"]["reason_code"] == "too_many_choices"
    assert result["slowThenOk"] == {"ok": True, "value": {"ok": True}}
    assert result["slowCalls"] == 1
    assert result["timeout"]["code"] == "timeout"
    assert "网络超时" in result["timeout"]["message"]
    assert result["network"]["code"] == "network"
    assert result["login"]["status"] == 401
    assert result["login"]["message"]
    assert result["text"]["ok"]
    assert "<svg" in result["text"]["value"]


async def test_a_page_whose_script_never_arrives_says_so(page: Page, server: LiveServer) -> None:
    """boot.js: when a page's module does not start in time, a banner explains and offers a reload."""
    await page.clock.install()
    await page.goto(server.url + "/")  # the home page has no module; pretend it needed one
    await page.evaluate("document.body.setAttribute('data-needs-js', '')")
    await page.evaluate("document.dispatchEvent(new Event('DOMContentLoaded'))")
    await page.clock.run_for(9000)
    banner = page.locator("#page-banner")
    await expect(banner).to_be_visible()
    await expect(banner).to_contain_text("网络可能较慢")
    await expect(banner.get_by_role("button", name="重新加载")).to_be_visible()
    await screenshot(page, "slow-script-banner")
