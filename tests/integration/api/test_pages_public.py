"""The public pages over HTTP: the demo's three campaigns, drafts hidden, 404 pages, headers."""

from __future__ import annotations

import re

import httpx

from api.web import CONTENT_SECURITY_POLICY
from workflow import demo, demo_results
from workflow.accounts.roles import OPERATOR
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns


def _strict_html(response: httpx.Response, status: int = 200) -> str:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    return response.text


async def test_the_demo_campaigns_in_every_state_render(
    client: httpx.AsyncClient, clean_db: None, rt: Runtime
) -> None:
    await demo.seed(rt)
    voting = await demo.seed_campaign(rt)
    publicized, announced = await demo_results.seed_finished_campaigns(rt)
    draft = await campaigns.create_campaign(rt, OPERATOR, campaigns.CampaignSpec(title="未发布的草稿评选"))
    assert await demo_results.finished_campaigns() == {
        demo_results.PUBLICIZED_TITLE: publicized,
        demo_results.ANNOUNCED_TITLE: announced,
    }
    assert (await demo_results.demo_ward_link(rt) or "").startswith(
        rt.settings.server.public_url + "/evaluate/"
    )

    listing = _strict_html(await client.get("/campaigns"))
    assert demo.DEMO_CAMPAIGN_TITLE in listing and demo_results.ANNOUNCED_TITLE in listing
    assert "未发布的草稿评选" not in listing and f'href="/campaigns/{draft["id"]}"' not in listing
    _strict_html(await client.get(f"/campaigns/{draft['id']}"), 404)

    open_page = _strict_html(await client.get(f"/campaigns/{voting.id}"))
    uid = (await campaigns.campaign_view(voting.id))["uid"]
    assert f'href="/vote/{uid}"' in open_page and f'href="/vote/{uid}/phone"' in open_page
    assert "参与情况" in open_page and "每人最多选 3 人" in open_page
    assert "结果尚未公布" in _strict_html(await client.get(f"/campaigns/{voting.id}/result"))
    assert "尚未公示" in _strict_html(await client.get(f"/campaigns/{voting.id}/notice"))

    noticed = _strict_html(await client.get(f"/campaigns/{publicized}"))
    assert "/vote/" not in noticed and "参与情况" not in noticed
    photos = re.findall(r'src="(/api/public/campaigns/\d+/candidates/n\d+/photo)"', noticed)
    assert len(photos) == 5
    photo = await client.get(photos[0])
    assert photo.status_code == 200 and photo.content.startswith(b"\x89PNG")
    notice = _strict_html(await client.get(f"/campaigns/{publicized}/notice"))
    assert 'id="objection-form"' in notice and "5 个工作日" in notice

    closed = _strict_html(await client.get(f"/campaigns/{announced}/notice"))
    assert 'id="objection-form"' not in closed and "不再受理异议" in closed
    result = _strict_html(await client.get(f"/campaigns/{announced}/result"))
    assert result.count("is-winner") == 3 and "抽签" in result
    assert f'href="/logs/campaign-{announced}"' in result


async def test_unknown_ids_and_wards_are_404_pages(client: httpx.AsyncClient, clean_db: None) -> None:
    for path in ("/campaigns/424242", "/campaigns/424242/notice", "/campaigns/424242/result"):
        assert "页面不存在" in _strict_html(await client.get(path), 404)
    for token in ("short", "x" * 43):
        assert "页面不存在" in _strict_html(await client.get(f"/evaluate/{token}"), 404)
    bad = await client.get("/campaigns/99999999999999999999")
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")


async def test_an_empty_list_says_so(client: httpx.AsyncClient, clean_db: None) -> None:
    assert "目前没有公开的评选活动" in _strict_html(await client.get("/campaigns"))
