"""Public pages: campaigns, candidates, the 公示 with its objection form, results, inpatient form.

Server-rendered from :mod:`workflow.selection.public_pages` and the ward service, so that everything a
visitor reads arrives with the first response; the small page scripts only send the two forms.
Unknown campaigns, drafts and unknown or disabled wards render the 404 page.
"""

from __future__ import annotations

from litestar import MediaType, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from api.access import PUBLIC
from api.controllers.pages import PageController
from api.schemas.common import IdParam
from workflow.ethics import service_feedback as feedback
from workflow.runtime import Runtime
from workflow.selection import public_pages

OBJECTION_LIMITS = {"name": 50, "unit": 100, "contact": 100, "content": 5000}
"""Mirrors ``ObjectionIn``: the form checks the same lengths before sending."""
STAY_PATTERN = "^[0-9A-Za-z-]{1,40}$"
"""Mirrors ``InpatientIn.stay``."""


class CampaignPages(PageController):
    path = "/campaigns"

    @get("/", guards=[PUBLIC], name="campaigns", media_type=MediaType.HTML)
    async def index(self) -> Template:
        """Every campaign past its draft."""
        return Template(
            template_name="campaigns.html", context={"campaigns": await public_pages.campaign_list()}
        )

    @get("/{campaign_id:int}", guards=[PUBLIC], name="campaign", media_type=MediaType.HTML)
    async def campaign(self, campaign_id: FromPath[IdParam]) -> Template:
        """State, schedule, rules in plain Chinese, candidates; the way to vote while voting is open."""
        page = await public_pages.campaign_page(campaign_id)
        return Template(template_name="campaign.html", context={"c": page})

    @get("/{campaign_id:int}/notice", guards=[PUBLIC], name="campaign-notice", media_type=MediaType.HTML)
    async def notice(self, campaign_id: FromPath[IdParam], rt: NamedDependency[Runtime]) -> Template:
        """The 公示 and, while it runs, the real-name objection form."""
        page = await public_pages.notice_page(campaign_id, rt.clock.now())
        data = {
            "campaign": campaign_id,
            "limits": OBJECTION_LIMITS,
            "log": page["links"].log,
        }
        return Template(
            template_name="notice.html", context={"c": page, "data": data, "limits": OBJECTION_LIMITS}
        )

    @get("/{campaign_id:int}/result", guards=[PUBLIC], name="campaign-result", media_type=MediaType.HTML)
    async def result(self, campaign_id: FromPath[IdParam]) -> Template:
        """The ranked result once announced; before that a plain statement."""
        page = await public_pages.result_page(campaign_id)
        return Template(template_name="result.html", context={"c": page})


class EvaluatePages(PageController):
    @get("/evaluate/{token:str}", guards=[PUBLIC], name="evaluate", media_type=MediaType.HTML)
    async def evaluate(self, token: FromPath[str]) -> Template:
        """The ward's anonymous inpatient form (what the ward's QR code opens)."""
        ward = await feedback.public_ward(token)
        data = {"token": token, "stay_pattern": STAY_PATTERN, "comment_max": 500}
        return Template(
            template_name="evaluate.html",
            context={"ward": ward, "data": data, "comment_max": 500},
        )
