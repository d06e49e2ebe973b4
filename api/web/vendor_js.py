"""Vendor the pure-JavaScript Ed25519 fallback from npm: pinned versions, exact files, a SHA-256 manifest.

The voter page signs with WebCrypto where the browser offers Ed25519 in a secure context. Plain-HTTP
intranets are not secure contexts, so the page then loads @noble/ed25519 with @noble/hashes, served by
yide itself from ``static/vendor/``. This script is how those files got there::

    python -m api.web.vendor_js          # fetch with `npm pack`, copy, write MANIFEST.json
    python -m api.web.vendor_js --check  # recompute the SHA-256 of every vendored file

``npm pack`` checks each tarball against the registry's integrity hash; the manifest records that
hash and the SHA-256 of every copied file, and ``tests/unit/web/test_vendor.py`` fails if a vendored
byte changes without the manifest changing with it. Files are copied unmodified; only the modules the
pages import (and their relative imports) are kept, with each package's LICENSE.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

VENDOR = Path(__file__).parent / "static" / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    files: tuple[str, ...]
    audit: str

    @property
    def directory(self) -> str:
        """``noble-ed25519-3.2.0``: the version is in the URL, so an upgrade is a visible change."""
        return f"{self.name.removeprefix('@').replace('/', '-')}-{self.version}"


PACKAGES = (
    Package(
        "@noble/ed25519",
        "3.2.0",
        ("index.js", "LICENSE"),
        "v3 is a rewrite of v1, which Cure53 audited in Feb 2022 (cure53.de/pentest-report_ed25519.pdf); "
        "v3 itself has no independent audit and is cross-tested by its author against the audited "
        "noble-curves. yide checks it against RFC 8032 and its own ballot and checkpoint vectors.",
    ),
    Package(
        "@noble/hashes",
        "2.4.0",
        ("sha2.js", "hkdf.js", "hmac.js", "_md.js", "_u64.js", "utils.js", "LICENSE"),
        "Audited by Cure53 at v1.0.0 in Jan 2022 (cure53.de/pentest-report_hashing-libs.pdf); "
        "scope included SHA-2, HMAC and HKDF.",
    ),
)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendored_files() -> dict[str, str]:
    """Every file under ``vendor/`` except the manifest, as relative path → SHA-256."""
    return {
        p.relative_to(VENDOR).as_posix(): sha256_file(p)
        for p in sorted(VENDOR.rglob("*"))
        if p.is_file() and p != MANIFEST
    }


def _pack(package: Package, work: Path) -> tuple[Path, dict[str, str]]:
    spec = f"{package.name}@{package.version}"  # pinned names from PACKAGES above, never user input
    out = subprocess.run(  # noqa: S603
        ["npm", "pack", spec, "--json", "--pack-destination", str(work)],  # noqa: S607
        check=True, capture_output=True, text=True, cwd=work,
    )  # fmt: skip
    info = json.loads(out.stdout)[0]
    if info["version"] != package.version:
        raise SystemExit(f"npm returned {info['version']} for {package.name}@{package.version}")
    tarball = work / info["filename"]
    target = work / package.directory
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="data")
    meta = {"integrity": info["integrity"], "shasum": info["shasum"]}
    return target / "package", meta


def vendor() -> None:
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    packages = []
    with tempfile.TemporaryDirectory() as tmp:
        for package in PACKAGES:
            source, meta = _pack(package, Path(tmp))
            (VENDOR / package.directory).mkdir()
            for name in package.files:
                shutil.copyfile(source / name, VENDOR / package.directory / name)
            packages.append(
                {
                    "name": package.name,
                    "version": package.version,
                    "directory": package.directory,
                    "license": json.loads((source / "package.json").read_text())["license"],
                    "npm_integrity": meta["integrity"],
                    "npm_shasum": meta["shasum"],
                    "files": list(package.files),
                    "audit": package.audit,
                }
            )
    manifest = {
        "about": "Vendored by `python -m api.web.vendor_js` from the npm registry, files unmodified.",
        "packages": packages,
        "sha256": vendored_files(),
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def check() -> list[str]:
    """Differences between the vendored files and the manifest (empty when they agree)."""
    expected = json.loads(MANIFEST.read_text(encoding="utf-8"))["sha256"]
    actual = vendored_files()
    problems = [f"unlisted file {p}" for p in sorted(set(actual) - set(expected))]
    problems += [f"missing file {p}" for p in sorted(set(expected) - set(actual))]
    problems += [f"changed file {p}" for p in sorted(set(actual) & set(expected)) if actual[p] != expected[p]]
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify the manifest instead of fetching")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or "vendored files match MANIFEST.json")
        sys.exit(1 if problems else 0)
    vendor()
    print(f"vendored {len(PACKAGES)} packages into {VENDOR}")


if __name__ == "__main__":
    main()
