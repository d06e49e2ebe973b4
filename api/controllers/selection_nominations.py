"""Nominations: units submit, reviewers review, experts score."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, MultipartBody

from api.access import roles
from api.schemas.common import VersionIn
from api.schemas.selection import (
    FileKindIn,
    FileOut,
    NominationIn,
    NominationOut,
    ReviewIn,
    ScoreOut,
    ScoresIn,
)
from workflow.accounts.roles import Principal, Role
from workflow.errors import InvalidInput
from workflow.runtime import Runtime
from workflow.selection import service_nominations as nominations
from workflow.selection.nomination import GradeRecord, NomineeFacts
from workflow.selection.tables import FileKind

UNIT_ADMIN = roles(Role.UNIT_ADMIN)
REVIEWER = roles(Role.REVIEWER)
READERS = roles(Role.ORGANIZER, Role.REVIEWER, Role.AUDITOR, Role.UNIT_ADMIN)


class UploadIn(msgspec.Struct):
    file: UploadFile
    kind: str = "attachment"


def _out(view: dict[str, object]) -> NominationOut:
    return msgspec.convert(view, NominationOut)


class CampaignNominationController(Controller):
    path = "/api/campaigns/{campaign_id:int}"
    tags = ["selection"]

    @post("/nominations", guards=[UNIT_ADMIN], operation_id="SubmitNomination")
    async def submit(
        self,
        campaign_id: FromPath[int],
        data: JSONBody[NominationIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> NominationOut:
        """Nominate one of your unit's staff. A nomination that breaks a rule is refused (400
        ``nomination-refused``) with every failing rule and its reason in ``problems``."""
        declared = data.declared
        facts = NomineeFacts(
            has_licence=declared.has_licence,
            service_start=declared.service_start,
            medical_accidents=None
            if declared.medical_accidents is None
            else tuple(declared.medical_accidents),
            discipline_actions=None
            if declared.discipline_actions is None
            else tuple(declared.discipline_actions),
            ethics_grades=None
            if declared.ethics_grades is None
            else tuple(GradeRecord(g.year, g.grade) for g in declared.ethics_grades),
        )
        view = await nominations.submit_nomination(
            rt, principal, campaign_id, staff_id=data.staff_id, deeds=data.deeds, declared=facts
        )
        return _out(view)

    @get("/nominations", guards=[READERS], operation_id="ListNominations")
    async def list_nominations(
        self, campaign_id: FromPath[int], principal: NamedDependency[Principal]
    ) -> list[NominationOut]:
        """All nominations; a unit admin sees only their unit's."""
        return [_out(v) for v in await nominations.list_nominations(principal, campaign_id)]

    @get("/scores", guards=[roles(Role.ORGANIZER, Role.REVIEWER, Role.AUDITOR)], operation_id="ListScores")
    async def list_scores(self, campaign_id: FromPath[int]) -> list[ScoreOut]:
        return [msgspec.convert(s, ScoreOut) for s in await nominations.list_scores(campaign_id)]


class NominationController(Controller):
    path = "/api/nominations"
    tags = ["selection"]

    @get("/{nomination_id:int}", guards=[READERS], operation_id="GetNomination")
    async def get_nomination(
        self, nomination_id: FromPath[int], principal: NamedDependency[Principal]
    ) -> NominationOut:
        return _out(await nominations.nomination_view(principal, nomination_id))

    @post("/{nomination_id:int}/files", guards=[UNIT_ADMIN], operation_id="AddNominationFile")
    async def add_file(
        self,
        nomination_id: FromPath[int],
        data: MultipartBody[UploadIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> FileOut:
        """Multipart ``file`` and ``kind`` (``photo``: JPEG/PNG/WebP ≤ 2 MB, replaces the previous one;
        ``attachment``: PDF or image ≤ 10 MB, at most 5). The type is read from the bytes."""
        upload = data.file
        if not isinstance(upload, UploadFile):
            raise InvalidInput("send the file as the multipart field 'file'", field="file")
        try:
            kind = FileKind(FileKindIn(data.kind))
        except ValueError:
            raise InvalidInput("kind is photo or attachment", field="kind") from None
        content = await upload.read()
        view = await nominations.add_file(
            rt, principal, nomination_id, kind=kind, filename=upload.filename or str(kind), data=content
        )
        return msgspec.convert(view, FileOut)

    @get("/{nomination_id:int}/files/{file_id:int}", guards=[READERS], operation_id="GetNominationFile")
    async def get_file(
        self, nomination_id: FromPath[int], file_id: FromPath[int], principal: NamedDependency[Principal]
    ) -> Response[bytes]:
        name, media_type, content = await nominations.get_file(principal, nomination_id, file_id)
        return _file_response(name, media_type, content)

    @post("/{nomination_id:int}/review", guards=[REVIEWER], operation_id="ReviewNomination", status_code=200)
    async def review(
        self,
        nomination_id: FromPath[int],
        data: JSONBody[ReviewIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> NominationOut:
        """approve (with ``confirm_declarations`` once you checked the declared facts), reject (with a
        written ``reason``), recommend, unrecommend, shortlist."""
        view = await nominations.review(
            rt,
            principal,
            nomination_id,
            action=str(data.action),
            expected_version=data.version,
            reason=data.reason,
            codes=tuple(data.codes),
            confirm_declarations=data.confirm_declarations,
        )
        return _out(view)

    @post(
        "/{nomination_id:int}/withdraw",
        guards=[UNIT_ADMIN],
        operation_id="WithdrawNomination",
        status_code=200,
    )
    async def withdraw(
        self,
        nomination_id: FromPath[int],
        data: JSONBody[VersionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> NominationOut:
        return _out(await nominations.withdraw(rt, principal, nomination_id, expected_version=data.version))

    @put("/{nomination_id:int}/scores", guards=[REVIEWER], operation_id="SubmitScores")
    async def submit_scores(
        self,
        nomination_id: FromPath[int],
        data: JSONBody[ScoresIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> ScoreOut:
        """Your expert sheet for a shortlisted candidate: 0–100 for every criterion of the rules."""
        view = await nominations.submit_scores(rt, principal, nomination_id, scores=dict(data.scores))
        return msgspec.convert(view, ScoreOut)


def _file_response(name: str, media_type: str, content: bytes) -> Response[bytes]:
    disposition = "inline" if media_type.startswith("image/") else "attachment"
    safe = "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in "._-")) or "file"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
        },
    )
