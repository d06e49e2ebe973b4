"""The 公示 page on a phone: the notice, a bad objection shown at its fields, a lodged one's receipt."""

from __future__ import annotations

from playwright.async_api import Page, Route, expect

from tests.browser.test_campaign_pages import assert_no_sideways_scroll
from tests.support.browser import screenshot
from tests.support.demo_public import ANNOUNCED_TITLE, PUBLICIZED_TITLE
from tests.support.server import LiveServer


async def _open_notice(page: Page, server: LiveServer, title: str) -> None:
    await page.goto(server.url + "/campaigns")
    href = await page.get_by_role("link", name=title).get_attribute("href")
    await page.goto(f"{server.url}{href}/notice")
    await page.wait_for_selector("html[data-ready]", state="attached")


async def test_an_objection_during_the_notice_gets_a_signed_receipt(page: Page, server: LiveServer) -> None:
    await _open_notice(page, server, PUBLICIZED_TITLE)
    await expect(page.get_by_role("heading", name="公示名单")).to_be_visible()
    await expect(page.locator(".facts").first).to_contain_text("5 个工作日")
    await expect(page.locator(".winner-list li")).to_have_count(2)
    pdf = page.get_by_role("link", name="下载公示文件（PDF）")
    response = await page.request.get(server.url + (await pdf.get_attribute("href") or ""))
    assert response.status == 200 and (await response.body()).startswith(b"%PDF")
    await screenshot(page, "notice-form")

    await page.get_by_label("异议对象").select_option(index=1)
    await page.get_by_label("真实姓名").fill("李明")
    await page.get_by_label("工作单位").fill("顺义区某社区卫生服务站")
    await page.get_by_label("联系方式").fill("13800000000")
    await page.get_by_label("异议内容").fill("反映该同志2025年曾有违反劳动纪律的情况，请核实。")
    await page.get_by_role("button", name="提交异议").click()
    result = page.locator("#objection-result")
    await expect(result.get_by_role("heading", name="异议已受理")).to_be_visible()
    receipt = await result.locator("pre.receipt").inner_text()
    assert "campaign-" in receipt and "— " in receipt, receipt  # a signed note from the campaign's log
    scope = "campaign-" + receipt.split("campaign-")[1].split()[0]
    await expect(result.get_by_role("link", name="公开日志")).to_have_attribute("href", f"/logs/{scope}")
    await expect(page.locator("#objection-form")).to_be_hidden()
    await screenshot(page, "notice-receipt")
    await assert_no_sideways_scroll(page)


async def test_a_bad_objection_shows_errors_at_the_fields(page: Page, server: LiveServer) -> None:
    await _open_notice(page, server, PUBLICIZED_TITLE)
    await page.get_by_role("button", name="提交异议").click()
    for field in ("candidate", "name", "contact", "content"):
        await expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#name-error")).to_contain_text("匿名异议不予受理")
    await expect(page.locator("#candidate")).to_be_focused()
    # the length checks mirror the schema: 51 characters are refused before anything is sent
    await page.get_by_label("异议对象").select_option(index=1)
    await page.locator("#name").evaluate(
        "(el) => { el.removeAttribute('maxlength'); el.value = '张'.repeat(51); }"
    )
    await page.get_by_label("联系方式").fill("13800000001")
    await page.get_by_label("异议内容").fill("内容")
    await page.get_by_role("button", name="提交异议").click()
    await expect(page.locator("#name-error")).to_contain_text("最多 50 字")
    await expect(page.locator("#contact")).not_to_have_attribute("aria-invalid", "true")
    # a name of spaces passes the browser but the server refuses it as anonymous: shown at the field
    await page.locator("#name").evaluate("(el) => { el.value = '李'; }")

    async def blank_name(route: Route) -> None:
        await route.continue_(post_data=(route.request.post_data or "").replace('"李"', '" "'))

    await page.route("**/objections", blank_name)
    await page.get_by_role("button", name="提交异议").click()
    await expect(page.locator("#name-error")).to_contain_text("匿名异议不予受理")
    await expect(page.locator("#objection-form")).to_be_visible()
    await screenshot(page, "notice-errors")


async def test_after_the_notice_the_form_is_replaced_by_a_statement(page: Page, server: LiveServer) -> None:
    await _open_notice(page, server, ANNOUNCED_TITLE)
    await expect(page.locator("#objection-form")).to_have_count(0)
    await expect(page.locator("#objection-closed")).to_contain_text("不再受理异议")
    await expect(page.get_by_role("link", name="查看最终结果")).to_be_visible()
    await screenshot(page, "notice-closed")
    await assert_no_sideways_scroll(page)
