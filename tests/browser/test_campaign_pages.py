"""Campaign list → campaign page → result page on a phone: candidates with photos, rules in Chinese."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.support.browser import assert_cjk_font, screenshot
from tests.support.demo_public import ANNOUNCED_TITLE, PUBLICIZED_TITLE
from tests.support.server import LiveServer
from workflow.demo import DEMO_CAMPAIGN_TITLE


async def assert_no_sideways_scroll(page: Page, width: int = 360) -> None:
    await page.set_viewport_size({"width": width, "height": 740})
    scroll = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at {width}px ({scroll}px wide)"


async def test_list_then_campaign_shows_candidates_with_photos_and_the_rules(
    page: Page, server: LiveServer
) -> None:
    await page.goto(server.url + "/campaigns")
    await expect(page.locator("h1")).to_have_text("评选活动")
    for title in (DEMO_CAMPAIGN_TITLE, PUBLICIZED_TITLE, ANNOUNCED_TITLE):
        await expect(page.get_by_role("link", name=title)).to_be_visible()
    await expect(page.locator(".campaign-item").first.locator(".badge")).not_to_be_empty()
    await assert_cjk_font(page, "h1")
    await screenshot(page, "campaigns")
    await assert_no_sideways_scroll(page)

    await page.get_by_role("link", name=PUBLICIZED_TITLE).click()
    await expect(page.locator("h1")).to_have_text(PUBLICIZED_TITLE)
    await expect(page.locator(".campaign-meta .badge")).to_have_text("公示中")
    cards = page.locator(".profile")
    await expect(cards).to_have_count(5)
    photo = cards.first.locator("img.profile-photo")
    await expect(photo).to_be_visible()
    # visible is not loaded (the box has a CSS size): wait for the image itself to load or fail
    width = await photo.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener("load", () => done(img.naturalWidth));
            img.addEventListener("error", () => done(0));
        })"""
    )
    assert width > 0, "the candidate photo did not load from the public photo endpoint"
    await expect(cards.first.locator(".profile-deeds")).not_to_be_empty()
    rules = page.locator("dl.rules")
    await expect(rules).to_contain_text("每人最多选 2 人")
    await expect(rules).to_contain_text("以最后一次为准")
    await expect(rules).to_contain_text("5 个工作日")
    assert re.fullmatch(r"[0-9a-f]{64}", await page.locator(".rules-hash").inner_text())
    await expect(page.get_by_role("link", name="查看公示")).to_be_visible()
    await expect(page.get_by_role("link", name="职工凭证投票")).to_have_count(0)
    await screenshot(page, "campaign-publicized")
    await assert_no_sideways_scroll(page)


async def test_the_open_campaign_links_to_both_voter_pages_and_shows_turnout_only(
    page: Page, server: LiveServer
) -> None:
    await page.goto(server.url + "/campaigns")
    await page.get_by_role("link", name=DEMO_CAMPAIGN_TITLE).click()
    await expect(page.locator(".campaign-meta .badge")).to_have_text("投票进行中")
    uid = await page.locator(".vote-cta a").first.get_attribute("href")
    assert uid is not None and uid.startswith("/vote/")
    await expect(page.get_by_role("link", name="公众手机投票")).to_have_attribute("href", uid + "/phone")
    await expect(page.get_by_role("heading", name="参与情况")).to_be_visible()  # rules: turnout_only
    await expect(page.locator("dl.rules")).to_contain_text("每人最多选 3 人")
    await expect(page.locator(".profile")).to_have_count(6)
    await screenshot(page, "campaign-voting")
    await assert_no_sideways_scroll(page)


async def test_the_announced_result_is_ranked_with_winners_and_the_tie_break(
    page: Page, server: LiveServer
) -> None:
    await page.goto(server.url + "/campaigns")
    await page.get_by_role("link", name=ANNOUNCED_TITLE).click()
    await expect(page.locator("dl.rules")).to_contain_text("投出后不能更改")  # first ballot counts
    await expect(page.get_by_role("heading", name="参与情况")).to_have_count(0)
    await page.get_by_role("link", name="查看结果").click()
    await expect(page.locator("h2#winners-title")).to_have_text("当选名单（3 人）")
    rows = page.locator(".result-row")
    await expect(rows).to_have_count(5)
    await expect(page.locator(".result-row.is-winner")).to_have_count(3)
    await expect(rows.first.locator(".badge-done")).to_have_text("当选")
    await expect(page.locator(".result-rank")).to_have_text(["1", "2", "3", "3", "5"])
    await expect(page.get_by_text("抽签决定")).to_be_visible()
    await expect(page.get_by_role("link", name="选票封存清单（JSON）")).to_be_visible()
    log = page.get_by_role("link", name="公开日志").last
    assert (await log.get_attribute("href") or "").startswith("/logs/campaign-")
    await screenshot(page, "result-announced")
    await assert_no_sideways_scroll(page)


async def test_before_the_announcement_the_result_page_says_why(page: Page, server: LiveServer) -> None:
    await page.goto(server.url + "/campaigns")
    href = await page.get_by_role("link", name=PUBLICIZED_TITLE).get_attribute("href")
    response = await page.goto(f"{server.url}{href}/result")
    assert response is not None and response.status == 200
    await expect(page.get_by_role("heading", name="结果尚未公布")).to_be_visible()
    await expect(page.get_by_text("正在公示")).to_be_visible()
    await screenshot(page, "result-pending")
    await assert_no_sideways_scroll(page)


async def test_an_unknown_campaign_is_a_404_page(page: Page, server: LiveServer) -> None:
    response = await page.goto(server.url + "/campaigns/987654")
    assert response is not None and response.status == 404
    await expect(page.locator("h1")).to_have_text("页面不存在")
