"""The home page on a phone: Chinese text drawn with a CJK font, links to the voter and public pages."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.support.browser import assert_cjk_font, platform_fonts, screenshot
from tests.support.server import LiveServer
from tests.support.vote_pages import demo_vote


async def test_home_page_on_a_phone(page: Page, server: LiveServer) -> None:
    await page.goto(server.url + "/")
    await expect(page.locator("h1")).to_contain_text("评选")
    await assert_cjk_font(page, "h1")
    await expect(page.get_by_role("link", name="查询我的选票")).to_be_visible()
    # the demo database shows its logins, read from the seed
    await expect(page.get_by_text("yide-demo-2026")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    await screenshot(page, "home")


async def test_home_links_demo_voters_to_their_voter_pages(page: Page, server: LiveServer) -> None:
    """``yide demo`` opens on a home page whose links open the voter pages with demo credentials."""
    vote = demo_vote(server)
    await page.goto(server.url + "/")
    links = page.locator(".demo-voters a")
    assert 3 <= await links.count() <= 10
    first = vote.voters[0]
    await expect(links.first).to_have_text(f"以{first.name}的凭证投票")
    await expect(links.first).to_have_attribute("href", first.link.removeprefix(server.url))
    await expect(page.get_by_role("link", name="公众投票（手机号验证）")).to_have_attribute(
        "href", f"{vote.page}/phone"
    )
    await links.first.click()  # opens the choice step; nothing is cast
    await expect(page.locator("#step-choose")).to_be_visible()
    await expect(page.locator("#key-info")).to_contain_text("凭证有效")


async def test_font_check_detects_latin_only_text(page: Page, server: LiveServer) -> None:
    """The CJK check is real: it reports the font actually used for each run of text."""
    await page.goto(server.url + "/")
    fonts = await platform_fonts(page, "code")
    assert fonts
    assert all("familyName" in f for f in fonts)


async def test_keyboard_reaches_the_skip_link_first(page: Page, server: LiveServer) -> None:
    await page.goto(server.url + "/")
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"
    await expect(page.locator(".skip-link")).to_be_in_viewport()
