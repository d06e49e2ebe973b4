"""The voter pages: staff ballots signed in the browser, public ballots after a phone check.

``/vote/<campaign uid>`` is what the credential sheet's QR code opens (the credential itself rides
in the URL fragment, which the browser never sends). The handlers only fetch what the template
shows; whether voting is open is decided in :mod:`workflow.selection.voter_page`.
"""

from __future__ import annotations

from litestar import MediaType, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from api.access import PUBLIC
from api.controllers.pages import PageController
from workflow.runtime import Runtime
from workflow.selection import voter_page


class VotePages(PageController):
    path = "/vote"

    @get("/{campaign_uid:str}", guards=[PUBLIC], name="vote-staff", media_type=MediaType.HTML)
    async def staff(self, campaign_uid: FromPath[str], rt: NamedDependency[Runtime]) -> Template:
        """Credential (from the QR link, typed or scanned) → choose → review → sign → receipt."""
        campaign = await voter_page.ballot_page(rt, campaign_uid)
        return Template(template_name="vote.html", context={"c": campaign, "channel": "staff"})

    @get("/{campaign_uid:str}/phone", guards=[PUBLIC], name="vote-phone", media_type=MediaType.HTML)
    async def phone(self, campaign_uid: FromPath[str], rt: NamedDependency[Runtime]) -> Template:
        """Phone number → one-time code → choose → review → submit → receipt."""
        campaign = await voter_page.ballot_page(rt, campaign_uid)
        return Template(template_name="vote_phone.html", context={"c": campaign, "channel": "public"})

    @get(
        "/{campaign_uid:str}/receipt/{tracking_code:str}/qr.svg",
        guards=[PUBLIC],
        name="vote-receipt-qr",
        media_type="image/svg+xml",
    )
    async def receipt_qr(
        self, campaign_uid: FromPath[str], tracking_code: FromPath[str], rt: NamedDependency[Runtime]
    ) -> Response[bytes]:
        """The receipt's QR code: the find-my-ballot link, so another phone can check the ballot."""
        svg = await voter_page.receipt_qr(rt, campaign_uid, tracking_code)
        return Response(svg, media_type="image/svg+xml")
