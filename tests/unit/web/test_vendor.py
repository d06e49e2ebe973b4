"""The vendored JavaScript fallback is exactly what MANIFEST.json says: pinned, hashed, licensed."""

from __future__ import annotations

import json
import re

from api.web import STATIC
from api.web.vendor_js import MANIFEST, PACKAGES, VENDOR, check, sha256_file

manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))


def test_every_vendored_file_matches_its_sha256() -> None:
    assert check() == []
    for path, digest in manifest["sha256"].items():
        assert sha256_file(VENDOR / path) == digest, path


def test_manifest_lists_the_pinned_packages_with_integrity_and_licence() -> None:
    listed = {(p["name"], p["version"]) for p in manifest["packages"]}
    assert listed == {(p.name, p.version) for p in PACKAGES}
    for package in manifest["packages"]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", package["version"]), "exact versions only"
        assert package["npm_integrity"].startswith("sha512-")
        assert package["license"] == "MIT"
        assert "LICENSE" in package["files"]
        for name in package["files"]:
            assert f"{package['directory']}/{name}" in manifest["sha256"]


def test_the_page_loads_the_vendored_versions() -> None:
    crypto_js = (STATIC / "js" / "lib" / "crypto.js").read_text(encoding="utf-8")
    for package in manifest["packages"]:
        assert package["directory"] + "/" in crypto_js


def test_vendored_modules_import_only_each_other() -> None:
    """Browsers cannot resolve bare specifiers such as '@noble/hashes/utils.js' without an import map."""
    for path in manifest["sha256"]:
        if not path.endswith(".js"):
            continue
        text = (VENDOR / path).read_text(encoding="utf-8")
        code = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        for spec in re.findall(r"^\s*(?:import|export)[^'\"]*?from\s*['\"]([^'\"]+)['\"]", code, flags=re.M):
            assert spec.startswith("./"), f"{path} imports {spec}"
            assert (VENDOR / path).parent.joinpath(spec).is_file(), f"{path} imports missing {spec}"
