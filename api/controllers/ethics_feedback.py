"""Patient feedback: SMS follow-up imports, wards and the public inpatient evaluation form."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, MultipartBody

from api.access import PUBLIC
from api.controllers.ethics import OFFICE, out
from api.schemas.common import IdParam, VersionIn
from api.schemas.ethics import InpatientIn, InpatientOut, PublicWardOut, SmsImportOut, WardIn, WardOut
from workflow.accounts.roles import Principal
from workflow.errors import InvalidInput
from workflow.ethics import service_feedback as feedback
from workflow.ids import DepartmentId, UnitId
from workflow.runtime import Runtime


class SmsUpload(msgspec.Struct):
    file: UploadFile


class SmsImportController(Controller):
    tags = ["ethics"]

    @post("/api/ethics/years/{year_id:int}/sms-imports", guards=[OFFICE], operation_id="PreviewSmsImport")
    async def preview(
        self,
        year_id: FromPath[IdParam],
        data: MultipartBody[SmsUpload],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> SmsImportOut:
        """Upload an SMS follow-up export (CSV in UTF-8/GBK, or .xlsx); nothing changes until commit."""
        upload = data.file
        if not isinstance(upload, UploadFile):
            raise InvalidInput("send the file as the multipart field 'file'", field="file")
        content = await upload.read()
        view = await feedback.preview_sms(
            rt, principal, year_id, filename=upload.filename or "sms.csv", data=content
        )
        return out(view, SmsImportOut)

    @get("/api/ethics/sms-imports/{import_id:int}", guards=[OFFICE], operation_id="GetSmsImport")
    async def get_import(
        self, import_id: FromPath[IdParam], principal: NamedDependency[Principal]
    ) -> SmsImportOut:
        return out(await feedback.get_sms_import(principal, import_id), SmsImportOut)

    @post("/api/ethics/sms-imports/{import_id:int}/commit", guards=[OFFICE], operation_id="CommitSmsImport")
    async def commit(
        self,
        import_id: FromPath[IdParam],
        data: JSONBody[VersionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> SmsImportOut:
        """Store the new replies; comments become draft records to verify. Re-importing adds nothing."""
        view = await feedback.commit_sms(rt, principal, import_id, expected_version=data.version)
        return out(view, SmsImportOut)

    @post("/api/ethics/sms-imports/{import_id:int}/discard", guards=[OFFICE], operation_id="DiscardSmsImport")
    async def discard(
        self,
        import_id: FromPath[IdParam],
        data: JSONBody[VersionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> SmsImportOut:
        view = await feedback.discard_sms(rt, principal, import_id, expected_version=data.version)
        return out(view, SmsImportOut)


class WardController(Controller):
    tags = ["ethics"]

    @post("/api/units/{unit_id:int}/wards", guards=[OFFICE], operation_id="CreateWard")
    async def create(
        self,
        unit_id: FromPath[IdParam],
        data: JSONBody[WardIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> WardOut:
        """A ward whose inpatients evaluate its doctors and nurses through a secret link / QR code."""
        view = await feedback.create_ward(
            rt,
            principal,
            unit_id=UnitId(unit_id),
            department_id=DepartmentId(data.department_id),
            name=data.name,
        )
        return out(view, WardOut)

    @get("/api/units/{unit_id:int}/wards", guards=[OFFICE], operation_id="ListWards")
    async def list_wards(
        self, unit_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> list[WardOut]:
        return [out(w, WardOut) for w in await feedback.list_wards(rt, principal, UnitId(unit_id))]

    @post("/api/ethics/wards/{ward_id:int}/disable", guards=[OFFICE], operation_id="DisableWard")
    async def disable(
        self, ward_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> WardOut:
        """Stop a ward's link (a leaked QR code); the ratings already given stay."""
        return out(await feedback.disable_ward(rt, principal, ward_id), WardOut)

    @get(
        "/api/ethics/wards/{ward_id:int}/qr.svg",
        guards=[OFFICE],
        operation_id="GetWardQrCode",
        media_type="image/svg+xml",
    )
    async def qr(
        self, ward_id: FromPath[IdParam], rt: NamedDependency[Runtime], principal: NamedDependency[Principal]
    ) -> Response[bytes]:
        """The ward's QR code (SVG) for the poster at the nurses' station or the discharge papers."""
        ward = await feedback.ward_for_office(principal, ward_id)
        return Response(feedback.ward_qr_svg(rt, ward["token"]), media_type="image/svg+xml")


class PublicWardController(Controller):
    path = "/api/public/wards"
    tags = ["public"]

    @get("/{token:str}", guards=[PUBLIC], operation_id="GetPublicWard")
    async def ward(self, token: FromPath[str]) -> PublicWardOut:
        """What the inpatient form shows: the ward and the doctors and nurses to rate. No login."""
        return out(await feedback.public_ward(token), PublicWardOut)

    @post("/{token:str}/evaluations", guards=[PUBLIC], operation_id="SubmitInpatientEvaluation")
    async def evaluate(
        self,
        token: FromPath[str],
        data: JSONBody[InpatientIn],
        rt: NamedDependency[Runtime],
        client: NamedDependency[str],
    ) -> InpatientOut:
        """One anonymous evaluation per stay (住院号, never stored); ratings 满意/基本满意/不满意."""
        view = await feedback.submit_inpatient(
            rt,
            token=token,
            stay=data.stay,
            ratings=[(r.staff_id, r.answer, r.comment) for r in data.ratings],
            client=client,
        )
        return out(view, InpatientOut)
