"""Semantic id types, so a campaign id is never passed where a staff id belongs."""

from __future__ import annotations

from typing import NewType

RegionId = NewType("RegionId", int)
UnitId = NewType("UnitId", int)
DepartmentId = NewType("DepartmentId", int)
StaffId = NewType("StaffId", int)
AccountId = NewType("AccountId", int)
CampaignId = NewType("CampaignId", int)
NominationId = NewType("NominationId", int)
CycleId = NewType("CycleId", int)
ScopeName = NewType("ScopeName", str)
EthicsRecordId = NewType("EthicsRecordId", int)
