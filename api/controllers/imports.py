from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, MultipartBody

from api.access import roles
from api.schemas.common import IdParam, VersionIn
from api.schemas.org import StaffImportOut
from workflow.accounts.roles import Principal, Role
from workflow.errors import InvalidInput
from workflow.ids import UnitId
from workflow.org import imports
from workflow.runtime import Runtime

IMPORTERS = roles(Role.ORGANIZER, Role.UNIT_ADMIN)


class UploadIn(msgspec.Struct):
    file: UploadFile


def _out(view: dict[str, Any]) -> StaffImportOut:
    return msgspec.convert(view, StaffImportOut)


class StaffImportController(Controller):
    tags = ["organisation"]

    @post("/api/units/{unit_id:int}/staff-imports", guards=[IMPORTERS], operation_id="PreviewStaffImport")
    async def preview(
        self,
        unit_id: FromPath[IdParam],
        data: MultipartBody[UploadIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> StaffImportOut:
        """Upload a staff CSV (UTF-8 or GBK); nothing changes until the preview is committed."""
        upload = data.file
        if not isinstance(upload, UploadFile):
            raise InvalidInput("send the CSV as the multipart field 'file'", field="file")
        content = await upload.read()
        view = await imports.preview(
            rt, principal, unit_id=UnitId(unit_id), filename=upload.filename or "staff.csv", data=content
        )
        return _out(view)

    @get("/api/staff-imports/{import_id:int}", guards=[IMPORTERS], operation_id="GetStaffImport")
    async def get(
        self, import_id: FromPath[IdParam], principal: NamedDependency[Principal]
    ) -> StaffImportOut:
        return _out(await imports.get_import(principal, import_id))

    @post("/api/staff-imports/{import_id:int}/commit", guards=[IMPORTERS], operation_id="CommitStaffImport")
    async def commit(
        self,
        import_id: FromPath[IdParam],
        data: JSONBody[VersionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> StaffImportOut:
        """Apply a clean preview in one transaction; a file with any bad row commits nothing (409)."""
        return _out(await imports.commit(rt, principal, import_id, expected_version=data.version))

    @post("/api/staff-imports/{import_id:int}/discard", guards=[IMPORTERS], operation_id="DiscardStaffImport")
    async def discard(
        self,
        import_id: FromPath[IdParam],
        data: JSONBody[VersionIn],
        rt: NamedDependency[Runtime],
        principal: NamedDependency[Principal],
    ) -> StaffImportOut:
        return _out(await imports.discard(rt, principal, import_id, expected_version=data.version))
