"""The working-day calendar and the working-hours clock that every module shares.

Working days: the national holidays and make-up working days (调休) published each year by
the State Council, as packaged by `chinesecalendar`, overridden by the association's own
holiday table (`HolidayOverride`, edited on /core/holidays/). `chinesecalendar` knows only
the years it was released for and raises for the others; for such a year kexie falls back
to "Monday to Friday" plus the table, logs a warning once, and the holiday page says so
(`fallback_years`), so staff can enter that year's holidays until the package is updated.

- `is_working_day(day)`, `add_working_days(start, n)` (the n-th working day after start),
  `working_days_between(start, end)` (working days after start up to and including end),
  read the table on each call; loops over many dates should take one `WorkingCalendar`
  (`current_calendar()`) and call its methods.
- The clock for service levels: `WorkingHours` (office hours on working days, or
  `ROUND_THE_CLOCK` for a 24-hour line), `business_time(start, end, hours=…, pauses=…)`
  and `deadline(start, target, hours=…, pauses=…)`; pauses (waiting for the caller) are
  excluded from the elapsed time.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import chinese_calendar

logger = logging.getLogger(__name__)

WEEKEND = (5, 6)  # Saturday, Sunday
MAX_DAYS = 3660  # a clock or a count never walks more than ten years


class UnknownYear(LookupError):
    """chinesecalendar has no data for the year (it raises NotImplementedError)."""


@functools.lru_cache(maxsize=4096)
def national_working_day(day: dt.date) -> bool:
    """The State Council's calendar (holidays and 调休) via chinesecalendar; UnknownYear when the
    package has no data for the year."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise UnknownYear(day.year) from exc


def holiday_name(day: dt.date) -> str:
    """The national holiday's name in Chinese ("" for none or an unknown year)."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    if name is None:
        return ""
    return HOLIDAY_NAMES.get(name, name) if on_holiday else f"{HOLIDAY_NAMES.get(name, name)}调休"


HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@functools.lru_cache(maxsize=64)
def is_known_year(year: int) -> bool:
    try:
        national_working_day(dt.date(year, 1, 1))
    except UnknownYear:
        return False
    return True


_warned_years: set[int] = set()


def _warn_fallback(year: int) -> None:
    if year not in _warned_years:
        _warned_years.add(year)
        logger.warning(
            "chinesecalendar has no holidays for %s: working days are Monday to Friday plus the "
            "holiday table (enter that year's holidays and 调休 on /core/holidays/)",
            year,
        )


class WorkingCalendar:
    """Working days from chinesecalendar, weekends where it has no data, and overrides
    (date -> is working day) that win over both."""

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None):
        self.overrides = dict(overrides or {})

    def is_working_day(self, day: dt.date) -> bool:
        day = _as_date(day)
        if day in self.overrides:
            return self.overrides[day]
        try:
            return national_working_day(day)
        except UnknownYear:
            _warn_fallback(day.year)
            return day.weekday() not in WEEKEND

    def source(self, year: int) -> str:
        """ "chinesecalendar" or "fallback" (weekends and the table only)."""
        return "chinesecalendar" if is_known_year(year) else "fallback"

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (before it when n < 0; `start` itself when n == 0)."""
        day, step, left = _as_date(start), (1 if n >= 0 else -1), abs(n)
        for _ in range(MAX_DAYS + left * 7):
            if left == 0:
                return day
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                left -= 1
        raise ValueError(f"no {n}th working day within {MAX_DAYS} days of {start}")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end (negative when end is before start), so that
        working_days_between(s, add_working_days(s, n)) == n."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for day in _days(start + dt.timedelta(days=1), end) if self.is_working_day(day))


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def current_calendar() -> WorkingCalendar:
    """The calendar as the holiday table stands now (one small query)."""
    from kexie.core.models import HolidayOverride

    rows = HolidayOverride.objects.values_list("date", "is_working_day")
    return WorkingCalendar(dict(rows))


def is_working_day(day: dt.date) -> bool:
    return current_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return current_calendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return current_calendar().working_days_between(start, end)


def fallback_years(years: Iterable[int]) -> list[int]:
    """The years among `years` for which chinesecalendar has no data."""
    return [y for y in years if not is_known_year(y)]


# ---------------------------------------------------------------------- the working-hours clock

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class WorkingHours:
    """When the clock runs: `periods` of each working day in local time (an end of
    dt.time.max means midnight), or every day when `every_day` (a 24-hour line)."""

    periods: tuple[tuple[dt.time, dt.time], ...]
    every_day: bool = False
    zone: str = "Asia/Shanghai"

    def intervals_on(self, day: dt.date, cal: WorkingCalendar) -> list[Interval]:
        if not self.every_day and not cal.is_working_day(day):
            return []
        tz = ZoneInfo(self.zone)
        spans = []
        for begin, end in self.periods:
            start = dt.datetime.combine(day, begin, tz)
            stop = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
            if end != dt.time.max:
                stop = dt.datetime.combine(day, end, tz)
            spans.append((start, stop))
        return spans

    def local_day(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(ZoneInfo(self.zone)).date()


OFFICE_HOURS = WorkingHours(((dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30))))
ROUND_THE_CLOCK = WorkingHours(((dt.time(0), dt.time.max),), every_day=True)


def _subtract(spans: list[Interval], pauses: list[Interval]) -> list[Interval]:
    """The parts of `spans` outside every pause."""
    for p_start, p_end in pauses:
        kept = []
        for start, end in spans:
            if p_end <= start or p_start >= end:
                kept.append((start, end))
                continue
            if start < p_start:
                kept.append((start, p_start))
            if p_end < end:
                kept.append((p_end, end))
        spans = kept
    return spans


def _running(
    start: dt.datetime, hours: WorkingHours, pauses: Iterable[Interval], cal: WorkingCalendar
) -> Iterator[Interval]:
    """The intervals after `start` in which the clock runs, in order, for at most MAX_DAYS."""
    pauses = sorted((a, b) for a, b in pauses if b > a)
    day = hours.local_day(start)
    for _ in range(MAX_DAYS):
        spans = [(max(a, start), b) for a, b in hours.intervals_on(day, cal) if b > start]
        yield from _subtract(spans, pauses)
        day += dt.timedelta(days=1)


def business_time(
    start: dt.datetime,
    end: dt.datetime,
    *,
    hours: WorkingHours = OFFICE_HOURS,
    pauses: Iterable[Interval] = (),
    calendar: WorkingCalendar | None = None,
) -> dt.timedelta:
    """The time the clock ran between two instants: working hours of working days, less the
    pauses (an open pause is passed with its end = `end`)."""
    if end <= start:
        return dt.timedelta(0)
    cal = calendar if calendar is not None else current_calendar()
    total = dt.timedelta(0)
    for a, b in _running(start, hours, pauses, cal):
        if a >= end:
            break
        total += min(b, end) - a
    return total


def deadline(
    start: dt.datetime,
    target: dt.timedelta,
    *,
    hours: WorkingHours = OFFICE_HOURS,
    pauses: Iterable[Interval] = (),
    calendar: WorkingCalendar | None = None,
) -> dt.datetime:
    """The instant at which the clock, started at `start`, has run for `target`."""
    cal = calendar if calendar is not None else current_calendar()
    left = target
    for a, b in _running(start, hours, pauses, cal):
        if b - a >= left:
            return a + left
        left -= b - a
    raise ValueError(f"the clock does not reach {target} within {MAX_DAYS} days")
