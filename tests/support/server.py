"""A real yide server in a subprocess: the demo database, uvicorn, a free loopback port.

Used by the API fuzz test and the browser tests, which need the server as a user meets it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIDE_")}
    env |= {
        "YIDE_DATA_DIR": str(data_dir),
        "YIDE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "YIDE_LOGIN_IP_LIMIT": "100000",
    }
    return env


@contextmanager
def live_server(data_dir: Path) -> Iterator[LiveServer]:
    port = free_port()
    env = _env(data_dir, port)
    seeded = subprocess.run(
        [sys.executable, "-m", "workflow.cli", "demo", "--no-serve", "--port", str(port)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if seeded.returncode != 0:
        raise RuntimeError(f"demo seeding failed: {seeded.stderr}")
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "workflow.cli", "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {(data_dir / 'server.log').read_text()}")
            time.sleep(0.2)
        yield LiveServer(url, data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
