"""Daily records (医德医风考核表 日常纪实) and their evidence."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from api.access import roles
from api.controllers.ethics import FILE_READERS, OFFICE, download, out
from api.schemas.common import IdParam, LimitParam
from api.schemas.ethics import ApproveIn, RecordIn, RecordOut, RecordPageOut, RejectIn, Year
from workflow.accounts.roles import Principal, Role
from workflow.errors import InvalidInput
from workflow.ethics import service_records as records
from workflow.ethics.states import RecordState
from workflow.ids import StaffId, UnitId
from workflow.pagination import DEFAULT_LIMIT
from workflow.runtime import Runtime

SUBMITTERS = roles(Role.DEPARTMENT_HEAD, Role.UNIT_ADMIN)


class EvidenceUpload(msgspec.Struct):
    file: UploadFile


class EthicsRecordController(Controller):
    path = "/api/ethics/records"
    tags = ["ethics"]

    @post("/", guards=[SUBMITTERS], operation_id="SubmitEthicsRecord")
    async def submit(
        self, data: JSONBody[RecordIn], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> RecordOut:
        """File praise (+) or a deduction (−); it counts once the ethics office approves it."""
        view = await records.submit(
            rt,
            principal,
            staff_id=StaffId(data.staff_id),
            occurred_on=data.occurred_on,
            kind=data.kind,
            item=data.item,
            points=data.points,
            description=data.description,
            category=data.category,
            severity=data.severity,
            veto=data.veto,
            corrects=data.corrects,
        )
        return out(view, RecordOut)

    @get("/", guards=[FILE_READERS], operation_id="ListEthicsRecords")
    async def list_records(
        self,
        principal: NamedDependency[Principal],
        *,
        unit_id: FromQuery[IdParam | None] = None,
        staff_id: FromQuery[IdParam | None] = None,
        year: FromQuery[Year | None] = None,
        status: FromQuery[RecordState | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: FromQuery[LimitParam] = DEFAULT_LIMIT,
    ) -> RecordPageOut:
        """Records of one person (``staff_id``) or one unit (``unit_id``), as far as the caller reaches."""
        page = await records.list_records(
            principal,
            unit_id=UnitId(unit_id) if unit_id else None,
            staff_id=StaffId(staff_id) if staff_id else None,
            year=year,
            status=status,
            cursor=cursor,
            limit=limit,
        )
        return out({"items": page.items, "next_cursor": page.next_cursor}, RecordPageOut)

    @get("/{record_id:int}", guards=[FILE_READERS], operation_id="GetEthicsRecord")
    async def get_record(
        self, record_id: FromPath[IdParam], principal: NamedDependency[Principal]
    ) -> RecordOut:
        return out(await records.get(principal, record_id), RecordOut)

    @post("/{record_id:int}/attachments", guards=[SUBMITTERS], operation_id="AttachEthicsEvidence")
    async def attach(
        self,
        record_id: FromPath[IdParam],
        data: MultipartBody[EvidenceUpload],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> RecordOut:
        """Add evidence (PDF, PNG or JPEG, judged by content) to a submitted record."""
        upload = data.file
        if not isinstance(upload, UploadFile):
            raise InvalidInput("send the file as the multipart field 'file'", field="file")
        content = await upload.read()
        view = await records.attach(
            rt, principal, record_id, filename=upload.filename or "evidence", data=content
        )
        return out(view, RecordOut)

    @post("/{record_id:int}/approve", guards=[OFFICE], operation_id="ApproveEthicsRecord")
    async def approve(
        self,
        record_id: FromPath[IdParam],
        data: JSONBody[ApproveIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> RecordOut:
        """Approve (审核通过); approving a correction supersedes the record it corrects."""
        view = await records.decide(rt, principal, record_id, approve=True, expected_version=data.version)
        return out(view, RecordOut)

    @post("/{record_id:int}/reject", guards=[OFFICE], operation_id="RejectEthicsRecord")
    async def reject(
        self,
        record_id: FromPath[IdParam],
        data: JSONBody[RejectIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> RecordOut:
        """Reject with a reason (退回); a rejected record never counts and is never revived."""
        view = await records.decide(
            rt, principal, record_id, approve=False, reason=data.reason, expected_version=data.version
        )
        return out(view, RecordOut)


class EthicsAttachmentController(Controller):
    tags = ["ethics"]

    @get(
        "/api/ethics/attachments/{attachment_id:int}",
        guards=[FILE_READERS],
        operation_id="DownloadEthicsEvidence",
        media_type="application/octet-stream",
    )
    async def download(
        self, attachment_id: FromPath[IdParam], principal: NamedDependency[Principal]
    ) -> Response[bytes]:
        content, media_type, filename = await records.attachment(principal, attachment_id)
        return download(content, media_type, filename)
