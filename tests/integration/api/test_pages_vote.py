"""The voter pages over HTTP: found by campaign uid, HTML error pages, closed campaigns said plainly,
and the receipt's QR code route, which validates its input (never a 500)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import httpx
import pytest

from api.web import CONTENT_SECURITY_POLICY
from tests.support.selection import small_rules, voting_campaign
from workflow import demo
from workflow.accounts.roles import OPERATOR
from workflow.documents.qr import qr_svg
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import voter_page
from workflow.selection.records import get_campaign
from workflow.selection.rules import Channels, PublicChannel, StaffChannel

pytestmark = pytest.mark.usefixtures("clean_db")


def _page_data(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert found, "no page data"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def _assert_page_headers(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


async def test_staff_page_renders_the_ballot_by_uid(client: httpx.AsyncClient, rt: Runtime) -> None:
    v = await voting_campaign(rt)
    response = await client.get(f"/vote/{v.uid}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    _assert_page_headers(response)
    assert "<body data-needs-js>" in response.text
    assert 'id="credential-form"' in response.text
    data = _page_data(response.text)
    assert data["uid"] == v.uid and data["id"] == v.id and data["rules_hash"] == v.rules_hash
    assert data["candidates"] == sorted(v.candidates)
    assert (data["min"], data["max"]) == (1, 2)
    for candidate in v.candidates:
        assert f'value="{candidate}"' in response.text


@pytest.mark.parametrize("uid", ["no-such-campaign", "x" * 65, "bad uid", "%00"])
async def test_unknown_campaign_is_a_404_page(client: httpx.AsyncClient, uid: str) -> None:
    for path in (f"/vote/{uid}", f"/vote/{uid}/phone", f"/vote/{uid}/receipt/{'a' * 64}/qr.svg"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "页面不存在" in response.text
        _assert_page_headers(response)


async def test_draft_campaign_is_not_found(client: httpx.AsyncClient, rt: Runtime) -> None:
    view = await campaigns.create_campaign(rt, OPERATOR, campaigns.CampaignSpec(title="草稿评选"))
    assert (await client.get(f"/vote/{view['uid']}")).status_code == 404


async def test_paused_voting_is_said_plainly_without_a_form(client: httpx.AsyncClient, rt: Runtime) -> None:
    v = await voting_campaign(rt)
    version = (await campaigns.campaign_view(v.id))["version"]
    await campaigns.act(rt, OPERATOR, v.id, action="pause_voting", expected_version=version)
    for path in (f"/vote/{v.uid}", f"/vote/{v.uid}/phone"):
        response = await client.get(path)
        assert response.status_code == 200
        assert "投票已暂停" in response.text
        assert "<form" not in response.text and "data-needs-js" not in response.text


async def test_closing_time_and_state_decide_whether_a_ballot_can_be_cast(rt: Runtime) -> None:
    v = await voting_campaign(rt)
    row = await get_campaign(v.id)
    now = rt.clock.now()
    assert voter_page.closed_reason(row, now) is None
    row.voting_closes_at = now - timedelta(minutes=1)
    reason = voter_page.closed_reason(row, now)
    assert reason is not None and reason.heading == "投票已结束" and "截止" in reason.text
    row.voting_closes_at = None
    row.voting_opens_at = now + timedelta(days=1)
    reason = voter_page.closed_reason(row, now)
    assert reason is not None and reason.heading == "投票尚未开始"
    row.voting_opens_at = None
    row.status = "sealed"
    assert voter_page.closed_reason(row, now).heading == "投票已结束"  # type: ignore[union-attr]


async def test_pages_say_when_a_channel_is_not_offered(client: httpx.AsyncClient, rt: Runtime) -> None:
    staff_only = small_rules(
        channels=Channels(staff=StaffChannel(enabled=True), public=PublicChannel(enabled=False))
    )
    v = await voting_campaign(rt, rules=staff_only)
    phone = await client.get(f"/vote/{v.uid}/phone")
    assert phone.status_code == 200 and "本评选没有公众投票" in phone.text
    assert 'id="phone-form"' not in phone.text
    assert 'id="credential-form"' in (await client.get(f"/vote/{v.uid}")).text


async def test_phone_page_renders_for_an_open_public_channel(client: httpx.AsyncClient, rt: Runtime) -> None:
    v = await voting_campaign(rt)
    response = await client.get(f"/vote/{v.uid}/phone")
    assert response.status_code == 200
    _assert_page_headers(response)
    assert 'id="phone-form"' in response.text and "每个手机号每天可投 1 票" in response.text
    assert _page_data(response.text)["channel"] == "public"


async def test_receipt_qr_holds_the_find_my_ballot_link(client: httpx.AsyncClient, rt: Runtime) -> None:
    v = await voting_campaign(rt)
    code = "0123456789abcdef" * 4
    response = await client.get(f"/vote/{v.uid}/receipt/{code}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    _assert_page_headers(response)
    link = f"{rt.settings.server.public_url}/verify?campaign={v.id}&code={code}"
    assert voter_page.find_my_ballot_link(rt, v.id, code) == link
    assert response.content == qr_svg(link, scale=5)


@pytest.mark.parametrize("code", ["0123456789ABCDEF" * 4, "abc", "a" * 65, "g" * 64, "a" * 63 + "%20"])
async def test_receipt_qr_refuses_what_is_not_a_tracking_code(
    client: httpx.AsyncClient, rt: Runtime, code: str
) -> None:
    v = await voting_campaign(rt)
    response = await client.get(f"/vote/{v.uid}/receipt/{code}/qr.svg")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html") and "请求有误" in response.text


async def test_code_throttles_carry_a_chinese_message(client: httpx.AsyncClient, rt: Runtime) -> None:
    v = await voting_campaign(rt)
    url = f"/api/public/campaigns/{v.id}/phone-codes"
    answers = [await client.post(url, json={"phone": "13900139000"}) for _ in range(6)]
    assert [a.status_code for a in answers[:5]] == [202] * 5
    assert answers[5].status_code == 429
    assert answers[5].json()["message_zh"] == "这个手机号获取验证码的次数过多，请一小时后再试。"


async def test_demo_home_page_links_voters_with_their_credentials(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    await demo.seed(rt)
    seeded = await demo.seed_campaign(rt)
    text = (await client.get("/")).text
    uid = (await campaigns.campaign_view(seeded.id))["uid"]
    first = seeded.credentials[0]
    assert f'href="/vote/{uid}#cred={first.credential.replace("-", "")}"' in text
    assert f'href="/vote/{uid}/phone"' in text
    assert f"以{first.name}的凭证投票" in text
