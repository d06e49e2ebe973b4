"""The staff voter page on a phone: credential from the QR link, typed or wrong; choose, review, sign
in the browser, and a receipt whose tracking code the server confirms."""

from __future__ import annotations

import asyncio

from playwright.async_api import Page, Route, expect

from tests.support.browser import ARTIFACTS, assert_cjk_font, screenshot
from tests.support.server import LiveServer
from tests.support.vote_pages import (
    DemoVote,
    decode_qr,
    demo_vote,
    find_ballot,
    tracking_code,
    unknown_credential,
    voter,
)


async def _choose(page: Page, count: int, start: int = 0) -> None:
    for i in range(start, start + count):
        await page.locator(".candidate-main").nth(i).click()


async def _sign_and_check(page: Page, server: LiveServer, vote: DemoVote) -> str:
    """Review → sign → receipt; the server finds the ballot by the code on the receipt."""
    await page.get_by_role("button", name="下一步：核对选择").click()
    await expect(page.locator("#step-review")).to_be_visible()
    await page.get_by_role("button", name="签名并投票").click()
    await expect(page.locator("#step-receipt")).to_be_visible()
    await expect(page.locator("#receipt-check")).to_contain_text("与本机计算的跟踪码一致")
    code = tracking_code(await page.locator("#receipt-code").inner_text())
    assert len(code) == 64
    found = await find_ballot(server, vote.id, code)
    assert found.status_code == 200 and found.json()["channel"] == "staff"
    await expect(page.locator("#receipt-index")).to_contain_text(f"第 {found.json()['index']} 条")
    await expect(page.locator("#receipt-found")).to_contain_text("服务器可按跟踪码查到这张选票")
    return code


async def test_qr_link_votes_end_to_end(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    me = voter(vote, 0)
    await page.goto(me.link)
    await expect(page.locator("#step-choose")).to_be_visible()
    assert "#" not in page.url and "cred" not in page.url, "the credential stays in the address bar"
    await expect(page.locator("#key-info")).to_contain_text("凭证有效")
    await assert_cjk_font(page, ".candidate-name")
    await expect(page.locator(".candidate")).to_have_count(6)
    await _choose(page, 2)
    await expect(page.locator("#choose-count")).to_have_text("已选 2 / 3")
    await page.locator(".deeds summary").first.click()
    await screenshot(page, "vote-choose")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    await page.get_by_role("button", name="下一步：核对选择").click()
    await expect(page.locator("#review-list li")).to_have_count(2)
    await screenshot(page, "vote-review")
    await page.get_by_role("button", name="签名并投票").click()
    await expect(page.locator("#receipt-check")).to_contain_text("与本机计算的跟踪码一致")
    code = tracking_code(await page.locator("#receipt-code").inner_text())
    found = await find_ballot(server, vote.id, code)
    assert found.status_code == 200
    await expect(page.locator("#receipt-check")).to_contain_text("浏览器内置加密")
    await expect(page.get_by_role("link", name="查询我的选票").last).to_have_attribute(
        "href", f"/verify?campaign={vote.id}&code={code}"
    )
    await expect(page.locator("#revote")).to_be_visible()  # the demo's rules: the last ballot counts
    await expect(page.locator("#receipt-qr")).to_have_js_property("complete", True)
    assert await page.locator("#receipt-qr").evaluate("(img) => img.naturalWidth") > 0
    await screenshot(page, "vote-receipt")
    decoded = await decode_qr(page, "#receipt-qr", ARTIFACTS / "vote-receipt-qr.png")
    assert decoded == [f"{server.url}/verify?campaign={vote.id}&code={code}"]


async def test_typed_credential_votes(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    me = voter(vote, 1)
    await page.goto(server.url + vote.page)
    typed = " ".join(me.credential.replace("-", "").lower()[i : i + 5] for i in range(0, 25, 5))
    await page.get_by_role("textbox", name="投票凭证").fill(
        typed.replace("0", "o")
    )  # Crockford: o is read as 0
    await page.get_by_role("button", name="下一步", exact=True).click()
    await expect(page.locator("#step-choose")).to_be_visible()
    await expect(page.locator("#credential")).to_have_value(me.credential)  # normalised, shown back
    await _choose(page, 1, start=2)
    await _sign_and_check(page, server, vote)


async def test_fallback_crypto_produces_an_accepted_ballot(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    me = voter(vote, 2)
    await page.goto(me.link.replace(vote.page, vote.page + "?crypto=fallback"))
    await expect(page.locator("#key-info")).to_contain_text("备用")
    await _choose(page, 3)
    await _sign_and_check(page, server, vote)
    await expect(page.locator("#receipt-check")).to_contain_text("@noble/ed25519")
    await screenshot(page, "vote-receipt-fallback")


async def test_wrong_credentials_are_explained_before_voting(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    me = voter(vote, 3)
    await page.goto(server.url + vote.page)
    field = page.get_by_role("textbox", name="投票凭证")
    nxt = page.get_by_role("button", name="下一步", exact=True)
    first = me.credential[0]
    typo = ("1" if first != "1" else "2") + me.credential[1:]
    await field.fill(typo)
    await nxt.click()
    await expect(page.locator("#credential-error")).to_contain_text("校验不通过")
    await expect(field).to_have_attribute("aria-invalid", "true")
    await field.fill(me.credential[:-3])
    await nxt.click()
    await expect(page.locator("#credential-error")).to_contain_text("应为 25 个字符")
    await field.fill(me.credential.replace(me.credential[0], "U", 1))
    await nxt.click()
    await expect(page.locator("#credential-error")).to_contain_text("没有字母 U")
    await screenshot(page, "vote-credential-typo")
    await field.fill(unknown_credential())
    await nxt.click()
    await expect(page.locator("#credential-status")).to_contain_text("不在本次评选的凭证名单中")
    await expect(page.locator("#step-choose")).to_be_hidden()
    await screenshot(page, "vote-credential-unknown")
    await field.fill(me.credential)
    await nxt.click()
    await expect(page.locator("#step-choose")).to_be_visible()
    await expect(page.locator("#credential-error")).to_have_count(0)


async def test_over_selection_is_prevented_and_explained(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    await page.goto(voter(vote, 4).link)
    await expect(page.locator("#step-choose")).to_be_visible()
    await page.get_by_role("button", name="下一步：核对选择").click()
    await expect(page.locator("#choose-error")).to_contain_text("请至少选择 1 人")
    await _choose(page, 4)
    await expect(page.locator("#choose-error")).to_contain_text("最多只能选 3 人")
    await expect(page.locator("#choose-count")).to_have_text("已选 3 / 3")
    assert not await page.locator("input[name=choice]").nth(3).is_checked()
    await screenshot(page, "vote-over-selection")
    await page.locator(".candidate-main").nth(0).click()  # unchoose one, then the fourth fits
    await page.locator(".candidate-main").nth(3).click()
    await expect(page.locator("#choose-error")).to_be_hidden()
    await expect(page.locator("#choose-count")).to_have_text("已选 3 / 3")


async def test_revote_when_the_rules_allow_it(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    await page.goto(voter(vote, 5).link)
    await _choose(page, 1)
    first = await _sign_and_check(page, server, vote)
    await page.get_by_role("button", name="修改投票").click()
    await expect(page.locator("#step-choose")).to_be_visible()
    await page.locator(".candidate-main").nth(0).click()
    await _choose(page, 2, start=4)
    second = await _sign_and_check(page, server, vote)
    assert second != first
    await expect(page.locator("#receipt-choices")).not_to_contain_text(
        await page.locator(".candidate-name").nth(0).inner_text()
    )


async def _tab_to(page: Page, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def test_voting_with_the_keyboard_alone(page: Page, server: LiveServer) -> None:
    vote = demo_vote(server)
    me = voter(vote, 6)
    await page.goto(server.url + vote.page)
    await _tab_to(page, "#credential")
    await page.keyboard.type(me.credential)
    await page.keyboard.press("Enter")
    await expect(page.locator("#step-choose")).to_be_visible()
    await _tab_to(page, "input[name=choice]")
    await page.keyboard.press("Space")
    await _tab_to(page, "#choose-form button[type=submit]")
    await screenshot(page, "vote-keyboard-focus")
    await page.keyboard.press("Enter")
    await expect(page.locator("#step-review")).to_be_visible()
    await _tab_to(page, "#review-submit")
    await page.keyboard.press("Enter")
    await expect(page.locator("#receipt-check")).to_contain_text("与本机计算的跟踪码一致")
    code = tracking_code(await page.locator("#receipt-code").inner_text())
    assert (await find_ballot(server, vote.id, code)).status_code == 200


async def test_a_lost_answer_is_retried_with_the_same_ballot(page: Page, server: LiveServer) -> None:
    """The ballot reaches the server but the answer is lost: the retry resends the same signed bytes,
    the server knows them, and the page shows the receipt of the ballot already in the log."""
    vote = demo_vote(server)
    bodies: list[str] = []

    async def lose_first_answer(route: Route) -> None:
        bodies.append(route.request.post_data or "")
        if len(bodies) == 1:
            await route.fetch()  # the server receives and records the ballot…
            await route.abort("connectionreset")  # …and the phone never hears back
        else:
            await route.continue_()

    await page.route(f"**/api/public/campaigns/{vote.id}/ballots", lose_first_answer)
    await page.goto(voter(vote, 7).link)
    await expect(page.locator("#step-choose")).to_be_visible()
    await _choose(page, 1)
    await page.get_by_role("button", name="下一步：核对选择").click()
    await page.get_by_role("button", name="签名并投票").click()
    status = page.locator("#submit-status")
    await expect(status).to_contain_text("没有收到服务器的答复")
    await expect(status).to_contain_text("不会重复计票")
    await screenshot(page, "vote-lost-answer")
    await page.get_by_role("button", name="重新提交同一张选票").click()
    await expect(page.locator("#receipt-check")).to_contain_text("与本机计算的跟踪码一致")
    assert len(bodies) == 2 and bodies[0] == bodies[1], "the retry must resend the same signed ballot"
    code = tracking_code(await page.locator("#receipt-code").inner_text())
    found = await find_ballot(server, vote.id, code)
    assert found.status_code == 200
    await expect(page.locator("#receipt-index")).to_contain_text(f"公开日志第 {found.json()['index']} 条")
    await screenshot(page, "vote-lost-answer-receipt")


async def test_a_slow_network_shows_a_waiting_state_then_the_receipt(page: Page, server: LiveServer) -> None:
    """Four seconds without an answer: the page says the network is slow and keeps the buttons off,
    so nobody taps twice or leaves thinking the vote failed."""
    vote = demo_vote(server)

    async def slow(route: Route) -> None:
        await asyncio.sleep(4)
        await route.continue_()

    await page.route(f"**/api/public/campaigns/{vote.id}/ballots", slow)
    await page.goto(voter(vote, 15).link)
    await expect(page.locator("#step-choose")).to_be_visible()
    await _choose(page, 1)
    await page.get_by_role("button", name="下一步：核对选择").click()
    await page.get_by_role("button", name="签名并投票").click()
    status = page.locator("#submit-status")
    await expect(status).to_contain_text("网络较慢", timeout=6_000)
    await expect(page.locator("#review-submit")).to_be_disabled()
    await screenshot(page, "vote-slow-network")
    await expect(page.locator("#receipt-check")).to_contain_text("与本机计算的跟踪码一致", timeout=20_000)
