"""The public (phone) channel page on a phone: number → code → choose → review → receipt, and the
limits (wrong code, bad number, the daily cap per phone) in plain Chinese."""

from __future__ import annotations

import json

from playwright.async_api import Page, Route, expect

from tests.support.browser import assert_cjk_font, screenshot
from tests.support.server import LiveServer
from tests.support.vote_pages import (
    DemoVote,
    demo_vote,
    find_ballot,
    last_sms_code,
    random_phone,
    tracking_code,
)


async def _verify_phone(page: Page, server: LiveServer, vote: DemoVote, phone: str) -> None:
    await page.goto(f"{server.url}{vote.page}/phone")
    await page.get_by_role("textbox", name="手机号").fill(f"{phone[:3]} {phone[3:7]} {phone[7:]}")
    await page.get_by_role("button", name="获取验证码").click()
    await expect(page.locator("#code-sent")).to_contain_text(f"{phone[:3]}****{phone[7:]}")
    await page.get_by_role("textbox", name="短信验证码").fill(last_sms_code(server, phone))
    await page.get_by_role("button", name="验证", exact=True).click()
    await expect(page.locator("#step-choose")).to_be_visible()


async def _choose_and_submit(page: Page) -> None:
    await page.locator(".candidate-main").nth(1).click()
    await page.get_by_role("button", name="下一步：核对选择").click()
    await expect(page.locator("#review-list li")).to_have_count(1)
    await page.get_by_role("button", name="提交投票").click()


async def test_public_voter_votes_then_meets_the_daily_cap(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    phone = random_phone()
    await _verify_phone(page, server, vote, phone)
    await assert_cjk_font(page, "#choose-title")
    await _choose_and_submit(page)
    await expect(page.locator("#receipt-check")).to_contain_text("选票已记入公开日志")
    code = tracking_code(await page.locator("#receipt-code").inner_text())
    found = await find_ballot(server, vote.id, code)
    assert found.status_code == 200 and found.json()["channel"] == "public"
    await expect(page.locator("#revote")).to_be_hidden()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    await screenshot(page, "vote-phone-receipt")

    await _verify_phone(page, server, vote, phone)  # the same phone again, the same day
    await _choose_and_submit(page)
    status = page.locator("#submit-status")
    await expect(status).to_contain_text("该手机号今日投票次数已满")
    await expect(status).to_contain_text("请明天再来")
    await expect(page.locator("#step-receipt")).to_be_hidden()
    await screenshot(page, "vote-phone-daily-cap")


async def test_wrong_code_and_bad_number_are_explained(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    phone = random_phone()
    await page.goto(f"{server.url}{vote.page}/phone")
    await page.get_by_role("textbox", name="手机号").fill("12345")
    await page.get_by_role("button", name="获取验证码").click()
    await expect(page.locator("#phone-error")).to_contain_text("11 位中国大陆手机号")
    await page.get_by_role("textbox", name="手机号").fill(phone)
    await page.get_by_role("button", name="获取验证码").click()
    await expect(page.locator("#code-sent")).to_contain_text("验证码已发送")
    code = last_sms_code(server, phone)
    wrong = "000000" if code != "000000" else "111111"
    await page.get_by_role("textbox", name="短信验证码").fill("12")
    await page.get_by_role("button", name="验证", exact=True).click()
    await expect(page.locator("#code-error")).to_contain_text("6 位数字")
    await page.get_by_role("textbox", name="短信验证码").fill(wrong)
    await page.get_by_role("button", name="验证", exact=True).click()
    await expect(page.locator("#code-error")).to_contain_text("验证码不正确，还可以再试 4 次")
    await expect(page.locator("#code-sent")).to_contain_text("验证码已发送至")  # still says where it went
    await screenshot(page, "vote-phone-wrong-code")
    for _ in range(4):
        await page.get_by_role("textbox", name="短信验证码").fill(wrong)
        await page.get_by_role("button", name="验证", exact=True).click()
        await expect(page.locator("#code-check")).to_be_enabled()
    await expect(page.locator("#phone-status")).to_contain_text("验证码已失效")
    await expect(page.get_by_role("button", name="获取验证码")).to_be_visible()
    await screenshot(page, "vote-phone-code-spent")


async def test_a_lost_answer_is_resent_and_the_first_receipt_shown(page: Page, server: LiveServer) -> None:
    """The ballot reaches the server but the answer is lost: "重新提交" sends the same request id and
    the page shows the receipt of the ballot already logged — not the daily-cap refusal."""
    vote = demo_vote(server)
    bodies: list[dict[str, object]] = []

    async def lose_first_answer(route: Route) -> None:
        bodies.append(json.loads(route.request.post_data or "{}"))
        if len(bodies) == 1:
            await route.fetch()  # the server logs the ballot…
            await route.abort("connectionreset")  # …and the phone never hears back
        else:
            await route.continue_()

    await page.route(f"**/api/public/campaigns/{vote.id}/phone-ballots", lose_first_answer)
    await _verify_phone(page, server, vote, random_phone())
    await _choose_and_submit(page)
    await expect(page.locator("#submit-status")).to_contain_text("没有收到服务器的答复")
    await page.get_by_role("button", name="重新提交").click()
    await expect(page.locator("#receipt-check")).to_contain_text("选票已记入公开日志")
    assert len(bodies) == 2 and bodies[0] == bodies[1] and bodies[0]["request_id"]
    code = tracking_code(await page.locator("#receipt-code").inner_text())
    found = await find_ballot(server, vote.id, code)
    assert found.status_code == 200 and found.json()["channel"] == "public"
    await screenshot(page, "vote-phone-lost-answer-receipt")
