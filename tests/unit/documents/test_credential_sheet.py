from __future__ import annotations

import csv
import io
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from tests.unit.documents import samples
from tests.unit.documents.pdftools import cjk_fonts
from workflow.documents.credential_sheet import (
    CSV_COLUMNS,
    INSTRUCTIONS,
    SheetLayout,
    VoterCredential,
    credential_sheets_csv,
    credential_sheets_pdf,
    vote_url,
)
from workflow.errors import InvalidInput
from workflow.selection.credentials import (
    CredentialTypo,
    VoterEntry,
    generate_census,
    normalise_credential,
)


def test_vote_url_carries_the_credential_in_the_fragment_only() -> None:
    campaign = replace(samples.campaign(), public_url="https://yide.example.gov.cn/")
    [voter] = samples.voters(1)
    url = vote_url(campaign, voter.printed.lower())
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path, parts.query) == (
        "https",
        "yide.example.gov.cn",
        "/vote/campaign-12",
        "",
    )
    assert parts.fragment == f"cred={normalise_credential(voter.credential)}"
    assert url == f"https://yide.example.gov.cn/vote/campaign-12#cred={voter.printed.replace('-', '')}"


def test_one_page_per_voter_with_everything_printed_and_a_scannable_code(open_pdf) -> None:
    campaign, voters = samples.campaign(), samples.voters(3)
    pdf = open_pdf(credential_sheets_pdf(campaign, voters))
    assert pdf.pages() == 3
    assert cjk_fonts(pdf) and all(embedded for _, embedded in cjk_fonts(pdf))
    for page, voter in enumerate(voters, start=1):
        text = pdf.flat_text(page)
        for expected in (
            campaign.title,
            voter.name,
            voter.unit,
            voter.department,
            voter.printed,
            voter.fingerprint,
            campaign.vote_page,
            campaign.voting_period,
            voter.voter_ref,
        ):
            assert expected in text
        for instruction in INSTRUCTIONS:
            assert "".join(instruction.split()) in text
    assert pdf.qr_codes(page=1) == [vote_url(campaign, voters[0].credential)]
    assert pdf.qr_codes(page=3) == [vote_url(campaign, voters[2].credential)]
    pdf.artifact("credential-sheet-page")


def test_slips_put_three_voters_on_a_page_each_with_its_own_code(open_pdf) -> None:
    campaign, voters = samples.campaign(), samples.voters(7)
    pdf = open_pdf(credential_sheets_pdf(campaign, voters, SheetLayout.SLIPS))
    assert pdf.pages() == 3
    assert sorted(pdf.qr_codes(page=1)) == sorted(vote_url(campaign, v.credential) for v in voters[:3])
    assert pdf.qr_codes(page=3) == [vote_url(campaign, voters[6].credential)]
    text = pdf.flat_text(1)
    assert all(v.printed in text and v.fingerprint in text for v in voters[:3])
    pdf.artifact("credential-sheet-slips")


def test_long_names_and_units_wrap_on_pages_and_are_cut_on_slips(open_pdf) -> None:
    unit = "某某省某某市某某区人民医院医疗集团（某某街道社区卫生服务中心）第二门诊部预防保健科"
    [voter] = samples.voters(1)
    campaign = replace(
        samples.campaign(),
        title="2026年某某市卫生健康系统“十佳医生、十佳护士、十佳乡村医生”评选活动职工代表网络投票",
    )
    page = open_pdf(credential_sheets_pdf(campaign, [replace(voter, unit=unit)]))
    assert unit in page.flat_text() and campaign.title in page.flat_text()
    assert page.qr_codes(page=1) == [vote_url(campaign, voter.credential)]
    slips = open_pdf(credential_sheets_pdf(campaign, [replace(voter, unit=unit * 3)], SheetLayout.SLIPS))
    text = slips.flat_text()
    assert campaign.title in text and unit in text and unit * 3 not in text and "…" in text
    assert voter.printed in text  # what follows the cut text is still on the slip
    assert slips.qr_codes(page=1) == [vote_url(campaign, voter.credential)]
    slips.artifact("credential-sheet-slips-long")


def test_markup_in_names_is_printed_not_interpreted(open_pdf) -> None:
    [voter] = samples.voters(1)
    odd = replace(voter, name="A&B <张>")
    assert "A&B<张>" in open_pdf(credential_sheets_pdf(samples.campaign(), [odd])).flat_text()


def test_rows_from_the_census_join_with_people() -> None:
    census = generate_census("campaign-12", [VoterEntry(voter_ref="E001", weight=2)], max_weight=3)
    [row] = census.private_rows
    voter = VoterCredential.from_row(row, name="李秀英", unit="中心医院", department="儿科")
    assert (voter.credential, voter.fingerprint, voter.weight, voter.voter_ref) == (
        row.credential,
        row.fingerprint,
        2,
        "E001",
    )


def test_bad_input_is_refused_before_printing() -> None:
    [voter] = samples.voters(1)
    with pytest.raises(CredentialTypo):
        replace(voter, credential=voter.credential[:-1] + ("0" if voter.credential[-1] != "0" else "1"))
    with pytest.raises(InvalidInput, match="campaign uid"):
        replace(samples.campaign(), uid="no spaces allowed")
    with pytest.raises(InvalidInput, match="https"):
        replace(samples.campaign(), public_url="yide.example.gov.cn")
    with pytest.raises(InvalidInput, match="no voters"):
        credential_sheets_pdf(samples.campaign(), [])


def test_csv_opens_in_excel_as_utf8_with_documented_columns() -> None:
    campaign = samples.campaign()
    voters = [*samples.voters(2), replace(samples.voters(1)[0], name='=HYPERLINK("http://x")', unit="+中心")]
    data = credential_sheets_csv(campaign, voters)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first == {
        "编号": voters[0].voter_ref,
        "姓名": voters[0].name,
        "单位": voters[0].unit,
        "科室": voters[0].department,
        "权重": "1",
        "投票凭证": voters[0].printed,
        "密钥指纹": voters[0].fingerprint,
        "投票链接": vote_url(campaign, voters[0].credential),
    }
    assert rows[3][1] == '\'=HYPERLINK("http://x")' and rows[3][2] == "'+中心"
    assert len(rows) == 4
