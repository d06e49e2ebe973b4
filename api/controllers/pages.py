"""Public pages: the home page, and the page-level error screen every page controller shares.

Page handlers are thin: they load what the template shows and render it. Each declares one access
rule, exactly like an API handler. Errors inside a page handler render a readable HTML page (a person
is looking at it) rather than the problem+json an API client gets.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.response import Template

from api.access import PUBLIC
from api.problems import STATUS
from api.web import PAGE_HEADERS
from workflow import demo
from workflow.errors import DomainError
from workflow.runtime import Runtime
from workflow.selection import voter_page

ERROR_TEXT = {
    400: ("请求有误", "页面收到的参数不正确，请返回重试。"),
    401: ("需要登录", "请先登录后再访问此页面。"),
    403: ("无权访问", "您的账号无权查看此页面。"),
    404: ("页面不存在", "找不到您要访问的内容，可能链接有误或内容已撤下。"),
    409: ("状态已变化", "内容已被更新，请刷新页面后重试。"),
    429: ("访问过于频繁", "请稍后再试。"),
    503: ("服务暂不可用", "系统正在维护或繁忙，请稍后再试。"),
}


def error_page(request: Request[Any, Any, Any], exc: Exception) -> Template:
    """The HTML error screen: what happened in plain Chinese, and a way back."""
    if isinstance(exc, DomainError):
        status = STATUS[exc.kind]
        detail = exc.detail
    elif isinstance(exc, HTTPException) and exc.status_code < 500:
        status = exc.status_code
        detail = exc.detail
    else:
        status, detail = 500, ""
        request.logger.exception("page %s failed", request.url.path, exc_info=exc)
    title, text = ERROR_TEXT.get(status, ("出错了", "系统处理您的请求时出错，请稍后重试。"))
    return Template(
        template_name="error.html",
        context={"status": status, "title": title, "text": text, "detail": detail},
        status_code=status,
        media_type=MediaType.HTML,
        headers={h.name: h.value for h in PAGE_HEADERS if h.value is not None},
    )


class PageController(Controller):
    """Common ground of every page controller: HTML, security headers, HTML error pages, no schema."""

    include_in_schema = False
    response_headers = PAGE_HEADERS
    exception_handlers = {DomainError: error_page, HTTPException: error_page, Exception: error_page}


class HomePages(PageController):
    @get("/", guards=[PUBLIC], name="home", media_type=MediaType.HTML)
    async def home(self, rt: NamedDependency[Runtime]) -> Template:
        """Links to the voter and public pages; in the demo, the demo logins and voters' links."""
        seeded = await demo.is_seeded()
        return Template(
            template_name="home.html",
            context={
                "demo": {"password": demo.DEMO_PASSWORD, "logins": demo.LOGINS} if seeded else None,
                "voting": await voter_page.demo_voting(rt) if seeded else None,
            },
        )
