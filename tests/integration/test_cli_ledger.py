"""``yide keys``, ``yide witness`` and a witness cosigning a running server, as users run them."""

from __future__ import annotations

import socket
import stat
import time
from pathlib import Path

import httpx

from tests.support.cli import yide, yide_process
from workflow.ledger.note import VerifierKey

PASSWORD = "a-long-enough-password\n"


def test_keys_init_show_and_rotate(tmp_path: Path) -> None:
    init = yide(tmp_path, "keys", "init")
    assert init.returncode == 0, init.stderr
    assert init.stdout.startswith("log key k1 (active): ed25519 ")
    vkey = init.stdout.split("verifier key for yide.local/org: ")[1].strip()
    assert VerifierKey.parse(vkey).name == "yide.local/org"
    assert stat.S_IMODE((tmp_path / "keys" / "log" / "k1.pem").stat().st_mode) == 0o600
    assert yide(tmp_path, "keys", "init").stdout == init.stdout  # nothing new is created
    rotated = yide(tmp_path, "keys", "rotate", "--label", "k2", "--scope", "campaign-3")
    assert rotated.returncode == 0 and "log key k2 (active)" in rotated.stdout
    assert "verifier key for yide.local/campaign-3: yide.local/campaign-3+" in rotated.stdout
    shown = yide(tmp_path, "keys", "show").stdout
    assert "log key k1 (retired)" in shown and "log key k2 (active)" in shown and vkey in shown
    again = yide(tmp_path, "keys", "rotate", "--label", "k1")
    assert again.returncode == 1 and "never reused" in again.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_witness_cosigns_a_running_log(tmp_path: Path) -> None:
    server_dir, witness_dir = tmp_path / "server", tmp_path / "witness"
    assert yide(server_dir, "migrate").returncode == 0
    user = [
        "user",
        "create",
        "--username",
        "jijian",
        "--name",
        "纪检",
        "--role",
        "auditor",
        "--password-stdin",
    ]
    assert yide(server_dir, *user, stdin=PASSWORD).returncode == 0
    key_file = witness_dir / "w.key"
    init = yide(
        witness_dir, "witness", "init", "--name", "jijian.example/witness", "--key-file", str(key_file)
    )
    assert init.returncode == 0 and init.stdout.startswith(f"created witness key {key_file}")
    vkey = init.stdout.splitlines()[-1]
    assert yide(
        witness_dir, "witness", "init", "--name", "jijian.example/witness", "--key-file", str(key_file)
    ).stdout == (f"existing witness key {key_file}\n{vkey}\n")
    added = yide(server_dir, "witness", "add-key", vkey)
    assert added.returncode == 0 and added.stdout == "witness jijian.example/witness registered\n"
    bad = yide(server_dir, "witness", "add-key", "not-a-key")
    assert bad.returncode == 1 and bad.stderr.startswith("error: ")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = yide_process(server_dir, "serve", "--port", str(port), log=tmp_path / "server.log")
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        cosign = ["witness", "cosign", "--url", url, "--scope", "org", "--username", "jijian"]
        cosign += ["--key-file", str(key_file), "--password-stdin"]
        first = yide(witness_dir, *cosign, stdin=PASSWORD)
        assert first.returncode == 0, first.stderr + (tmp_path / "server.log").read_text()
        assert "trusting the log keys it published on first use" in first.stdout
        assert "cosigned yide.local/org at size" in first.stdout and "(first view)" in first.stdout
        second = yide(witness_dir, *cosign, stdin=PASSWORD)
        assert second.returncode == 0 and "consistent with size" in second.stdout
        wrong = yide(witness_dir, *cosign, stdin="wrong-password\n")
        assert wrong.returncode == 1 and "login as jijian failed" in wrong.stderr
    finally:
        server.terminate()
        server.wait(timeout=20)
    bundle = tmp_path / "org.zip"
    assert yide(server_dir, "export", "--scope", "org", "--out", str(bundle)).returncode == 0
    verified = yide(tmp_path, "verify", str(bundle))
    assert verified.returncode == 0, verified.stdout
    assert "PASS  A5.1" in verified.stdout and "cosigned by jijian.example/witness" in verified.stdout
