"""Working-day arithmetic: the official 2024–2026 arrangements, 调休, and the 公示 window convention."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from workflow.errors import InvalidInput
from workflow.workdays import (
    SHANGHAI,
    CalendarNotCovered,
    DayUnit,
    HolidayCalendar,
    Period,
    add_working_days,
    is_working_day,
    national_calendar,
    window,
    working_days_between,
)


def bj(y: int, m: int, d: int, hh: int = 9, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2025, 1, 1), False, "元旦 on a Wednesday, no 调休"),
        (date(2025, 1, 26), True, "Sunday worked before 春节"),
        (date(2025, 1, 28), False, "除夕 is a holiday from 2025"),
        (date(2025, 2, 4), False, "last day of 春节"),
        (date(2025, 2, 5), True, "first Wednesday after 春节"),
        (date(2025, 2, 8), True, "Saturday worked after 春节"),
        (date(2025, 4, 27), True, "Sunday worked before 劳动节"),
        (date(2025, 5, 5), False, "劳动节 Monday"),
        (date(2025, 6, 2), False, "端午 Monday"),
        (date(2025, 9, 28), True, "Sunday worked before 国庆"),
        (date(2025, 10, 8), False, "国庆+中秋 8th day"),
        (date(2025, 10, 11), True, "Saturday worked after 国庆"),
        (date(2025, 10, 12), False, "ordinary Sunday"),
        (date(2025, 3, 1), False, "ordinary Saturday"),
        (date(2025, 3, 3), True, "ordinary Monday"),
        (date(2026, 1, 2), False, "元旦 2026 Friday"),
        (date(2026, 1, 4), True, "Sunday worked after 元旦 2026"),
        (date(2026, 2, 14), True, "Saturday worked before 春节 2026"),
        (date(2026, 2, 23), False, "春节 2026 Monday, 9-day holiday"),
        (date(2026, 2, 28), True, "Saturday worked after 春节 2026"),
        (date(2026, 5, 9), True, "Saturday worked after 劳动节 2026"),
        (date(2026, 9, 25), False, "中秋 2026 Friday"),
        (date(2026, 9, 20), True, "Sunday worked before 国庆 2026"),
        (date(2026, 10, 10), True, "Saturday worked after 国庆 2026"),
        (date(2024, 2, 18), True, "Sunday worked after 春节 2024"),
        (date(2024, 5, 11), True, "Saturday worked after 劳动节 2024"),
        (date(2024, 9, 16), False, "中秋 2024 Monday"),
    ],
)
def test_is_working_day(day: date, working: bool, why: str) -> None:
    assert is_working_day(day) is working, why


@pytest.mark.parametrize(
    ("year", "days_off"),
    # 共N天 of each notice added up (weekends inside a span counted once, as the notices do).
    [(2025, 1 + 8 + 3 + 5 + 3 + 8), (2026, 3 + 9 + 3 + 5 + 3 + 3 + 7), (2024, 1 + 8 + 3 + 5 + 3 + 3 + 7)],
)
def test_shipped_arrangements_have_the_notice_lengths(year: int, days_off: int) -> None:
    cal = national_calendar()
    assert len([d for d in cal.holidays if d.year == year]) == days_off


def test_shipped_adjusted_working_days_are_weekends() -> None:
    cal = national_calendar()
    assert cal.workdays
    assert all(d.weekday() >= 5 for d in cal.workdays)
    assert cal.years == frozenset({2024, 2025, 2026})


@pytest.mark.parametrize(
    ("posted", "n", "first", "last"),
    [
        # 公示 spanning 国庆+中秋 2025: Fri morning counts; Sun 9-28 is a 调休 working day.
        (bj(2025, 9, 26, 9), 5, date(2025, 9, 26), date(2025, 10, 9)),
        # Same notice posted in the afternoon starts on the 调休 Sunday and ends a day later.
        (bj(2025, 9, 26, 15), 5, date(2025, 9, 28), date(2025, 10, 10)),
        # Posted during the holiday: counting starts on the first working day after it.
        (bj(2025, 10, 3, 10), 5, date(2025, 10, 9), date(2025, 10, 14)),
        # 调休 Saturday 10-11 is a working day inside the window.
        (bj(2025, 10, 9, 10), 3, date(2025, 10, 9), date(2025, 10, 11)),
        # 春节 2026: Saturday 2-14 worked, then nine days off.
        (bj(2026, 2, 12, 10), 5, date(2026, 2, 12), date(2026, 2, 25)),
        (bj(2026, 2, 12, 14), 5, date(2026, 2, 13), date(2026, 2, 26)),
        # Year-end 公示 of the ethics cycle crossing 元旦 2026 and its 调休 Sunday.
        (bj(2025, 12, 30, 9), 5, date(2025, 12, 30), date(2026, 1, 6)),
        # Posted on a Saturday that is an ordinary rest day.
        (bj(2025, 3, 1, 9), 1, date(2025, 3, 3), date(2025, 3, 3)),
        # Appeal review of 10 working days across 劳动节 2026 (5-9 Saturday worked).
        (bj(2026, 4, 28, 9), 10, date(2026, 4, 28), date(2026, 5, 13)),
    ],
)
def test_working_day_windows(posted: datetime, n: int, first: date, last: date) -> None:
    w = window(posted, Period(length=n))
    assert (w.first_day, w.last_day) == (first, last)
    assert w.closes_at == datetime.combine(last + timedelta(days=1), time(0), tzinfo=SHANGHAI)
    assert add_working_days(posted, n) == w.closes_at
    assert working_days_between(first, last + timedelta(days=1)) == n


@pytest.mark.parametrize(
    ("posted", "counts_posting_day"),
    [
        (bj(2025, 3, 3, 0, 0, 0), True),
        (bj(2025, 3, 3, 11, 59, 59), True),
        (bj(2025, 3, 3, 12, 0, 0), False),
        (bj(2025, 3, 3, 23, 59, 59), False),
        (datetime(2025, 3, 3, 3, 59, 59, tzinfo=UTC), True),  # 11:59:59 in Beijing
        (datetime(2025, 3, 3, 4, 0, 0, tzinfo=UTC), False),  # 12:00:00 in Beijing
        (datetime(2025, 3, 2, 16, 30, tzinfo=UTC), True),  # already Monday 00:30 in Beijing
    ],
)
def test_noon_cutoff(posted: datetime, counts_posting_day: bool) -> None:
    w = window(posted, Period(length=1))
    assert (w.first_day == date(2025, 3, 3)) is counts_posting_day


def test_a_bare_date_counts_when_it_is_a_working_day() -> None:
    assert window(date(2025, 3, 3), Period(length=5)).last_day == date(2025, 3, 7)
    assert window(date(2025, 10, 1), Period(length=1)).first_day == date(2025, 10, 9)


def test_window_close_is_exclusive_at_midnight_after_the_last_day() -> None:
    w = window(bj(2025, 3, 3, 9), Period(length=5))
    assert w.contains(bj(2025, 3, 3, 9))
    assert not w.contains(bj(2025, 3, 3, 8, 59, 59))
    assert w.contains(bj(2025, 3, 7, 23, 59, 59))
    assert not w.contains(bj(2025, 3, 8, 0, 0, 0))
    assert w.label == "2025年3月3日至2025年3月7日"


def test_calendar_day_period_ignores_holidays() -> None:
    # 信阳 2023: 08-14 → 08-20, 7 calendar days.
    w = window(bj(2023, 8, 14, 9), Period(length=7, unit=DayUnit.CALENDAR))
    assert (w.first_day, w.last_day) == (date(2023, 8, 14), date(2023, 8, 20))
    late = window(bj(2025, 10, 1, 13), Period(length=7, unit=DayUnit.CALENDAR))
    assert (late.first_day, late.last_day) == (date(2025, 10, 2), date(2025, 10, 8))


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        add_working_days(datetime(2025, 3, 3, 9), 5)
    with pytest.raises(InvalidInput):
        window(bj(2025, 3, 3), Period(length=1)).contains(datetime(2025, 3, 3, 9))


@pytest.mark.parametrize("n", [0, -1, 367])
def test_period_length_is_bounded(n: int) -> None:
    with pytest.raises(InvalidInput):
        Period(length=n)


def test_uncovered_years_refuse_to_guess() -> None:
    with pytest.raises(CalendarNotCovered) as caught:
        is_working_day(date(2027, 1, 4))
    assert caught.value.code == "calendar-not-covered"
    with pytest.raises(CalendarNotCovered):
        add_working_days(bj(2026, 12, 28), 5)  # 2027 is not published yet


def test_weekends_fallback_is_opt_in() -> None:
    cal = HolidayCalendar.from_dates(years=[2030])
    preview = HolidayCalendar(
        holidays=cal.holidays, workdays=cal.workdays, years=cal.years, weekends_outside_coverage=True
    )
    assert preview.is_working_day(date(2031, 1, 1))  # no data, weekday
    assert not preview.is_working_day(date(2031, 1, 4))  # Saturday


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2025, 9, 29), date(2025, 10, 13), 5),  # 9-29, 9-30, 10-9, 10-10, 10-11
        (date(2025, 3, 3), date(2025, 3, 3), 0),
        (date(2025, 3, 3), date(2025, 3, 10), 5),
        (date(2025, 3, 10), date(2025, 3, 3), -5),
        (date(2026, 2, 13), date(2026, 3, 2), 7),  # 2-13, 2-14, 2-24..2-27, 2-28
    ],
)
def test_working_days_between(start: date, end: date, count: int) -> None:
    assert working_days_between(start, end) == count


def test_bureau_days_overlay_the_national_calendar() -> None:
    national = national_calendar()
    local = HolidayCalendar.from_dates(
        holidays={date(2025, 3, 31): "壮族三月三"},  # e.g. 广西
        workdays={date(2025, 10, 12): "本局调休上班"},
    )
    cal = national.with_local_days(local)
    assert not cal.is_working_day(date(2025, 3, 31))
    assert cal.is_working_day(date(2025, 10, 12))
    assert cal.holiday_name(date(2025, 3, 31)) == "壮族三月三"
    assert cal.years == national.years
    assert national.is_working_day(date(2025, 3, 31))  # the national calendar is unchanged


def test_a_local_holiday_can_cancel_a_national_adjusted_working_day() -> None:
    local = HolidayCalendar.from_dates(holidays=[date(2025, 9, 28)])
    assert not national_calendar().with_local_days(local).is_working_day(date(2025, 9, 28))


def test_next_years_arrangement_can_be_added_before_a_release() -> None:
    text = """{"format": "yide-holidays/1", "years": [{"year": 2027,
      "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"}],
      "workdays": []}]}"""
    cal = national_calendar().with_years(HolidayCalendar.from_json(text))
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 1, 4))
    with pytest.raises(InvalidInput):
        cal.with_years(HolidayCalendar.from_json(text))


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"format": "other/1", "years": []}',
        '{"format": "yide-holidays/1", "years": [{"year": 2025, "holidays": '
        '[{"name": "x", "start": "2025-03-01", "end": "2025-02-01"}]}]}',
        '{"format": "yide-holidays/1", "years": [{"year": 2025, "holidays": '
        '[{"name": "x", "start": "2025-01-01", "end": "2025-03-01"}]}]}',
        '{"format": "yide-holidays/1", "years": [{"year": 2025, "workdays": '
        '[{"name": "x", "date": "2025-03-03"}]}]}',
        '{"format": "yide-holidays/1", "years": [{"year": 2025, '
        '"holidays": [{"name": "x", "start": "2025-03-01", "end": "2025-03-01"}], '
        '"workdays": [{"name": "y", "date": "2025-03-01"}]}]}',
    ],
)
def test_broken_calendar_files_are_rejected(text: str) -> None:
    with pytest.raises(InvalidInput):
        HolidayCalendar.from_json(text)
