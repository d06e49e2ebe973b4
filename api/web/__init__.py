"""Server-rendered voter and public pages: Jinja templates, static assets, security headers.

Everything a page needs is served by yide itself (intranets have no CDN): templates under
``templates/``, CSS, JavaScript and the vendored crypto fallback under ``static/``. Page handlers live
in ``api/controllers/pages*.py`` and declare their access rule like every API handler.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler

from api.access import EXCLUDE_FROM_AUTH, PUBLIC

WEB_DIR = Path(__file__).parent
TEMPLATES = WEB_DIR / "templates"
STATIC = WEB_DIR / "static"
STATIC_PREFIX = "/static"
SITE_NAME = "医德医风与评选公开平台"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline script: page data travels in <script type="application/json">
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
"""Pages load nothing from elsewhere; a credential typed into the voter page can only go to yide."""

ROLE_ZH = {
    "organizer": "组织方（卫健委）",
    "unit_admin": "单位管理员",
    "department_head": "科室主任",
    "reviewer": "评审专家",
    "credential_authority": "凭证管理员",
    "auditor": "审计（纪检）",
    "staff": "职工",
}


def role_zh(role: str) -> str:
    return ROLE_ZH.get(str(role), str(role))


PAGE_HEADERS = [
    ResponseHeader(name="Content-Security-Policy", value=CONTENT_SECURITY_POLICY),
    ResponseHeader(name="Referrer-Policy", value="no-referrer"),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Cache-Control", value="no-store"),
]


@cache
def asset_version(path: str) -> str:
    """First 10 hex digits of the file's SHA-256: a new deployment gets new URLs, no stale cache."""
    file = (STATIC / path).resolve()
    if not file.is_relative_to(STATIC.resolve()) or not file.is_file():
        raise FileNotFoundError(f"no static asset {path!r}")
    return hashlib.sha256(file.read_bytes()).hexdigest()[:10]


def asset(path: str) -> str:
    """URL of a static asset with its content version, for templates: ``{{ asset('css/site.css') }}``."""
    return f"{STATIC_PREFIX}/{path}?v={asset_version(path)}"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals |= {"asset": asset, "site_name": SITE_NAME, "role_zh": role_zh}
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))


def static_router() -> ControllerRouterHandler:
    """``/static/…``: CSS, page scripts and the vendored libraries, public and revalidated by ETag."""
    return create_static_files_router(
        path=STATIC_PREFIX,
        directories=[STATIC],
        guards=[PUBLIC],
        opt={EXCLUDE_FROM_AUTH: True},
        cache_control=CacheControlHeader(no_cache=True, public=True),
        include_in_schema=False,
        name="static",
    )
