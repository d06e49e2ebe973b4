"""Find-my-ballot and public-log pages over HTTP: HTML with strict headers, 404 pages for logs the
public may not see, and query strings typed by people that never turn into an error."""

from __future__ import annotations

import httpx

from api.web import CONTENT_SECURITY_POLICY
from workflow import demo
from workflow.runtime import Runtime


def assert_page(response: httpx.Response, status: int = 200) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"


async def test_verify_page_lists_public_campaigns_and_prefills_a_receipt_url(
    client: httpx.AsyncClient, clean_db: None, rt: Runtime
) -> None:
    await demo.seed(rt)
    await demo.seed_campaign(rt)
    campaign = (await client.get("/api/public/campaigns")).json()[0]
    code = "AB-" + "0f" * 31 + "  "
    response = await client.get("/verify", params={"campaign": str(campaign["id"]), "code": code})
    assert_page(response)
    assert f'<option value="{campaign["id"]}" selected>' in response.text
    assert "0f" * 31 in response.text and "ab0f" in response.text  # normalised: no dashes, lower case
    assert '"autostart": true' in response.text


async def test_verify_page_ignores_junk_in_the_query(client: httpx.AsyncClient, clean_db: None) -> None:
    response = await client.get("/verify", params={"campaign": "1; drop", "code": "<script>"})
    assert_page(response)
    assert "<script>" not in response.text.split('id="code"')[1].split("</textarea>")[0]
    assert '"autostart": false' in response.text


async def test_logs_list_only_public_scopes(client: httpx.AsyncClient, clean_db: None, rt: Runtime) -> None:
    await demo.seed(rt)
    await demo.seed_campaign(rt)
    response = await client.get("/logs")
    assert_page(response)
    public = [s["name"] for s in (await client.get("/api/ledger/scopes")).json()]
    assert public
    for name in public:
        assert f'href="/logs/{name}"' in response.text
    assert 'href="/logs/org"' not in response.text


async def test_log_page_shows_keys_entries_and_pages_back(
    client: httpx.AsyncClient, clean_db: None, rt: Runtime
) -> None:
    await demo.seed(rt)
    await demo.seed_campaign(rt)
    scope = (await client.get("/api/ledger/scopes")).json()[0]
    response = await client.get(f"/logs/{scope['name']}")
    assert_page(response)
    assert scope["verifier_keys"][0] in response.text
    assert f"#{scope['size'] - 1}" in response.text
    assert f"?before={scope['size'] - 20}" in response.text
    older = await client.get(f"/logs/{scope['name']}", params={"before": str(scope["size"] - 20)})
    assert_page(older)
    assert "#0</span>" in older.text and "更早的记录</a>" not in older.text
    junk = await client.get(f"/logs/{scope['name']}", params={"before": "-5x"})
    assert_page(junk)


async def test_internal_and_unknown_logs_are_404_pages(
    client: httpx.AsyncClient, clean_db: None, rt: Runtime
) -> None:
    await demo.seed(rt)
    await demo.seed_campaign(rt)
    for name in ("org", "no-such-log"):
        response = await client.get(f"/logs/{name}")
        # error pages come from PageController's shared handler (security headers: see docs/web.md)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "页面不存在" in response.text
