"""Browser tests: Debian's Chromium driven by Playwright on a phone-sized viewport.

Never ``playwright install``: the tests drive the system ``/usr/bin/chromium`` (``.ci/run`` installs it
with apt-get) through ``executable_path``. A missing Chromium fails the run instead of skipping it.
Screenshots land in ``tests/artifacts/browser/`` (git-ignored); look at them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

from tests.support.browser import LAUNCH_ARGS, PHONE, chromium_executable, screenshot


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_executable()
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=executable, headless=True, args=LAUNCH_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(**PHONE)  # type: ignore[arg-type]
    ctx.set_default_timeout(15_000)
    yield ctx
    await ctx.close()


@pytest.fixture
async def page(context: BrowserContext, request: pytest.FixtureRequest) -> AsyncIterator[Page]:
    """A phone-sized page; at teardown it must not have thrown an uncaught error or logged one."""
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))

    def console(message: ConsoleMessage) -> None:
        # Chromium logs every HTTP error answer as "Failed to load resource"; pages handle those.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text}")

    tab.on("console", console)
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        await screenshot(tab, f"FAILED-{request.node.name}")
    allowed = [m.args[0] for m in request.node.iter_markers("console_errors")]
    unexpected = [e for e in errors if not any(a in e for a in allowed)]
    assert not unexpected, f"the page reported errors: {unexpected}"
