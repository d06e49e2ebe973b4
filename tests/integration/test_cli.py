"""The ``yide`` command, run as a user would run it (a separate process on its own SQLite file)."""

from __future__ import annotations

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
