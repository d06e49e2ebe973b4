"""The page infrastructure over HTTP: HTML, security headers, static assets, HTML error pages."""

from __future__ import annotations

import re

import httpx
import pytest

from api.web import CONTENT_SECURITY_POLICY, STATIC, asset, asset_version
from workflow import demo
from workflow.runtime import Runtime


async def test_home_page_is_chinese_html_with_strict_headers(
    client: httpx.AsyncClient, clean_db: None
) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert 'name="viewport"' in response.text
    assert "演示账号" not in response.text  # not a demo database


async def test_home_page_shows_demo_logins_from_the_seed(
    client: httpx.AsyncClient, clean_db: None, rt: Runtime
) -> None:
    await demo.seed(rt)
    text = (await client.get("/")).text
    assert "演示账号" in text
    assert demo.DEMO_PASSWORD in text
    for login in demo.LOGINS:
        assert login.username in text


async def test_every_asset_the_home_page_names_is_served(client: httpx.AsyncClient, clean_db: None) -> None:
    text = (await client.get("/")).text
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', text)
    assert len(urls) >= 3
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert "no-cache" in response.headers["cache-control"]


def test_pages_reference_no_other_host() -> None:
    """Intranets have no internet: no template, stylesheet or script may name another host."""
    web = STATIC.parent
    offenders = []
    for path in [*web.glob("templates/**/*.html"), *STATIC.glob("css/**/*"), *STATIC.glob("js/**/*.js")]:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"""(?:src|href|url\()\s*=?\s*["']?(?:https?:)?//""", text):
            offenders.append(f"{path.relative_to(web)}: {text[match.start() : match.start() + 60]!r}")
    assert not offenders


async def test_static_assets_are_content_typed(client: httpx.AsyncClient) -> None:
    css = await client.get("/static/css/site.css")
    assert css.headers["content-type"].startswith("text/css")
    js = await client.get("/static/js/boot.js")
    assert "javascript" in js.headers["content-type"]


async def test_static_refuses_paths_outside_its_directory(client: httpx.AsyncClient) -> None:
    for path in ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2Fweb%2F__init__.py"]:
        response = await client.get(path)
        assert response.status_code in {400, 404}, path


def test_asset_urls_carry_a_content_version() -> None:
    url = asset("css/site.css")
    assert re.fullmatch(r"/static/css/site\.css\?v=[0-9a-f]{10}", url)
    with pytest.raises(FileNotFoundError):
        asset_version("../__init__.py")
    with pytest.raises(FileNotFoundError):
        asset_version("css/missing.css")


async def test_unknown_api_route_stays_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_pages_and_assets_are_gzipped_but_api_answers_are_not(
    client: httpx.AsyncClient, clean_db: None
) -> None:
    gzip = {"accept-encoding": "gzip"}
    noble = await client.get("/static/vendor/noble-ed25519-3.2.0/index.js", headers=gzip)
    assert noble.headers["content-encoding"] == "gzip"
    assert noble.text == (STATIC / "vendor/noble-ed25519-3.2.0/index.js").read_text()  # httpx inflates it
    assert int(noble.headers["content-length"]) < len(noble.content) / 2
    page = await client.get("/", headers=gzip)
    assert page.headers["content-encoding"] == "gzip" and "<html" in page.text
    api = await client.get("/api/ledger/keys", headers=gzip)
    assert api.status_code == 200 and "content-encoding" not in api.headers
    plain = await client.get("/static/css/site.css", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers  # a client that cannot inflate gets plain bytes
