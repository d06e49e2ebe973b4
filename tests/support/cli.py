"""Running the ``yide`` command as a user would: a separate process with its own data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def yide(
    tmp: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("YIDE_")}
    environment |= {"YIDE_DATA_DIR": str(tmp), "PYTHONWARNINGS": "error::DeprecationWarning"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def yide_process(tmp: Path, *args: str, log: Path) -> subprocess.Popen[bytes]:
    """A long-running ``yide`` command (e.g. ``serve``), its output going to ``log``; stop it yourself."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("YIDE_")}
    environment |= {"YIDE_DATA_DIR": str(tmp), "PYTHONWARNINGS": "error::DeprecationWarning"}
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "workflow.cli", *args],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
