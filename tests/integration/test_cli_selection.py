"""``yide credentials`` and ``yide vote``, run as the credential authority and a voter would run them."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_cli import yide
from tests.support.factories import PASSWORD


def seed(tmp: Path, step: str) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("YIDE_")}
    environment |= {"YIDE_DATA_DIR": str(tmp), "PYTHONWARNINGS": "error::DeprecationWarning"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.cli_seed", step],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli-selection")
    seed(tmp, "frozen")
    return tmp


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def credentials(frozen: Path) -> Path:
    out = frozen / "private"
    result = yide(
        frozen, "credentials", "generate", "--campaign", "1", "--out", str(out), "--authority", "ca",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "published 6 credentials" in result.stdout
    return out


def _sheet(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "credentials-1.csv").read_bytes().decode("utf-8-sig"))))


def test_generate_writes_private_sheets_and_publishes_only_public_keys(credentials: Path) -> None:
    rows = _sheet(credentials)
    assert len(rows) == 6 and {r["单位"] for r in rows} == {"单位1", "单位2"}
    assert all(r["投票链接"].endswith("#cred=" + r["投票凭证"].replace("-", "")) for r in rows)
    for name in ("credentials-1.csv", "credentials-1.pdf", "public-credentials-1.json"):
        assert stat.S_IMODE((credentials / name).stat().st_mode) == 0o600
    assert (credentials / "credentials-1.pdf").read_bytes().startswith(b"%PDF-")
    public = json.loads((credentials / "public-credentials-1.json").read_text())
    assert len(public) == 6 and set(public[0]) == {"public_key", "weight"}


def test_generate_refuses_a_second_list_and_a_non_authority(frozen: Path, credentials: Path) -> None:
    again = yide(
        frozen, "credentials", "generate", "--campaign", "1", "--out", str(frozen / "again"), "--authority",
        "ca", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert again.returncode == 1 and "already published" in again.stderr
    assert not (frozen / "again" / "credentials-1.csv").exists()  # nothing private left behind
    wrong = yide(
        frozen, "credentials", "generate", "--campaign", "1", "--out", str(frozen / "x"), "--authority", "ca",
        "--password-stdin", stdin="not the password\n",
    )  # fmt: skip
    assert wrong.returncode == 1 and "wrong username or password" in wrong.stderr


def test_revoke_and_reissue_a_lost_credential(frozen: Path, credentials: Path) -> None:
    lost = _sheet(credentials)[0]["投票凭证"]
    reissued = yide(
        frozen, "credentials", "reissue", "--campaign", "1", "--credential", lost, "--voter-ref", "U1-U1001",
        "--name", "员工U11", "--out", str(credentials), "--authority", "ca", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert reissued.returncode == 0, reissued.stderr
    assert "revoked" in reissued.stdout and "issued" in reissued.stdout
    again = yide(
        frozen, "credentials", "revoke", "--campaign", "1", "--credential", lost, "--reason", "遗失",
        "--authority", "ca", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert again.returncode == 1 and "already revoked" in again.stderr


@pytest.fixture(scope="module")
def server(frozen: Path, credentials: Path) -> Iterator[str]:
    seed(frozen, "open")
    port = _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("YIDE_")}
    environment |= {"YIDE_DATA_DIR": str(frozen), "YIDE_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "workflow.cli", "serve"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_vote_from_the_command_line(frozen: Path, credentials: Path, server: str) -> None:
    credential = _sheet(credentials)[1]["投票凭证"]
    with urllib.request.urlopen(f"{server}/api/public/campaigns/1") as response:
        campaign = json.loads(response.read())
    choice = campaign["candidates"][0]
    voted = yide(
        frozen, "vote", "--url", server, "--campaign", "1", "--credential", credential, "--choose", choice
    )
    assert voted.returncode == 0, voted.stderr
    assert "accepted: tracking code" in voted.stdout
    blank = yide(frozen, "vote", "--url", server, "--campaign", "1", "--credential", credential)
    assert blank.returncode == 1 and "blank_not_allowed" in blank.stderr


def test_the_campaign_bundle_passes_yide_verify(frozen: Path, credentials: Path, server: str) -> None:
    credential = _sheet(credentials)[2]["投票凭证"]
    with urllib.request.urlopen(f"{server}/api/public/campaigns/1") as response:
        campaign = json.loads(response.read())
    voted = yide(
        frozen, "vote", "--url", server, "--campaign", "1", "--credential", credential, "--choose",
        campaign["candidates"][1],
    )  # fmt: skip
    assert voted.returncode == 0, voted.stderr
    bundle = frozen / "campaign-1.zip"
    exported = yide(frozen, "export", "--scope", "campaign-1", "--out", str(bundle))
    assert exported.returncode == 0, exported.stderr
    verified = yide(frozen, "verify", str(bundle), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    checks = {c["id"]: c["status"] for c in json.loads(verified.stdout)["checks"]}
    assert checks["C1"] == checks["B3"] == checks["S1"] == "pass"
