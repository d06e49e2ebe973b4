"""What voters and the public use, without an account: campaigns, candidates, ballots, 公示, objections.

Staff ballots need no login: the credential's signature is the authentication. Public-channel
ballots need a phone verified by a one-time code. Every ballot rejection is a 400 problem whose
``reason_code`` is stable (see docs/selection-rules.md §4.2) and is logged in the campaign's ledger.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from api.access import PUBLIC
from api.controllers.selection_nominations import _file_response
from api.schemas.selection import (
    BallotStatusOut,
    CandidateOut,
    CodeSentOut,
    CredentialOut,
    NoticeOut,
    ObjectionIn,
    ObjectionReceiptOut,
    PhoneBallotIn,
    PhoneCodeIn,
    PhoneIn,
    PublicCampaignOut,
    PublicResultOut,
    ReceiptOut,
    TurnoutOut,
    VoteTokenOut,
)
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_nominations as nominations
from workflow.selection import service_results as results
from workflow.selection import service_voting as voting
from workflow.selection.ballot import BallotIn
from workflow.selection.common import HEX_SHA256_PATTERN

Tracking = Annotated[str, Parameter(pattern=HEX_SHA256_PATTERN)]
MAX_BALLOT_BYTES = 100_000
_BALLOT = msgspec.json.Decoder(BallotIn)


class PublicCampaignController(Controller):
    path = "/api/public/campaigns"
    tags = ["public"]

    @get("/", guards=[PUBLIC], operation_id="PublicListCampaigns")
    async def list_campaigns(self) -> list[PublicCampaignOut]:
        return [
            msgspec.convert(c, PublicCampaignOut)
            for c in await campaigns.list_campaigns(include_drafts=False)
        ]

    @get("/{campaign_id:int}", guards=[PUBLIC], operation_id="PublicGetCampaign")
    async def get_campaign(self, campaign_id: FromPath[int]) -> PublicCampaignOut:
        """The campaign's rules (and their hash, which ballots sign), schedule, state and candidate ids."""
        return msgspec.convert(await campaigns.public_campaign(campaign_id), PublicCampaignOut)

    @get("/{campaign_id:int}/candidates", guards=[PUBLIC], operation_id="PublicCandidates")
    async def candidates(self, campaign_id: FromPath[int]) -> list[CandidateOut]:
        await campaigns.public_campaign(campaign_id)
        return [msgspec.convert(c, CandidateOut) for c in await nominations.public_candidates(campaign_id)]

    @get(
        "/{campaign_id:int}/candidates/{candidate:str}/photo", guards=[PUBLIC], operation_id="CandidatePhoto"
    )
    async def photo(self, campaign_id: FromPath[int], candidate: FromPath[str]) -> Response[bytes]:
        name, media_type, content = await nominations.public_photo(campaign_id, candidate)
        return _file_response(name, media_type, content)

    @get("/{campaign_id:int}/credentials", guards=[PUBLIC], operation_id="PublicCredentialList")
    async def credentials(self, campaign_id: FromPath[int]) -> list[CredentialOut]:
        """The public credential list L: keys, weights, revocations; no identities."""
        return [msgspec.convert(c, CredentialOut) for c in await voting.public_credentials(campaign_id)]

    @post("/{campaign_id:int}/ballots", guards=[PUBLIC], operation_id="CastStaffBallot")
    async def cast(
        self,
        campaign_id: FromPath[int],
        request: Request[Any, Any, Any],
        rt: NamedDependency[Runtime],
        client: NamedDependency[str],
    ) -> ReceiptOut:
        """A staff ballot ``{"payload": b64u(canonical payload), "signature": b64u(Ed25519)}`` signed
        with the key derived from the voter's credential. 201 with the receipt after the commit; a
        rejection is 400 ``ballot-rejected`` with ``reason_code``, logged either way."""
        body = await request.body()
        try:
            if len(body) > MAX_BALLOT_BYTES:
                raise ValueError("too large")
            ballot = _BALLOT.decode(body)
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
            ballot = BallotIn(payload="!", signature="!")  # parses as malformed: logged like any rejection
        receipt = await voting.cast_staff_ballot(rt, campaign_id, ballot, client=client)
        return msgspec.convert(receipt, ReceiptOut)

    @get("/{campaign_id:int}/ballots/{tracking_code:str}", guards=[PUBLIC], operation_id="FindBallot")
    async def find_ballot(self, campaign_id: FromPath[int], tracking_code: Tracking) -> BallotStatusOut:
        """Find my ballot: its place in the log and, once sealed, its disposition."""
        return msgspec.convert(await voting.find_ballot(campaign_id, tracking_code), BallotStatusOut)

    @post("/{campaign_id:int}/phone-codes", guards=[PUBLIC], operation_id="RequestPhoneCode", status_code=202)
    async def request_code(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[PhoneIn],
        rt: NamedDependency[Runtime],
        client: NamedDependency[str],
    ) -> CodeSentOut:
        """Send a one-time code to a mainland mobile number (limited per number and per address)."""
        view = await voting.request_code(rt, campaign_id, phone=data.phone, client=client)
        return msgspec.convert(view, CodeSentOut)

    @post(
        "/{campaign_id:int}/phone-codes/verify",
        guards=[PUBLIC],
        operation_id="VerifyPhoneCode",
        status_code=200,
    )
    async def verify_code(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[PhoneCodeIn],
        rt: NamedDependency[Runtime],
        client: NamedDependency[str],
    ) -> VoteTokenOut:
        """A correct code gives a short-lived voting token bound to the (hashed) number."""
        view = await voting.verify_code(rt, campaign_id, phone=data.phone, code=data.code, client=client)
        return msgspec.convert(view, VoteTokenOut)

    @post("/{campaign_id:int}/phone-ballots", guards=[PUBLIC], operation_id="CastPhoneBallot")
    async def cast_public(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[PhoneBallotIn],
        rt: NamedDependency[Runtime],
        client: NamedDependency[str],
    ) -> ReceiptOut:
        """A public-channel ballot: choices in ascending order, the token from the code check, and an
        optional device fingerprint (hashed) for the anti-brushing report."""
        receipt = await voting.cast_public_ballot(
            rt,
            campaign_id,
            token=data.token,
            choices=tuple(data.choices),
            device=data.device,
            client=client,
            request_id=data.request_id,
        )
        return msgspec.convert(receipt, ReceiptOut)

    @get("/{campaign_id:int}/turnout", guards=[PUBLIC], operation_id="Turnout")
    async def turnout(self, campaign_id: FromPath[int]) -> TurnoutOut:
        """Voters per channel while voting only if the rules allow it; never votes per candidate."""
        return msgspec.convert(await voting.turnout(campaign_id), TurnoutOut)

    @get("/{campaign_id:int}/seal", guards=[PUBLIC], operation_id="SealManifest")
    async def seal(self, campaign_id: FromPath[int]) -> Response[bytes]:
        """The seal manifest, byte for byte as hashed into the ledger (every ballot's disposition)."""
        return Response(await results.public_seal(campaign_id), media_type="application/json")

    @get("/{campaign_id:int}/result", guards=[PUBLIC], operation_id="PublicResult")
    async def result(self, campaign_id: FromPath[int]) -> PublicResultOut:
        """The latest count or recount, from the 公示 on."""
        return msgspec.convert(await results.public_result(campaign_id), PublicResultOut)

    @get("/{campaign_id:int}/notice", guards=[PUBLIC], operation_id="PublicNotice")
    async def notice(self, campaign_id: FromPath[int]) -> NoticeOut:
        """The 公示 notice and, once made, the announcement (texts whose SHA-256 the ledger holds)."""
        return msgspec.convert(await results.public_texts(campaign_id), NoticeOut)

    @get("/{campaign_id:int}/notice.pdf", guards=[PUBLIC], operation_id="PublicNoticePdf")
    async def notice_pdf(self, campaign_id: FromPath[int]) -> Response[bytes]:
        """The 公示 notice as a printable A4 PDF (its SHA-256 is in the ledger next to the text's)."""
        return _file_response("notice.pdf", "application/pdf", await results.public_notice_pdf(campaign_id))

    @post("/{campaign_id:int}/objections", guards=[PUBLIC], operation_id="LodgeObjection")
    async def object(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[ObjectionIn],
        rt: NamedDependency[Runtime],
        client: NamedDependency[str],
    ) -> ObjectionReceiptOut:
        """A real-name objection during the 公示. Outside the window, anonymous or without contact it
        is refused (409 ``objection-refused`` with ``codes``) and the refusal is logged."""
        view = await results.lodge_objection(
            rt,
            campaign_id,
            candidate=data.candidate,
            name=data.name,
            unit=data.unit,
            contact=data.contact,
            content=data.content,
            client=client,
        )
        return msgspec.convert(view, ObjectionReceiptOut)
