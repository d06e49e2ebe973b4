"""Find-my-ballot and the public logs: pages a distrustful voter or observer can check for themselves.

The server renders what it claims (the campaigns, the log's size, its recent entries, its keys); the
page scripts then verify in the browser, with the log's public key, everything that matters —
inclusion proofs against signed checkpoints — so the verdict never rests on the server's word.
Pages read as an anonymous visitor: internal (auditor-only) logs are never listed and answer 404.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from litestar import MediaType, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from api.access import PUBLIC
from api.controllers.pages import PageController
from workflow.ledger import reads
from workflow.ledger.events import title_of
from workflow.ledger.scopes import scope_kind
from workflow.ledger.store import StoredEntry
from workflow.runtime import Runtime
from workflow.selection import service_campaigns as campaigns
from workflow.selection.credentials import fingerprint
from workflow.workdays import SHANGHAI

ENTRIES_PER_PAGE = 20
KIND_ZH = {"campaign": "评选日志", "ethics": "医德考评日志", "org": "机构日志"}
TRACKING_CHARS = set("0123456789abcdef")


def china_time(iso: str | None) -> str:
    """An ISO timestamp as Beijing wall-clock time, the way a Chinese reader expects it."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def _entry_row(stored: StoredEntry) -> dict[str, Any]:
    body = json.loads(stored.body)
    return {
        "index": stored.index,
        "type": stored.event_type,
        "title": title_of(stored.event_type),
        "time": china_time(body.get("time")),
        "leaf_hash": stored.leaf_hash.hex(),
    }


def _int_or_none(text: str | None) -> int | None:
    """Query values typed or pasted by people: junk is ignored rather than turned into an error page."""
    return int(text) if text and text.isdigit() and len(text) < 19 else None


def _tracking_code(text: str | None) -> str:
    compact = "".join(c for c in (text or "").lower() if c not in " -\t")
    return compact if len(compact) == 64 and set(compact) <= TRACKING_CHARS else (text or "")[:100]


async def _last_entry_time(name: str, size: int) -> str:
    if size == 0:
        return ""
    found, _ = await reads.entry_page(name, None, start=size - 1, limit=1)
    return _entry_row(found[0])["time"] if found else ""


class VerifyPages(PageController):
    @get("/verify", guards=[PUBLIC], name="verify", media_type=MediaType.HTML)
    async def verify(
        self, campaign: FromQuery[str | None] = None, code: FromQuery[str | None] = None
    ) -> Template:
        """The form is server-rendered (a receipt QR opens it prefilled); the script verifies."""
        listed = await campaigns.list_campaigns(include_drafts=False)
        chosen = _int_or_none(campaign)
        prefill = {"campaign": chosen, "code": _tracking_code(code)}
        return Template(
            template_name="verify.html",
            context={
                "campaigns": [{"id": c["id"], "title": c["title"]} for c in listed],
                "prefill": prefill,
                "page_data": {"autostart": chosen is not None and bool(code)},
            },
        )


class LogPages(PageController):
    @get("/logs", guards=[PUBLIC], name="logs", media_type=MediaType.HTML)
    async def logs(self, rt: NamedDependency[Runtime]) -> Template:
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
        return Template(template_name="logs.html", context={"scopes": rows})

    @get("/logs/{name:str}", guards=[PUBLIC], name="log", media_type=MediaType.HTML)
    async def log(
        self, name: FromPath[str], rt: NamedDependency[Runtime], before: FromQuery[str | None] = None
    ) -> Template:
        """One public log: keys and recent entries rendered here, the checkpoint verified by the page."""
        view = await reads.scope(rt, name, None)
        size = view.head.size
        end = min(_int_or_none(before) or size, size)
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
        return Template(
            template_name="log.html",
            context={
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
            },
        )
