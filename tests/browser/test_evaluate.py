"""The inpatient form on a phone: one evaluation per stay, a clear refusal of the second one."""

from __future__ import annotations

import secrets

from playwright.async_api import Page, expect

from tests.browser.test_campaign_pages import assert_no_sideways_scroll
from tests.support.browser import assert_cjk_font, screenshot
from tests.support.demo_public import demo_ward_tokens
from tests.support.server import LiveServer


async def _rate(page: Page, server: LiveServer, stay: str) -> None:
    await page.goto(f"{server.url}/evaluate/{demo_ward_tokens(server)[0]}")
    await page.wait_for_selector("html[data-ready]", state="attached")
    await page.get_by_label("住院号").fill(stay)
    ratings = page.locator("fieldset.rating")
    await ratings.nth(0).get_by_label("满意", exact=True).check()
    await ratings.nth(1).get_by_label("基本满意").check()
    await ratings.nth(1).get_by_label("意见或建议").fill("夜班护士很耐心。")
    await page.get_by_role("button", name="提交评价").click()


async def test_one_evaluation_per_stay(page: Page, server: LiveServer) -> None:
    stay = f"ZY{secrets.randbelow(10**8):08d}"  # the shared server: a stay no other test uses
    await page.goto(f"{server.url}/evaluate/{demo_ward_tokens(server)[0]}")
    await expect(page.locator("h1")).to_have_text("住院患者满意度评价")
    await assert_cjk_font(page, "h1")
    first = page.locator("fieldset.rating").first
    await expect(first.locator("legend")).not_to_be_empty()
    await expect(first.get_by_role("radio")).to_have_count(3)
    await expect(page.get_by_text("不保存住院号本身")).to_be_visible()
    await screenshot(page, "evaluate-form")
    await assert_no_sideways_scroll(page)
    await page.set_viewport_size({"width": 390, "height": 844})

    await _rate(page, server, stay)
    await expect(page.get_by_role("heading", name="感谢您的评价！")).to_be_visible()
    await expect(page.locator("#evaluate-result")).to_contain_text("2 位医务人员")
    await expect(page.locator("#evaluate-form")).to_be_hidden()
    await screenshot(page, "evaluate-thanks")

    await _rate(page, server, stay.lower())  # the same stay, however it is typed
    await expect(page.get_by_role("heading", name="这次住院已经评价过了")).to_be_visible()
    await expect(page.locator("#stay-error")).to_contain_text("每次住院只能评价一次")
    await expect(page.locator("#evaluate-form")).to_be_visible()
    await screenshot(page, "evaluate-second")


async def test_the_form_checks_before_sending(page: Page, server: LiveServer) -> None:
    await page.goto(f"{server.url}/evaluate/{demo_ward_tokens(server)[0]}")
    await page.wait_for_selector("html[data-ready]", state="attached")
    await page.get_by_role("button", name="提交评价").click()
    await expect(page.locator("#stay-error")).to_have_text("请填写住院号。")
    await expect(page.locator("#ratings-error")).to_have_text("请至少评价一位医生或护士。")
    await page.get_by_label("住院号").fill("住院 12")
    await page.get_by_role("button", name="提交评价").click()
    await expect(page.locator("#stay-error")).to_contain_text("只能包含数字、字母")
    await expect(page.locator("#stay")).to_be_focused()


async def test_an_unknown_ward_is_a_404_page(page: Page, server: LiveServer) -> None:
    response = await page.goto(f"{server.url}/evaluate/{'x' * 43}")
    assert response is not None and response.status == 404
    await expect(page.locator("h1")).to_have_text("页面不存在")
    await assert_no_sideways_scroll(page)
