"""Helpers for the browser tests: Chromium launch settings, screenshots, the CJK font check."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Page

from tests.support.server import LiveServer

CHROMIUM = os.environ.get("YIDE_CHROMIUM", "/usr/bin/chromium")
INTRANET_HOST = "yide-intranet.test"
"""Resolved to 127.0.0.1 inside Chromium: a plain-HTTP origin that is NOT a secure context, as a
hospital intranet on http://10.x.x.x is, so WebCrypto is absent there."""

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    f"--host-resolver-rules=MAP {INTRANET_HOST} 127.0.0.1",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
CJK_FONT = re.compile(r"WenQuanYi|Noto Sans CJK|Noto Serif CJK|Source Han|Droid Sans Fallback|"
                      r"AR PL|PingFang|Hiragino|Microsoft YaHei|SimSun|SimHei|文泉")  # fmt: skip


def chromium_executable() -> str:
    """Debian's Chromium; a missing browser fails the run (browser tests never skip)."""
    found = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if not found:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium fonts-wqy-zenhei) "
            "or set YIDE_CHROMIUM; browser tests never skip",
            pytrace=False,
        )
    return found


async def screenshot(tab: Page, name: str) -> Path:
    """Save a full-page PNG under tests/artifacts/browser/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    await tab.screenshot(path=str(path), full_page=True)
    return path


async def platform_fonts(tab: Page, selector: str) -> list[dict[str, object]]:
    """The fonts Chromium really used for the text of the first node matching ``selector`` (CDP)."""
    cdp = await tab.context.new_cdp_session(tab)
    try:
        await cdp.send("DOM.enable")
        await cdp.send("CSS.enable")
        root = await cdp.send("DOM.getDocument", {"depth": -1})
        found = await cdp.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector})
        if not found["nodeId"]:
            raise AssertionError(f"no element matches {selector!r}")
        fonts = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": found["nodeId"]})
        return list(fonts["fonts"])
    finally:
        await cdp.detach()


async def assert_cjk_font(tab: Page, selector: str) -> None:
    """Chinese text must be drawn with a CJK font: without one Chromium falls back to boxes."""
    fonts = await platform_fonts(tab, selector)
    names = [str(f["familyName"]) for f in fonts]
    assert any(CJK_FONT.search(n) for n in names), f"{selector} is drawn with {names}: no CJK font"


def intranet_url(server: LiveServer) -> str:
    """The live server under a name Chromium treats as a plain-HTTP, non-secure origin."""
    return server.url.replace("127.0.0.1", INTRANET_HOST)
