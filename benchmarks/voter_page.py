"""How the staff voter page feels on a phone: bytes to load, time to a usable ballot, time to a receipt.

Why: voters open the credential sheet's QR link on whatever phone they have, often on a ward's Wi-Fi
or a weak 4G signal. The page derives a key (HKDF), checks the public credential list, signs
(Ed25519) and waits for a durable commit; this measures each part on a real Chromium with the CPU
slowed down like a mid-range phone (DevTools CPU throttling) and a "fast 3G"-like network, with
WebCrypto and with the vendored fallback (what a plain-HTTP intranet gets).

    /work/venv/bin/python benchmarks/voter_page.py              # 5 voters per mode, 4x CPU slow-down
    /work/venv/bin/python benchmarks/voter_page.py --voters 3 --cpu 1 --no-network-throttle

It seeds its own demo database and server (as the browser tests do). Record results in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.async_api import BrowserContext, Page, async_playwright

from tests.support.browser import LAUNCH_ARGS, PHONE, chromium_executable
from tests.support.server import LiveServer, live_server
from tests.support.vote_pages import DemoVoter, demo_vote

FAST_3G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
"""Chrome DevTools' "Fast 3G" preset: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up."""


async def one_vote(context: BrowserContext, url: str, cpu: float, network: bool) -> dict[str, float]:
    page: Page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    if cpu > 1:
        await cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    if network:
        await cdp.send("Network.emulateNetworkConditions", FAST_3G)
    received: list[int] = []
    cdp.on("Network.loadingFinished", lambda e: received.append(int(e["encodedDataLength"])))
    start = time.perf_counter()
    await page.goto(url)
    await page.locator("#step-choose").wait_for(state="visible", timeout=120_000)
    usable = time.perf_counter() - start
    loaded_bytes = sum(received)
    await page.locator(".candidate-main").first.click()
    await page.get_by_role("button", name="下一步：核对选择").click()
    clicked = time.perf_counter()
    await page.get_by_role("button", name="签名并投票").click()
    await page.locator("#receipt-check").get_by_text("与本机计算的跟踪码一致").wait_for(timeout=120_000)
    receipt = time.perf_counter() - clicked
    await page.close()
    return {"usable_s": usable, "receipt_s": receipt, "kb": loaded_bytes / 1024}


async def run(server: LiveServer, voters: list[DemoVoter], cpu: float, network: bool) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=LAUNCH_ARGS
        )
        half = len(voters) // 2
        for mode, group in (("WebCrypto", voters[:half]), ("fallback (@noble)", voters[half:])):
            results = []
            for voter in group:
                context = await browser.new_context(**PHONE)  # type: ignore[arg-type]
                url = voter.link.replace("#", "?crypto=fallback#") if "noble" in mode else voter.link
                results.append(await one_vote(context, url, cpu, network))
                await context.close()
            usable = [r["usable_s"] for r in results]
            receipt = [r["receipt_s"] for r in results]
            print(
                f"{mode:18s} n={len(results)}  first visit loads {results[0]['kb']:.0f} KiB; "
                f"QR link → choice step: median {statistics.median(usable):.2f} s (max {max(usable):.2f}); "
                f"sign + submit → receipt: median {statistics.median(receipt):.2f} s (max {max(receipt):.2f})"
            )
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=5, help="voters per mode (max 15 in all)")
    parser.add_argument("--cpu", type=float, default=4.0, help="CPU slow-down factor (1 = none)")
    parser.add_argument("--no-network-throttle", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, live_server(Path(tmp)) as server:
        vote = demo_vote(server)
        voters = vote.voters[: 2 * min(args.voters, len(vote.voters) // 2)]
        network = not args.no_network_throttle
        where = "Fast 3G" if network else "loopback"
        print(f"CPU slow-down {args.cpu}x, network {where}; each voter in a fresh browser context")
        asyncio.run(run(server, voters, args.cpu, network))


if __name__ == "__main__":
    main()
