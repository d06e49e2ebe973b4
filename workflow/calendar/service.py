"""The holiday calendar in force: the years shipped with yide plus the years operators loaded.

The State Council publishes next year's arrangement around November; until it is loaded, any deadline
that reaches into that year fails with ``CalendarNotCovered`` instead of guessing (workdays.py). A
January 公示 of the previous year's results is the usual case. ``yide calendar load FILE`` stores each
year of a ``yide-holidays/1`` file in the database, where every worker reads it; a loaded year
replaces a shipped one (a correction).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from importlib import resources
from typing import Any

from workflow.calendar.tables import HolidayYear
from workflow.db import write_transaction
from workflow.errors import InvalidInput
from workflow.ledger.events import EventType
from workflow.ledger.scopes import ORG
from workflow.ledger.service import Record, append
from workflow.workdays import FORMAT, CalendarNotCovered, HolidayCalendar

__all__ = ["CalendarNotCovered", "calendar_in_force", "load", "loaded_years", "shipped_years"]

LOAD_HINT = "load that year's State Council arrangement with `yide calendar load FILE`"


def _shipped() -> dict[int, dict[str, Any]]:
    data = resources.files("workflow.data").joinpath("holidays-cn.json").read_bytes()
    return {int(y["year"]): y for y in json.loads(data)["years"]}


def shipped_years() -> list[int]:
    return sorted(_shipped())


async def loaded_years() -> list[dict[str, Any]]:
    rows = await HolidayYear.select(
        HolidayYear.year, HolidayYear.source, HolidayYear.sha256, HolidayYear.loaded_at
    ).order_by(HolidayYear.year)
    return list(rows)


async def calendar_in_force() -> HolidayCalendar:
    """Shipped years overlaid with the loaded ones (a loaded year wins)."""
    years = _shipped()
    for row in await HolidayYear.select(HolidayYear.year, HolidayYear.data):
        years[int(row["year"])] = json.loads(row["data"])
    document = {"format": FORMAT, "years": [years[y] for y in sorted(years)]}
    return HolidayCalendar.from_json(json.dumps(document, ensure_ascii=False))


def _years_of(data: bytes) -> list[dict[str, Any]]:
    HolidayCalendar.from_json(data)  # validates the whole file: format, spans, 调休 days
    try:
        document = json.loads(data)
        years = document["years"]
    except (ValueError, KeyError, TypeError):  # pragma: no cover - from_json refused these already
        raise InvalidInput("holiday calendar is not valid", field="calendar") from None
    if not isinstance(years, list) or not years:
        raise InvalidInput("the file holds no year", field="years")
    seen: set[int] = set()
    for year in years:
        if year["year"] in seen:
            raise InvalidInput(f"year {year['year']} appears twice", field="years")
        if not 2000 <= year["year"] <= 2100:
            raise InvalidInput(f"year {year['year']} is out of range", field="years")
        seen.add(year["year"])
        for span in year.get("holidays", ()):
            if not (span["start"].startswith(str(year["year"])) or span["end"].startswith(str(year["year"]))):
                raise InvalidInput(f"holiday {span['name']!r} is not in {year['year']}", field="holidays")
    return years


async def load(data: bytes, *, actor: str, at: datetime) -> list[int]:
    """Store each year of a ``yide-holidays/1`` file; return the years that changed."""
    years = _years_of(data)
    changed: list[int] = []
    async with write_transaction():
        for year in years:
            text = json.dumps(year, ensure_ascii=False, sort_keys=True)
            digest = hashlib.sha256(text.encode()).hexdigest()
            existing = (
                await HolidayYear.select(HolidayYear.sha256).where(HolidayYear.year == year["year"]).first()
            )
            if existing is not None and existing["sha256"] == digest:
                continue
            source = str(year.get("source", ""))[:200]
            if existing is None:
                row = HolidayYear(
                    year=year["year"], data=text, source=source, sha256=digest, loaded_by=actor, loaded_at=at
                )
                await HolidayYear.insert(row)
            else:
                await HolidayYear.update(
                    {
                        HolidayYear.data: text,
                        HolidayYear.source: source,
                        HolidayYear.sha256: digest,
                        HolidayYear.loaded_by: actor,
                        HolidayYear.loaded_at: at,
                    }
                ).where(HolidayYear.year == year["year"])
            await append(
                ORG,
                Record(EventType.CALENDAR_YEAR_LOADED, actor, {"year": year["year"], "sha256": digest}),
                at=at,
            )
            changed.append(int(year["year"]))
    return changed
