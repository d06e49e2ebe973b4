"""Enumerations of the organisation model; values are what the API and the database carry."""

from __future__ import annotations

from enum import StrEnum


class RegionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"


class UnitKind(StrEnum):
    HOSPITAL = "hospital"  # 医院
    HEALTH_CENTRE = "health_centre"  # 社区卫生服务中心
    TOWNSHIP_HOSPITAL = "township_hospital"  # 乡镇卫生院
    MATERNAL_CHILD = "maternal_child"  # 妇幼保健院
    CDC = "cdc"  # 疾病预防控制中心
    CLINIC = "clinic"  # 门诊部/诊所
    OTHER = "other"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class LicenceType(StrEnum):
    PHYSICIAN = "physician"  # 执业医师
    ASSISTANT_PHYSICIAN = "assistant_physician"  # 执业助理医师
    NURSE = "nurse"  # 护士执业证
    PHARMACIST = "pharmacist"  # 药师
    TECHNICIAN = "technician"  # 技师
    RURAL_DOCTOR = "rural_doctor"  # 乡村医生
    NONE = "none"


class StaffStatus(StrEnum):
    ACTIVE = "active"  # 在岗
    ON_LEAVE = "on_leave"  # 休假/外出进修
    LEFT = "left"  # 调离/离职
    RETIRED = "retired"  # 退休


class ImportStatus(StrEnum):
    PREVIEWED = "previewed"
    COMMITTED = "committed"
    DISCARDED = "discarded"
