"""Find-my-ballot and the public logs: pages a distrustful voter or observer can check for themselves.

The server renders what it claims (the campaigns, the log's size, its recent entries, its keys); the
page scripts then verify in the browser, with the log's public key, everything that matters —
inclusion proofs against signed checkpoints — so the verdict never rests on the server's word.
Pages read as an anonymous visitor: internal (auditor-only) logs are never listed and answer 404.
"""

from __future__ import annotations

from litestar import MediaType, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.access import PUBLIC
from api.controllers.pages import PageController
from workflow.ledger import public_pages as logs
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns


class VerifyPages(PageController):
    @get("/verify", guards=[PUBLIC], name="verify", media_type=MediaType.HTML)
    async def verify(
        self, campaign: FromQuery[str | None] = None, code: FromQuery[str | None] = None
    ) -> Template:
        """The form is server-rendered (a receipt QR opens it prefilled); the script verifies."""
        listed = await campaigns.list_campaigns(include_drafts=False)
        chosen = logs.typed_number(campaign)
        prefill = {"campaign": chosen, "code": logs.typed_tracking_code(code)}
        return Template(
            template_name="verify.html",
            context={
                "campaigns": [{"id": c["id"], "title": c["title"]} for c in listed],
                "prefill": prefill,
                "page_data": {"autostart": chosen is not None and bool(code)},
            },
        )


class LogPages(PageController):
    @get("/logs", guards=[PUBLIC], name="logs", media_type=MediaType.HTML)
    async def logs(self, rt: NamedDependency[Runtime]) -> Template:
        """Every public log with its size and the time of its newest record."""
        return Template(template_name="logs.html", context={"scopes": await logs.logs_overview(rt)})

    @get("/logs/{name:str}", guards=[PUBLIC], name="log", media_type=MediaType.HTML)
    async def log(
        self, name: FromPath[str], rt: NamedDependency[Runtime], before: FromQuery[str | None] = None
    ) -> Template:
        """One public log: keys and recent entries rendered here, the checkpoint verified by the page."""
        page = await logs.log_page(rt, name, logs.typed_number(before))
        return Template(template_name="log.html", context=page)
