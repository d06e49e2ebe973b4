"""The demo organisation: a district bureau, three units, their departments and ~30 staff.

Seeded through the same services a real deployment uses, so the demo's ledger is a real ledger.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import msgspec
from PIL import Image, ImageDraw

from workflow.accounts import service as accounts
from workflow.accounts.roles import OPERATOR, Grant, Principal, Role
from workflow.accounts.tables import Account
from workflow.documents.credential_sheet import (
    CredentialCampaign,
    VoterCredential,
    credential_sheets_csv,
    credential_sheets_pdf,
)
from workflow.ids import AccountId, DepartmentId, RegionId, StaffId, UnitId
from workflow.org import imports
from workflow.org import service as org
from workflow.org.states import RegionLevel, UnitKind
from workflow.org.tables import Department, Staff, Unit
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection import service_nominations as nominations
from workflow.selection import service_voting as voting
from workflow.selection.credentials import CredentialSheetRow, VoterEntry, generate_census
from workflow.selection.nomination import GradeRecord, NomineeFacts
from workflow.selection.rules import (
    BallotShape,
    CampaignRules,
    Channels,
    ChannelWeights,
    EthicsGrade,
    LiveResults,
    PublicChannel,
    StaffChannel,
)
from workflow.selection.schedule import Schedule
from workflow.selection.service_campaigns import declared_eligibility
from workflow.selection.tables import Campaign, FileKind

DEMO_PASSWORD = "yide-demo-2026"  # noqa: S105 - printed for everyone on purpose; demo only

UNITS = [
    (
        "SYH",
        "顺义区医院",
        UnitKind.HOSPITAL,
        [("NK", "内科"), ("WK", "外科"), ("EK", "儿科"), ("HL", "护理部")],
    ),
    (
        "SYFY",
        "顺义区妇幼保健院",
        UnitKind.MATERNAL_CHILD,
        [("FK", "妇科"), ("CK", "产科"), ("EB", "儿童保健科")],
    ),
    ("RHZX", "仁和镇社区卫生服务中心", UnitKind.HEALTH_CENTRE, [("QK", "全科"), ("GW", "公共卫生科")]),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = [
    "建华",
    "秀英",
    "志强",
    "丽娟",
    "海燕",
    "国庆",
    "晓明",
    "春梅",
    "伟",
    "静",
    "磊",
    "芳",
    "敏",
    "军",
    "燕",
]
TITLES = ["主任医师", "副主任医师", "主治医师", "住院医师", "主管护师", "护师", "护士"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: Role
    note: str


LOGINS = [
    DemoLogin("demo-organizer", "区卫健委管理员", Role.ORGANIZER, "creates campaigns and cycles"),
    DemoLogin("demo-unit-admin", "顺义区医院管理员", Role.UNIT_ADMIN, "顺义区医院"),
    DemoLogin("demo-dept-head", "内科主任", Role.DEPARTMENT_HEAD, "内科, 顺义区医院"),
    DemoLogin("demo-reviewer", "评审专家", Role.REVIEWER, "review and expert scores"),
    DemoLogin("demo-credentials", "凭证管理员", Role.CREDENTIAL_AUTHORITY, "issues voter credentials"),
    DemoLogin("demo-auditor", "纪检审计员", Role.AUDITOR, "reads all logs, exports bundles"),
    DemoLogin("demo-staff", "", Role.STAFF, "own ethics file (a 内科 doctor)"),
]


def _staff_csv(unit_index: int, departments: list[tuple[str, str]], count: int) -> bytes:
    rng = random.Random(2026 + unit_index)  # noqa: S311 - demo data, not security
    lines = ["工号,姓名,性别,科室,职称,执业证号,执业类别,入职日期,状态"]
    for n in range(1, count + 1):
        title = rng.choice(TITLES)
        nurse = "护" in title
        lines.append(
            ",".join(
                [
                    f"{UNITS[unit_index][0]}{n:03d}",
                    rng.choice(SURNAMES) + rng.choice(GIVEN),
                    "女" if nurse or rng.random() < 0.5 else "男",
                    departments[n % len(departments)][0],
                    title,
                    f"1101{unit_index}{n:05d}",
                    "护士" if nurse else "执业医师",
                    date(rng.randint(1995, 2022), rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
                    "在岗",
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode("gbk")  # as Excel in China would save it


ETHICS_NOTES: list[str] = []
"""What the ethics demo seeded, one line per unit (printed by ``yide demo``)."""


async def is_seeded() -> bool:
    return bool(await Account.exists().where(Account.username == "demo-organizer"))


async def seed(rt: Runtime) -> list[DemoLogin]:
    """Create the demo organisation and one account per role (all with DEMO_PASSWORD)."""
    actor = OPERATOR.ledger_actor
    region = await org.create_region(
        rt, code="110113", name="北京市顺义区", level=RegionLevel.DISTRICT, parent_id=None, actor=actor
    )
    unit_ids: list[UnitId] = []
    for index, (code, name, kind, departments) in enumerate(UNITS):
        unit_id = await org.create_unit(
            rt, code=code, name=name, kind=kind, region_id=RegionId(region), actor=actor
        )
        unit_ids.append(unit_id)
        for dep_code, dep_name in departments:
            await org.create_department(rt, OPERATOR, unit_id=unit_id, code=dep_code, name=dep_name)
        preview = await imports.preview(
            rt,
            OPERATOR,
            unit_id=unit_id,
            filename=f"{code}-staff.csv",
            data=_staff_csv(index, departments, 12 - 2 * index),
        )
        await imports.commit(rt, OPERATOR, preview["id"], expected_version=preview["version"])
    first_dep = (
        await Department.select(Department.id)
        .where(Department.unit == unit_ids[0])
        .order_by(Department.id)
        .first()
    )
    assert first_dep is not None
    department_id = DepartmentId(first_dep["id"])
    member = (
        await Staff.select(Staff.id, Staff.name)
        .where(Staff.department == department_id)
        .order_by(Staff.id)
        .first()
    )
    assert member is not None
    grants = {
        Role.UNIT_ADMIN: Grant(Role.UNIT_ADMIN, unit_ids[0]),
        Role.DEPARTMENT_HEAD: Grant(Role.DEPARTMENT_HEAD, department_id=department_id),
    }
    for login in LOGINS:
        is_staff = login.role == Role.STAFF
        await accounts.create_account(
            rt,
            username=login.username,
            display_name=str(member["name"]) if is_staff else login.display_name,
            password=DEMO_PASSWORD,
            grants=[grants.get(login.role, Grant(login.role))],
            staff_id=StaffId(member["id"]) if is_staff else None,
            actor=actor,
        )
    from workflow.ethics.demo import seed_ethics  # noqa: PLC0415 - the ethics demo imports many services

    for line in await seed_ethics(rt):
        ETHICS_NOTES.append(line)
    return LOGINS


# --- a 最美医生 campaign in its voting phase -------------------------------------------------------

DEMO_CAMPAIGN_TITLE = "2026年顺义区“最美医生”评选（演示）"
CREDENTIALS_DIR = "demo-credentials"
"""Under the data directory: the demo's private credential sheets (CSV and PDF), as the credential
authority would print them. In a real deployment they never sit on the server."""
DEEDS = [
    "扎根急诊一线二十年，抢救危重病人三千余人次，带领团队开通胸痛中心绿色通道。",
    "坚持每周下乡义诊，为偏远村庄老人建立健康档案，被群众称为“家门口的好医生”。",
    "疫情期间主动请缨驰援一线，连续工作六十余天，守护隔离病区患者平安。",
    "潜心钻研儿科疑难病例，推广无痛诊疗，患儿家长满意度连续五年全院第一。",
    "带领护理团队创新“暖心护理”模式，开展延续护理服务，出院患者随访率百分之百。",
    "深耕家庭医生签约服务，管理慢病患者八百余人，血压血糖控制率显著提高。",
]


PORTRAIT_COLOURS = ["#a61d24", "#0b57d0", "#1a7f37", "#8250b4", "#c86e14", "#007882"]


def portrait_png(index: int, size: int = 96) -> bytes:
    """A plain head-and-shoulders silhouette: demo candidates get photos without shipping images."""
    image = Image.new("RGB", (size, size), PORTRAIT_COLOURS[index % len(PORTRAIT_COLOURS)])
    draw = ImageDraw.Draw(image)
    fg = "#f5f0eb"
    head = size * 0.2
    draw.ellipse((size / 2 - head, size * 0.4 - head, size / 2 + head, size * 0.4 + head), fill=fg)
    body = size * 0.42
    draw.ellipse((size / 2 - body, size * 1.05 - body, size / 2 + body, size * 1.05 + body), fill=fg)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class DemoCredential:
    name: str
    unit: str
    credential: str


@dataclass(frozen=True)
class DemoCampaign:
    id: int
    title: str
    candidates: list[str]
    credentials: list[DemoCredential]
    sheets: Path


def _demo_rules() -> CampaignRules:
    rules = CampaignRules(
        shortlist_size=6,
        winners=3,
        ballot=BallotShape(min_choices=1, max_choices=3),
        channels=Channels(
            staff=StaffChannel(enabled=True),
            public=PublicChannel(enabled=True, ballots_per_phone_per_day=1, ballots_per_ip_per_day=15),
            weights=ChannelWeights(staff=60, public=40),
        ),
        live_results=LiveResults.TURNOUT_ONLY,
    )
    return msgspec.structs.replace(rules, eligibility=declared_eligibility(rules.eligibility))


async def _principal_of(username: str) -> Principal:
    row = await Account.select(Account.id).where(Account.username == username).first()
    assert row is not None, username
    return await accounts.load_principal(AccountId(row["id"]))


async def seed_campaign(rt: Runtime) -> DemoCampaign:
    """A campaign nominated, reviewed, frozen, with credentials for every demo staff member, open."""
    organizer = await _principal_of("demo-organizer")
    reviewer = await _principal_of("demo-reviewer")
    authority = await _principal_of("demo-credentials")
    now = rt.clock.now()
    view = await campaigns.create_campaign(
        rt,
        organizer,
        campaigns.CampaignSpec(
            title=DEMO_CAMPAIGN_TITLE,
            description="各单位推荐、评审委员会审核、职工凭证投票与网络投票、专家评分、公示后公布。",
            issuer="北京市顺义区卫生健康委员会",
            objection_office="区卫健委人事科",
            objection_phone="010-69400000",
            rules=_demo_rules(),
            schedule=Schedule(voting_closes_at=now + timedelta(days=30)),
        ),
    )
    cid = view["id"]

    async def act(action: str) -> None:
        version = (await campaigns.campaign_view(cid))["version"]
        await campaigns.act(rt, organizer, cid, action=action, expected_version=version)

    await act("open_nominations")
    facts = NomineeFacts(
        has_licence=True,
        service_start=date(2010, 9, 1),
        medical_accidents=(),
        discipline_actions=(),
        ethics_grades=tuple(GradeRecord(year, EthicsGrade.GOOD) for year in range(2020, 2027)),
    )
    deeds = iter(DEEDS)
    units = await Unit.select(Unit.id).order_by(Unit.id)
    for unit in units:
        people = await Staff.select(Staff.id).where(Staff.unit == unit["id"]).order_by(Staff.id).limit(2)
        for person in people:
            made = await nominations.submit_nomination(
                rt, OPERATOR, cid, staff_id=person["id"], deeds=next(deeds), declared=facts
            )
            photo = portrait_png(made["id"])
            await nominations.add_file(
                rt, OPERATOR, made["id"], kind=FileKind.PHOTO, filename="照片.png", data=photo
            )
    await act("close_nominations")
    await act("start_review")
    for n in await nominations.list_nominations(reviewer, cid):
        step = await nominations.review(
            rt, reviewer, n["id"], action="approve", expected_version=n["version"], confirm_declarations=True
        )
        step = await nominations.review(
            rt, reviewer, n["id"], action="recommend", expected_version=step["version"]
        )
        await nominations.review(rt, reviewer, n["id"], action="shortlist", expected_version=step["version"])
    await act("freeze_shortlist")
    view = await campaigns.campaign_view(cid)
    census_people = await _census_people()
    census = generate_census(view["uid"], [VoterEntry(ref) for ref, _, _, _ in census_people])
    await voting.publish_credentials(rt, authority, cid, list(census.public))
    await act("open_voting")
    sheets = _write_sheets(rt, view, census_people, list(census.private_rows))
    return DemoCampaign(cid, DEMO_CAMPAIGN_TITLE, view["candidates"], read_demo_credentials(rt), sheets)


async def _census_people() -> list[tuple[str, str, str, str]]:
    """(voter_ref, name, unit, department) of every demo staff member."""
    units = {u["id"]: (u["code"], u["name"]) for u in await Unit.select(Unit.id, Unit.code, Unit.name)}
    departments = {d["id"]: d["name"] for d in await Department.select(Department.id, Department.name)}
    rows = await Staff.select(Staff.unit, Staff.staff_no, Staff.name, Staff.department).order_by(Staff.id)
    return [
        (
            f"{units[r['unit']][0]}-{r['staff_no']}",
            r["name"],
            units[r["unit"]][1],
            departments.get(r["department"], ""),
        )
        for r in rows
    ]


def _write_sheets(
    rt: Runtime,
    view: dict[str, object],
    people: list[tuple[str, str, str, str]],
    rows: list[CredentialSheetRow],
) -> Path:
    directory = rt.settings.data_dir / CREDENTIALS_DIR
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    sheet_campaign = CredentialCampaign(
        uid=str(view["uid"]),
        title=DEMO_CAMPAIGN_TITLE,
        public_url=rt.settings.server.public_url,
        issuer="北京市顺义区卫生健康委员会",
    )
    by_ref = {ref: (name, unit, department) for ref, name, unit, department in people}
    sheets = [
        VoterCredential.from_row(
            row,
            name=by_ref[row.voter_ref][0],
            unit=by_ref[row.voter_ref][1],
            department=by_ref[row.voter_ref][2],
        )
        for row in rows
    ]
    (directory / "credentials.csv").write_bytes(credential_sheets_csv(sheet_campaign, sheets))
    (directory / "credentials.pdf").write_bytes(credential_sheets_pdf(sheet_campaign, sheets))
    return directory


def read_demo_credentials(rt: Runtime) -> list[DemoCredential]:
    """The demo voters' credentials as written at seeding (empty if the demo has none)."""
    path = rt.settings.data_dir / CREDENTIALS_DIR / "credentials.csv"
    if not path.exists():
        return []
    rows = csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")))
    return [DemoCredential(r["姓名"], r["单位"], r["投票凭证"]) for r in rows]


async def demo_campaign(rt: Runtime) -> DemoCampaign | None:
    """The seeded demo campaign, if this database has one."""
    row = await Campaign.select(Campaign.id).where(Campaign.title == DEMO_CAMPAIGN_TITLE).first()
    if row is None:
        return None
    view = await campaigns.campaign_view(row["id"])
    return DemoCampaign(
        row["id"],
        DEMO_CAMPAIGN_TITLE,
        view["candidates"],
        read_demo_credentials(rt),
        rt.settings.data_dir / CREDENTIALS_DIR,
    )
