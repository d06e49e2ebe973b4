"""Working days in China: weekends, statutory holidays and 调休 (Saturdays or Sundays that are worked).

Why this exists: every deadline a person can miss in yide (公示 windows, appeal windows, review
deadlines) is stated in working days, and a window that straddles 国庆 or 春节 is several calendar
weeks long. Getting that wrong either cuts someone's right to object short or keeps a result open
for nothing, so the calendar is explicit data and the counting convention is written down here once.

Counting convention (used by every window in both workflows; see docs/ethics-rules.md):

* A window of *n* working days that opens at instant *t* counts the opening day as day 1 when that
  day is a working day **and** *t* is before 12:00 Beijing time. Otherwise day 1 is the next working
  day. A window given a bare ``date`` opens at 00:00 of that date, so the date counts if it is a
  working day.
* The window closes at the **end** of day *n*: ``closes_at`` is 00:00 of the following calendar day
  and is exclusive, so an objection at 23:59:59 on day *n* is in time and one at 00:00 is late.
* Calendar-day windows use the same rule with every day counting.

Evidence for counting the posting day: 湖南 2020 公示 08-10 (Mon) → 08-14 (Fri) and 湖南 2012
11-09 (Fri) → 11-15 (Thu) are both "5 working days" counting the first day (domain-rules §4). The
noon cut-off is our decision: a notice posted late in the afternoon must not use up a whole day of
the public's time to object.

The calendar refuses to answer for a year it has no data for (``CalendarNotCovered``) instead of
silently treating 元旦 or 春节 as working days; the State Council publishes next year's arrangement
around November, and operations load it then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

import msgspec

from workflow.errors import InvalidInput

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
"""Every deadline in yide is Beijing time, whatever the server's zone."""

NOON: Final = time(12, 0)
"""Notices posted at or after this local time start counting on the next working day."""

FORMAT: Final = "yide-holidays/1"
_MAX_SCAN_DAYS: Final = 3660
_ONE_DAY: Final = timedelta(days=1)
_SATURDAY: Final = 5


class CalendarNotCovered(InvalidInput):
    """A date falls in a year the calendar has no holiday data for."""

    code = "calendar-not-covered"
    title = "The holiday calendar does not cover this date"


class DayUnit(StrEnum):
    """How the length of a period is counted."""

    WORKING = "working_days"
    CALENDAR = "calendar_days"

    @property
    def label(self) -> str:
        return "个工作日" if self is DayUnit.WORKING else "天"


class Period(msgspec.Struct, frozen=True, kw_only=True):
    """A length of time as rules state it: "5 个工作日", "30 天"."""

    length: int
    unit: DayUnit = DayUnit.WORKING

    def __post_init__(self) -> None:
        if not 1 <= self.length <= 366:
            raise InvalidInput(f"a period must be 1..366 days long, got {self.length}", field="length")

    @property
    def label(self) -> str:
        return f"{self.length}{self.unit.label}"


@dataclass(frozen=True)
class Window:
    """A notice or appeal window: when it opened, which days count, and the exclusive closing instant."""

    opens_at: datetime
    first_day: date
    last_day: date
    closes_at: datetime

    def contains(self, instant: datetime) -> bool:
        """Whether an objection or appeal lodged at ``instant`` is in time."""
        _require_aware(instant, "instant")
        return self.opens_at <= instant < self.closes_at

    @property
    def label(self) -> str:
        """The wording printed on a 公示 notice: ``2025年9月26日至2025年10月13日``."""
        return f"{_zh_date(self.first_day)}至{_zh_date(self.last_day)}"


@dataclass(frozen=True)
class HolidayCalendar:
    """Which days are worked, from explicit data only.

    A date is a working day when it is an adjusted working day (调休上班), or when it is Monday to
    Friday and not a holiday. ``years`` says which years the data is complete for; asking about any
    other year raises :class:`CalendarNotCovered` unless ``weekends_outside_coverage`` is set.
    """

    holidays: frozenset[date]
    workdays: frozenset[date]
    years: frozenset[int]
    names: Mapping[date, str] = field(default_factory=lambda: MappingProxyType({}), compare=False)
    weekends_outside_coverage: bool = False
    """Fall back to "Monday–Friday are working days" outside ``years``; for previews only."""

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            raise InvalidInput(
                f"dates are both holidays and adjusted working days: {_dates(both)}", field="workdays"
            )
        weekdays = [d for d in self.workdays if d.weekday() < _SATURDAY]
        if weekdays:
            raise InvalidInput(
                f"adjusted working days must be Saturdays or Sundays: {_dates(weekdays)}", field="workdays"
            )

    # --- construction -------------------------------------------------------------------------

    @classmethod
    def from_dates(
        cls,
        *,
        holidays: Mapping[date, str] | Iterable[date] = (),
        workdays: Mapping[date, str] | Iterable[date] = (),
        years: Iterable[int] = (),
    ) -> HolidayCalendar:
        """Build a calendar in code, e.g. for a bureau's own 民族节日 or in tests."""
        names = {**_named(holidays, "假日"), **_named(workdays, "调休上班")}
        return cls(
            holidays=frozenset(_named(holidays, "")),
            workdays=frozenset(_named(workdays, "")),
            years=frozenset(years),
            names=MappingProxyType(names),
        )

    @classmethod
    def from_json(cls, data: bytes | str) -> HolidayCalendar:
        """Parse the ``yide-holidays/1`` format documented in docs/ethics-rules.md."""
        try:
            parsed = msgspec.json.decode(data, type=_CalendarFile)
        except msgspec.DecodeError as exc:
            raise InvalidInput(f"holiday calendar is not valid: {exc}", field="calendar") from None
        if parsed.format != FORMAT:
            raise InvalidInput(f"holiday calendar format must be {FORMAT!r}", field="format")
        holidays: dict[date, str] = {}
        workdays: dict[date, str] = {}
        for year in parsed.years:
            for span in year.holidays:
                holidays.update(dict.fromkeys(_span_days(span), span.name))
            workdays.update({w.on: w.name for w in year.workdays})
        return cls.from_dates(holidays=holidays, workdays=workdays, years=[y.year for y in parsed.years])

    def with_local_days(self, local: HolidayCalendar) -> HolidayCalendar:
        """Overlay a bureau's own days; they win over the national data, coverage is unchanged.

        A date the bureau declares a holiday stops being an adjusted working day and vice versa, so a
        local arrangement can move a day without editing the national file.
        """
        holidays = (self.holidays - local.workdays) | local.holidays
        workdays = (self.workdays - local.holidays) | local.workdays
        return HolidayCalendar(
            holidays=holidays,
            workdays=workdays,
            years=self.years,
            names=MappingProxyType({**self.names, **local.names}),
            weekends_outside_coverage=self.weekends_outside_coverage,
        )

    def with_years(self, other: HolidayCalendar) -> HolidayCalendar:
        """Add complete years (e.g. next year's arrangement before yide ships it)."""
        overlap = self.years & other.years
        if overlap:
            raise InvalidInput(f"years already covered: {sorted(overlap)}", field="years")
        return HolidayCalendar(
            holidays=self.holidays | other.holidays,
            workdays=self.workdays | other.workdays,
            years=self.years | other.years,
            names=MappingProxyType({**self.names, **other.names}),
            weekends_outside_coverage=self.weekends_outside_coverage,
        )

    # --- questions ------------------------------------------------------------------------------

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        if not self.covers(day) and not self.weekends_outside_coverage:
            raise CalendarNotCovered(
                f"no holiday arrangement loaded for {day.year}; load the State Council notice for that year",
                day=day.isoformat(),
            )
        if day in self.workdays:
            return True
        return day.weekday() < _SATURDAY and day not in self.holidays

    def holiday_name(self, day: date) -> str | None:
        """The holiday or 调休 label for a day, for explaining a deadline to a person."""
        return self.names.get(day)

    def next_working_day(self, day: date, *, include: bool = False) -> date:
        """The first working day after ``day`` (or ``day`` itself when ``include`` and it is one)."""
        current = day if include else day + _ONE_DAY
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(current):
                return current
            current += _ONE_DAY
        raise InvalidInput(f"no working day within ten years after {day}", day=day.isoformat())

    def window(
        self, start: datetime | date, period: Period, *, tz: ZoneInfo = SHANGHAI, cutoff: time = NOON
    ) -> Window:
        """The window of ``period`` opening at ``start``, by the convention in the module docstring."""
        opens_at = _opening_instant(start, tz)
        posted_day = opens_at.date()
        counts_today = opens_at.timetz().replace(tzinfo=None) < cutoff
        if period.unit is DayUnit.CALENDAR:
            first = posted_day if counts_today else posted_day + _ONE_DAY
            last = first + timedelta(days=period.length - 1)
        else:
            first = self.next_working_day(posted_day, include=counts_today)
            last = first
            for _ in range(period.length - 1):
                last = self.next_working_day(last)
        closes_at = datetime.combine(last + _ONE_DAY, time(0), tzinfo=tz)
        return Window(opens_at=opens_at, first_day=first, last_day=last, closes_at=closes_at)

    def add_working_days(
        self, start: datetime | date, n: int, *, tz: ZoneInfo = SHANGHAI, cutoff: time = NOON
    ) -> datetime:
        """The exclusive instant at which an ``n``-working-day window opening at ``start`` closes."""
        return self.window(start, Period(length=n), tz=tz, cutoff=cutoff).closes_at

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start <= d < end``; negative when ``end`` is before ``start``.

        Half-open so that spans add up: between(a, b) + between(b, c) == between(a, c).
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            count += self.is_working_day(current)
            current += _ONE_DAY
        return count


# --- module-level conveniences on the national calendar ----------------------------------------


@lru_cache(maxsize=1)
def national_calendar() -> HolidayCalendar:
    """The State Council arrangements shipped in ``workflow/data/holidays-cn.json``."""
    data = resources.files("workflow.data").joinpath("holidays-cn.json").read_bytes()
    return HolidayCalendar.from_json(data)


def is_working_day(day: date, *, calendar: HolidayCalendar | None = None) -> bool:
    return (calendar or national_calendar()).is_working_day(day)


def add_working_days(
    start: datetime | date, n: int, *, tz: ZoneInfo = SHANGHAI, calendar: HolidayCalendar | None = None
) -> datetime:
    """Exclusive closing instant of an ``n``-working-day window; services pass the bureau's calendar."""
    return (calendar or national_calendar()).add_working_days(start, n, tz=tz)


def working_days_between(start: date, end: date, *, calendar: HolidayCalendar | None = None) -> int:
    return (calendar or national_calendar()).working_days_between(start, end)


def window(
    start: datetime | date,
    period: Period,
    *,
    tz: ZoneInfo = SHANGHAI,
    calendar: HolidayCalendar | None = None,
) -> Window:
    return (calendar or national_calendar()).window(start, period, tz=tz)


# --- the data file --------------------------------------------------------------------------------


class _HolidaySpan(msgspec.Struct, frozen=True):
    name: str
    start: date
    end: date


class _AdjustedWorkday(msgspec.Struct, frozen=True):
    name: str
    on: date = msgspec.field(name="date")


class _CalendarYear(msgspec.Struct, frozen=True):
    year: int
    source: str = ""
    holidays: tuple[_HolidaySpan, ...] = ()
    workdays: tuple[_AdjustedWorkday, ...] = ()


class _CalendarFile(msgspec.Struct, frozen=True):
    format: str
    years: tuple[_CalendarYear, ...]
    region: str = ""
    description: str = ""


def _span_days(span: _HolidaySpan) -> list[date]:
    length = (span.end - span.start).days + 1
    if not 1 <= length <= 31:
        raise InvalidInput(
            f"holiday {span.name!r} {span.start}..{span.end} is not 1..31 days long", field="holidays"
        )
    return [span.start + timedelta(days=i) for i in range(length)]


def _named(days: Mapping[date, str] | Iterable[date], default: str) -> dict[date, str]:
    if isinstance(days, Mapping):
        return dict(days)
    return dict.fromkeys(days, default)


def _opening_instant(start: datetime | date, tz: ZoneInfo) -> datetime:
    if isinstance(start, datetime):
        _require_aware(start, "start")
        return start.astimezone(tz)
    return datetime.combine(start, time(0), tzinfo=tz)


def _require_aware(instant: datetime, name: str) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(f"{name} must be a timezone-aware datetime", field=name)


def _dates(days: Iterable[date]) -> str:
    return ", ".join(sorted(d.isoformat() for d in days))


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
