"""Sample inputs for the document tests and the benchmark: realistic, deterministic, with Chinese."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from workflow.documents.credential_sheet import CredentialCampaign, VoterCredential
from workflow.documents.ethics_form import (
    EthicsForm,
    ItemLine,
    Opinion,
    RecordKind,
    RecordLine,
    Satisfaction,
    StaffHeader,
    Verification,
)
from workflow.documents.layout import LogCheckpoint
from workflow.documents.notice import NoticeRow, ObjectionContact, PublicityNotice
from workflow.ledger.note import VerifierKey
from workflow.selection.credentials import fingerprint, generate_credential, public_key_for

NATIONAL_ITEMS = (
    ("1", "救死扶伤，全心全意为人民服务", 10),
    ("2", "尊重患者的权利，为患者保守医疗秘密", 15),
    ("3", "文明礼貌，优质服务，构建和谐医患关系", 15),
    ("4", "遵纪守法，廉洁行医", 20),
    ("5", "因病施治，规范医疗服务行为", 20),
    ("6", "顾全大局，团结协作，和谐共事", 10),
    ("7", "严谨求实，努力提高专业技术水平", 10),
)

CHECKPOINT = LogCheckpoint(
    origin="yide.local/ethics-2025-unit-3", size=1287, root_hash=hashlib.sha256(b"root").digest()
)

SAMPLE_LOG_VKEY = VerifierKey.ed25519("yide.local/campaign-12", bytes(range(32))).encode()
"""A log key as a real deployment prints it (name, key id, type and key in base64)."""

LONG_TEXT = (
    "本人一年来坚持以病人为中心，严格执行首诊负责制和三级查房制度，全年门诊接诊患者约八千人次，"
    "参与危重病人抢救二十余次，无医疗差错和投诉。积极参加医院组织的医德医风教育和廉洁从业九项准则学习，"
    "拒收患者红包两次并按规定登记上交。下半年赴乡镇卫生院对口帮扶三个月，开展适宜技术培训六场。"
)
"""About 150 characters without any space: wraps only with wordWrap='CJK'."""


def campaign() -> CredentialCampaign:
    return CredentialCampaign(
        uid="campaign-12",
        title="2026年“最美医生”评选职工投票",
        public_url="https://yide.example.gov.cn",
        issuer="市卫健委凭证管理办公室",
        voting_period="2026年7月10日9:00至7月16日17:00",
    )


def voters(count: int, campaign_uid: str = "campaign-12") -> list[VoterCredential]:
    """``count`` voters with real credentials (random) and their fingerprints."""
    names = ("张伟", "欧阳明远", "李秀英", "王芳", "赵雪梅", "陈静")
    result = []
    for i in range(count):
        credential = generate_credential()
        result.append(
            VoterCredential(
                voter_ref=f"S{i:05d}",
                name=names[i % len(names)],
                unit="某某市第一人民医院（东院区）",
                department="心血管内科",
                credential=credential,
                fingerprint=fingerprint(public_key_for(credential, campaign_uid)),
            )
        )
    return result


def notice(rows: int = 12) -> PublicityNotice:
    names = ("李华", "欧阳明远", "王芳", "赵雪梅")
    return PublicityNotice(
        title="关于2026年“最美医生”评选结果的公示",
        campaign_title="2026年“最美医生”评选",
        campaign_uid="campaign-12",
        issuer="某某市卫生健康委员会",
        issued_on=date(2026, 8, 10),
        period_start=date(2026, 8, 10),
        period_end=date(2026, 8, 14),
        period_note="5个工作日",
        rows=[
            NoticeRow(
                rank=i + 1,
                name=names[i % 4],
                unit="某某市第一人民医院（东院区）",
                department="心血管内科",
                votes=1000 - 37 * i,
                expert_score=f"{90 - 1.5 * i:.2f}",
                combined=f"{88 - 1.3 * i:.2f}",
                winner=i < 10,
            )
            for i in range(rows)
        ],
        objection=ObjectionContact(
            office="市卫生健康委员会人事科",
            phone="0571-12345678",
            email="rsk@wjw.example.gov.cn",
            address="某某市人民路1号",
        ),
        checkpoint=LogCheckpoint(
            origin="yide.local/campaign-12", size=4821, root_hash=hashlib.sha256(b"x").digest()
        ),
        log_url="https://yide.example.gov.cn/public/campaigns/campaign-12/log",
        result_hash=hashlib.sha256(b"result").hexdigest(),
        log_keys=(SAMPLE_LOG_VKEY,),
        footnotes=("综合得分 = 投票得分 × 30% + 专家评分 × 70%，保留两位小数。",),
    )


def ethics_form(index: int = 0, *, veto: bool = False, summary: str = LONG_TEXT * 2) -> EthicsForm:
    deductions = {"3": Decimal(2), "5": Decimal(3)} if not veto else {"4": Decimal(20)}
    items = [
        ItemLine(
            code=code,
            title=title,
            max_score=Decimal(top),
            deductions=deductions.get(code, Decimal(0)),
            praise=Decimal(2) if code == "1" else Decimal(0),
        )
        for code, title, top in NATIONAL_ITEMS
    ]
    lost = sum(deductions.values(), Decimal(0))
    penalties = [
        RecordLine(
            day=date(2025, 5, 12),
            kind=RecordKind.PENALTY,
            item="文明礼貌，优质服务，构建和谐医患关系",
            points=Decimal(2),
            description="患者投诉候诊时解释不耐心，经核实属实。",
        ),
        RecordLine(
            day=date(2025, 9, 3),
            kind=RecordKind.PENALTY,
            item="因病施治，规范医疗服务行为",
            points=Decimal(3),
            description="病历书写不规范，院级质控检查扣分。",
        ),
    ]
    if veto:
        penalties = [
            RecordLine(
                day=date(2025, 6, 1),
                kind=RecordKind.PENALTY,
                item="遵纪守法，廉洁行医",
                points=Decimal(20),
                description="收受患者家属红包，经纪检核实。",
                veto=True,
            )
        ]
    total = Decimal(100) - lost + Decimal(2)
    return EthicsForm(
        year=2025,
        staff=StaffHeader(
            name=("欧阳明远", "李秀英", "张伟")[index % 3],
            gender="男",
            title="主治医师",
            staff_number=f"E{index:05d}",
            unit="某某市第一人民医院",
            department="心血管内科",
        ),
        items=items,
        base=Decimal(100),
        deductions=lost,
        bonus=Decimal(2),
        raw_bonus=Decimal(2),
        total=total,
        grade="较差" if veto else "良好",
        grade_note="" if veto else "有扣分记录，不符合优秀条件",
        vetoes=("收受患者及其亲友财物（一票否决第1项）",) if veto else (),
        praise=[
            RecordLine(
                day=date(2025, 3, 8),
                kind=RecordKind.PRAISE,
                item="救死扶伤，全心全意为人民服务",
                points=Decimal(2),
                description="患者家属赠送锦旗，表扬抢救及时。",
            )
        ],
        penalties=penalties,
        satisfaction=Satisfaction(satisfied=182, fairly_satisfied=11, dissatisfied=3),
        self_summary=summary,
        self_evaluation=Opinion(text="", grade="良好", signer="欧阳明远", signed_on=date(2025, 12, 18)),
        department=Opinion(
            text="该同志工作认真负责，医患沟通仍需加强。" + LONG_TEXT[:60],
            grade="良好",
            signer="科主任 王建国",
            signed_on=date(2025, 12, 26),
        ),
        unit=Opinion(
            text="同意科室评价意见。",
            grade="较差" if veto else "良好",
            signer="医院医德考评委员会",
            signed_on=date(2026, 1, 10),
        ),
        explanation=(
            "第3项扣2分、第5项扣3分，合计扣5分；加分2分（上限10分）。",
            "总分97分，扣分5分，符合良好条件。",
        ),
        verification=Verification(
            checkpoint=CHECKPOINT,
            url="https://yide.example.gov.cn/verify/ethics/2025/E00000",
            entry_hash=hashlib.sha256(b"entry").hexdigest(),
        ),
    )
