"""Voting for the people who run it: the credential list (credential authority), anti-brushing."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from api.access import roles
from api.schemas.selection import (
    AntibrushOut,
    CredentialListIn,
    CredentialListOut,
    CredentialOut,
    DisqualifiedOut,
    DisqualifyIn,
    ReissueIn,
    RevokeIn,
)
from workflow.accounts.roles import Principal, Role
from workflow.runtime import Runtime
from workflow.selection import service_voting as voting
from workflow.selection.antibrush import Thresholds

AUTHORITY = roles(Role.CREDENTIAL_AUTHORITY)
KeyId = Annotated[str, Parameter(pattern=r"^[0-9a-f]{16}$")]


class VotingAdminController(Controller):
    path = "/api/campaigns/{campaign_id:int}"
    tags = ["selection"]

    @post("/credentials", guards=[AUTHORITY], operation_id="PublishCredentials")
    async def publish(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[CredentialListIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CredentialListOut:
        """The public list L (keys and weights, sorted by key); once, before voting opens. The server
        never sees a private credential (``yide credentials generate`` makes both halves)."""
        view = await voting.publish_credentials(rt, principal, campaign_id, list(data.credentials))
        return msgspec.convert(view, CredentialListOut)

    @post(
        "/credentials/{key_id:str}/revoke",
        guards=[AUTHORITY],
        operation_id="RevokeCredential",
        status_code=200,
    )
    async def revoke(
        self,
        campaign_id: FromPath[int],
        key_id: KeyId,
        data: JSONBody[RevokeIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CredentialOut:
        view = await voting.revoke_credential(rt, principal, campaign_id, key_id, reason=data.reason)
        return msgspec.convert(view, CredentialOut)

    @post("/credentials/{key_id:str}/reissue", guards=[AUTHORITY], operation_id="ReissueCredential")
    async def reissue(
        self,
        campaign_id: FromPath[int],
        key_id: KeyId,
        data: JSONBody[ReissueIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> CredentialOut:
        """Revoke a lost credential and publish the public key of its replacement (same weight)."""
        view = await voting.reissue_credential(
            rt, principal, campaign_id, key_id, public_key=data.public_key, reason=data.reason
        )
        return msgspec.convert(view, CredentialOut)

    @get("/antibrush", guards=[roles(Role.ORGANIZER, Role.AUDITOR)], operation_id="AntibrushReport")
    async def antibrush(
        self,
        campaign_id: FromPath[int],
        burst_count: FromQuery[Annotated[int, Parameter(ge=2, le=100_000)]] = 30,
        burst_seconds: FromQuery[Annotated[int, Parameter(ge=1, le=86_400)]] = 60,
        phones_per_ip: FromQuery[Annotated[int, Parameter(ge=2, le=100_000)]] = 20,
        phones_per_device: FromQuery[Annotated[int, Parameter(ge=2, le=1000)]] = 3,
    ) -> AntibrushOut:
        """Suspicious patterns in the public channel (bursts, many phones on one IP or one device),
        with the tracking codes as evidence. Nothing is voided until an organizer disqualifies."""
        thresholds = Thresholds(
            burst_count=burst_count,
            burst_seconds=burst_seconds,
            phones_per_ip=phones_per_ip,
            phones_per_device=phones_per_device,
        )
        return msgspec.convert(await voting.antibrush_report(campaign_id, thresholds), AntibrushOut)

    @post(
        "/ballot-disqualifications",
        guards=[roles(Role.ORGANIZER)],
        operation_id="DisqualifyBallots",
        status_code=200,
    )
    async def disqualify(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[DisqualifyIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> DisqualifiedOut:
        """Void ballots with a logged reason; they keep their place in the ledger and the seal lists
        them as ``disqualified``."""
        view = await voting.disqualify_ballots(
            rt, principal, campaign_id, tracking_codes=list(data.tracking_codes), reason=data.reason
        )
        return msgspec.convert(view, DisqualifiedOut)
