"""Helpers for the voter page browser tests: demo voters, credentials, reading the dev SMS outbox."""

from __future__ import annotations

import asyncio
import csv
import io
import secrets
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.async_api import Page

from tests.support.server import LiveServer
from workflow.demo import CREDENTIALS_DIR

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MY_VOTERS = (*range(10), 15)
"""The browser tests share one demo server, so each demo voter casts in one test only: 0..7 and 15
in test_vote.py, 8 (no ballot) and 9 in test_accessibility.py, 10..14 in test_verify.py."""


@dataclass(frozen=True)
class DemoVoter:
    name: str
    credential: str
    """As printed: XXXXX-XXXXX-XXXXX-XXXXX-XXXXC."""
    link: str
    """The credential sheet QR link ``<public_url>/vote/<uid>#cred=<credential>``."""


@dataclass(frozen=True)
class DemoVote:
    id: int
    uid: str
    voters: list[DemoVoter]

    @property
    def page(self) -> str:
        return f"/vote/{self.uid}"


def demo_vote(server: LiveServer) -> DemoVote:
    rows = list(
        csv.DictReader(
            io.StringIO(
                (server.data_dir / CREDENTIALS_DIR / "credentials.csv").read_bytes().decode("utf-8-sig")
            )
        )
    )
    voters = [DemoVoter(r["姓名"], r["投票凭证"], r["投票链接"]) for r in rows]
    uid = voters[0].link.split("/vote/")[1].split("#")[0]
    campaigns = httpx.get(f"{server.url}/api/public/campaigns/").json()
    cid = next(c["id"] for c in campaigns if c["uid"] == uid)
    return DemoVote(cid, uid, voters)


def voter(vote: DemoVote, index: int) -> DemoVoter:
    assert index in MY_VOTERS, "demo voters 10..14 belong to test_verify.py (see MY_VOTERS)"
    return vote.voters[index]


def unknown_credential() -> str:
    """Well-formed (the check character is right) but in no campaign's list."""
    data = "".join(secrets.choice(CROCKFORD) for _ in range(24))
    value = 0
    for ch in data:
        value = value * 32 + CROCKFORD.index(ch)
    full = data + CROCKFORD[value % 37] if value % 37 < 32 else None
    if full is None:  # check values 32..36 use extra symbols; draw again rather than handle them
        return unknown_credential()
    return "-".join(full[i : i + 5] for i in range(0, 25, 5))


def last_sms_code(server: LiveServer, phone: str) -> str:
    """The newest one-time code the development SMS gateway "sent" to ``phone`` (11 digits)."""
    with sqlite3.connect(server.data_dir / "yide.sqlite") as db:
        row = db.execute(
            "SELECT text FROM sms_outbox WHERE phone LIKE ? ORDER BY id DESC LIMIT 1", (f"%{phone}",)
        ).fetchone()
    assert row is not None, f"no SMS to {phone}"
    return "".join(ch for ch in row[0] if ch.isdigit())[:6]


def random_phone() -> str:
    return "139" + "".join(secrets.choice("0123456789") for _ in range(8))


def tracking_code(text: str) -> str:
    return "".join(text.split())


async def decode_qr(page: Page, selector: str, path: Path) -> list[str]:
    """Decode the QR code drawn in ``selector`` with zbarimg, from a screenshot of the element."""
    await page.locator(selector).screenshot(path=str(path))
    done = await asyncio.to_thread(
        subprocess.run,
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode in {0, 4}, done.stderr
    return [line for line in done.stdout.splitlines() if line]


async def find_ballot(server: LiveServer, campaign_id: int, code: str) -> httpx.Response:
    """What find-my-ballot answers for a tracking code (the server's own word, not the page's)."""
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.get(f"/api/public/campaigns/{campaign_id}/ballots/{code}")
