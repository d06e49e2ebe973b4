"""The public logs as the /logs pages show them to an anonymous visitor, in Chinese.

The pages render what the server claims (which logs exist, their sizes, recent entries, the keys);
their scripts then verify the checkpoint in the browser. Reads go through :mod:`reads` as an
anonymous viewer, so an internal (auditor-only) scope is not listed and reads as unknown.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from typing import Any

from workflow.ledger import reads
from workflow.ledger.events import title_of
from workflow.ledger.scopes import scope_kind
from workflow.ledger.store import StoredEntry
from workflow.runtime import Runtime
from workflow.selection.common import CHINA_TZ, HEX_SHA256_PATTERN
from workflow.selection.credentials import fingerprint

ENTRIES_PER_PAGE = 20
KIND_ZH = {"campaign": "评选日志", "ethics": "医德考评日志", "org": "机构日志"}
_TRACKING = re.compile(HEX_SHA256_PATTERN)


def entry_time(iso: str | None) -> str:
    """An entry's ISO time as Beijing wall-clock time to the second (log entries are that close)."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")


def typed_number(text: str | None) -> int | None:
    """A number typed or pasted into a URL by a person: junk is ignored, never an error page."""
    return int(text) if text and text.isdigit() and len(text) < 19 else None


def typed_tracking_code(text: str | None) -> str:
    """A tracking code as people paste it (spaces, dashes, capitals) made canonical when it can be;
    otherwise what they typed, cut short, so the form shows it back with its field message."""
    compact = "".join(c for c in (text or "").lower() if c not in " -\t")
    return compact if _TRACKING.fullmatch(compact) else (text or "")[:100]


def _entry_row(stored: StoredEntry) -> dict[str, Any]:
    body = json.loads(stored.body)
    return {
        "index": stored.index,
        "type": stored.event_type,
        "title": title_of(stored.event_type),
        "time": entry_time(body.get("time")),
        "leaf_hash": stored.leaf_hash.hex(),
    }


async def _last_entry_time(name: str, size: int) -> str:
    if size == 0:
        return ""
    found, _ = await reads.entry_page(name, None, start=size - 1, limit=1)
    return _entry_row(found[0])["time"] if found else ""


async def logs_overview(rt: Runtime) -> list[dict[str, Any]]:
    """Every public log with its size and the time of its newest record."""
    rows = []
    for view in await reads.scopes(rt, None):
        head = view.head
        rows.append(
            {
                "name": head.name,
                "kind": KIND_ZH.get(scope_kind(head.name), "日志"),
                "size": head.size,
                "time": await _last_entry_time(head.name, head.size),
            }
        )
    return rows


async def log_page(rt: Runtime, name: str, before: int | None) -> dict[str, Any]:
    """One public log: its keys with fingerprints and a page of entries, newest first, ending
    before index ``before`` (the newest page when ``None``)."""
    view = await reads.scope(rt, name, None)
    size = view.head.size
    end = min(before or size, size)
    start = max(0, end - ENTRIES_PER_PAGE)
    found, _ = await reads.entry_page(name, None, start=start, limit=end - start) if end else ([], None)
    keys = [
        {
            "label": k.label,
            "active": k.active,
            "public_key": base64.b64encode(k.public_key).decode(),
            "fingerprint": fingerprint(k.public_key),
        }
        for k in rt.keys.log_keys()
    ]
    return {
        "scope": name,
        "kind": KIND_ZH.get(scope_kind(name), "日志"),
        "origin": view.origin,
        "size": size,
        "verifier_keys": list(view.verifier_keys),
        "keys": keys,
        "entries": [_entry_row(e) for e in reversed(found)],
        "older": start if start > 0 else None,
        "newest": end == size,
        "page_data": {"scope": name, "origin": view.origin},
    }
