"""The ``yide`` command, run as a user would run it (a separate process on its own SQLite file)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.cli import yide
from tests.support.factories import staff_csv


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    result = yide(tmp, "migrate")
    assert result.returncode == 0, result.stderr
    assert "applied" in result.stdout
    return tmp


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = yide(tmp_path, "--help")
    assert result.returncode == 0
    for command in ("serve", "migrate", "demo", "user", "staff"):
        assert command in result.stdout


def test_serve_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    result = yide(tmp_path, "serve", "--port", "18099")
    assert result.returncode == 1
    assert "run `yide migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_database_url_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    result = yide(tmp_path, "migrate", env={"YIDE_DATABASE_URL": "mysql://nope"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: configuration: YIDE_DATABASE_URL=")
    assert len(result.stderr.strip().splitlines()) == 1


def test_migrate_twice_is_harmless(migrated: Path) -> None:
    result = yide(migrated, "migrate")
    assert result.returncode == 0 and "up to date" in result.stdout


def test_staff_import_previews_then_commits_and_users_are_created(migrated: Path) -> None:
    demo = yide(migrated, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    assert "demo-organizer" in demo.stdout and "yide-demo-2026" in demo.stdout
    csv = migrated / "new.csv"
    csv.write_bytes(staff_csv("Z", 3, ["NK"]).replace(b"NK", b"NK").decode().encode("gbk"))
    preview = yide(migrated, "staff", "import", str(csv), "--unit", "SYH")
    assert preview.returncode == 0, preview.stderr
    assert "3 to create" in preview.stdout and "preview only" in preview.stdout
    commit = yide(migrated, "staff", "import", str(csv), "--unit", "SYH", "--commit")
    assert commit.returncode == 0 and "committed" in commit.stdout
    again = yide(migrated, "staff", "import", str(csv), "--unit", "SYH", "--commit")
    assert "0 to create, 0 to update, 3 unchanged" in again.stdout
    created = yide(
        migrated,
        "user",
        "create",
        "--username",
        "ca2",
        "--name",
        "凭证员",
        "--role",
        "credential_authority",
        "--password-stdin",
        stdin="a-long-enough-password\n",
    )
    assert created.returncode == 0, created.stderr
    clash = yide(
        migrated,
        "user",
        "create",
        "--username",
        "x",
        "--name",
        "x",
        "--role",
        "organizer",
        "--role",
        "credential_authority",
        "--password-stdin",
        stdin="a-long-enough-password\n",
    )
    assert (
        clash.returncode == 1 and "separation of duties" in clash.stderr and "Traceback" not in clash.stderr
    )


def test_staff_import_with_errors_exits_non_zero_with_line_numbers(migrated: Path) -> None:
    bad = migrated / "bad.csv"
    bad.write_text("工号,姓名,性别\nA1,,男\nA1,李四,女\n", encoding="utf-8")
    yide(migrated, "demo", "--no-serve")
    result = yide(migrated, "staff", "import", str(bad), "--unit", "SYH", "--commit")
    assert result.returncode == 1
    assert "line 2: name" in result.stderr and "line 3: staff_no" in result.stderr
    assert "nothing was imported" in result.stderr


def test_unknown_unit_is_a_clear_error(migrated: Path) -> None:
    csv = migrated / "x.csv"
    csv.write_text("工号,姓名,性别\nA1,张三,男\n", encoding="utf-8")
    result = yide(migrated, "staff", "import", str(csv), "--unit", "NOPE")
    assert result.returncode == 1 and result.stderr.strip() == "error: no unit with code 'NOPE'"


def test_ethics_year_end_from_the_shell(migrated: Path) -> None:
    """On the demo: last year is archived, this year's batch grades with a summary; SMS and calendar."""
    assert yide(migrated, "demo", "--no-serve").returncode == 0
    closed = yide(migrated, "ethics", "close-year", "--unit", "SYH", "--year", "2026")
    assert closed.returncode == 0, closed.stderr
    assert "12 file(s) graded" in closed.stdout and "per department:" in closed.stdout
    assert "优秀 quota (全单位)" in closed.stdout and "missing self-evaluations" in closed.stdout
    as_json = yide(migrated, "ethics", "close-year", "--unit", "SYH", "--year", "2026", "--json")
    assert json.loads(as_json.stdout)["files"] == 12
    done = yide(migrated, "ethics", "close-year", "--unit", "SYH", "--year", "2025")
    assert done.returncode == 1 and "already publicized" in done.stderr and "Traceback" not in done.stderr
    closed_year = yide(migrated, "ethics", "close-year", "--unit", "SYH", "--year", "2019")
    assert closed_year.returncode == 1 and "not open" in closed_year.stderr
    sms = migrated / "sms.csv"
    sms.write_text(
        "回访编号,工号,回复日期,回复内容\nCLI-1,SYH001,2026-03-01,1\nCLI-2,SYH002,2026-03-02,3 太慢\n"
    )
    preview = yide(migrated, "ethics", "import-sms", str(sms), "--unit", "SYH", "--year", "2026")
    assert preview.returncode == 0 and "2 new" in preview.stdout and "preview only" in preview.stdout
    commit = yide(migrated, "ethics", "import-sms", str(sms), "--unit", "SYH", "--year", "2026", "--commit")
    assert (
        commit.returncode == 0 and "committed" in commit.stdout and "1 comment(s) to verify" in commit.stdout
    )
    again = yide(migrated, "ethics", "import-sms", str(sms), "--unit", "SYH", "--year", "2026", "--commit")
    assert "0 new, 2 already imported" in again.stdout


def test_calendar_and_policy_from_the_shell(migrated: Path) -> None:
    assert yide(migrated, "demo", "--no-serve").returncode == 0
    shown = yide(migrated, "calendar", "show")
    assert "shipped: 2024, 2025, 2026" in shown.stdout
    arrangement = migrated / "2027.json"
    arrangement.write_text(
        json.dumps(
            {
                "format": "yide-holidays/1",
                "years": [{"year": 2027, "source": "国务院办公厅通知", "holidays": [], "workdays": []}],
            }
        )
    )
    loaded = yide(migrated, "calendar", "load", str(arrangement))
    assert loaded.returncode == 0 and "loaded 2027" in loaded.stdout
    assert "loaded:  2027" in yide(migrated, "calendar", "show").stdout
    broken = migrated / "broken.json"
    broken.write_text('{"format": "other", "years": []}')
    refused = yide(migrated, "calendar", "load", str(broken))
    assert refused.returncode == 1 and refused.stderr.startswith("error: ")
    policy = migrated / "policy.json"
    policy.write_text(json.dumps({"bonus_cap": "8"}))
    published = yide(migrated, "ethics", "policy", "set", str(policy), "--region", "110113", "--note", "试行")
    assert published.returncode == 0 and "policy version 1" in published.stdout
    current = json.loads(yide(migrated, "ethics", "policy", "show", "--region", "110113").stdout)
    assert current["policy"]["bonus_cap"] == "8"
    opened = yide(migrated, "ethics", "open-year", "--unit", "SYH", "--year", "2026")
    assert opened.returncode == 0 and "already open" in opened.stdout  # adds files for staff who joined
    again = yide(migrated, "ethics", "open-year", "--unit", "SYH", "--year", "2026")
    assert "already open; 0 file(s) added" in again.stdout


def test_demo_seeds_campaigns_for_every_public_page_and_prints_their_links(migrated: Path) -> None:
    """One campaign open for voting, one in its 公示, one announced, and a ward's evaluation link."""
    from workflow.demo_results import ANNOUNCED_TITLE, PUBLICIZED_TITLE

    result = yide(migrated, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "is open for voting" in result.stdout
    for title in (PUBLICIZED_TITLE, ANNOUNCED_TITLE):
        assert re.search(rf"{re.escape(title)}: http://\S+/campaigns/\d+", result.stdout), result.stdout
    assert re.search(r"住院患者评价（一病区）: http://\S+/evaluate/[A-Za-z0-9_-]{43}", result.stdout)
    assert re.search(r"Vote in a browser: http://\S+/vote/[0-9a-f-]{36}#cred=[0-9A-Z]{25}\n", result.stdout)
    again = yide(migrated, "demo", "--no-serve")
    assert again.returncode == 0 and "reusing" in again.stdout and PUBLICIZED_TITLE in again.stdout
