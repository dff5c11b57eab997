"""The shared working-day calendar and the working-hours clock (kexie.core.workdays)."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kexie.core import workdays
from kexie.core.holidays import holiday_override_delete, holiday_override_save
from kexie.core.models import AuditEntry, HolidayOverride
from kexie.core.workdays import OFFICE_HOURS, ROUND_THE_CLOCK, WorkingCalendar, business_time, deadline

D = dt.date
SH = ZoneInfo("Asia/Shanghai")
UNKNOWN_YEAR = 2099  # chinesecalendar releases cover years up to the next one; never 2099


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


# ---- working days ---------------------------------------------------------------------------


def test_national_day_and_mid_autumn_2020():
    cal = WorkingCalendar()
    assert not any(cal.is_working_day(D(2020, 10, d)) for d in range(1, 9))  # 10/1–10/8 off
    assert cal.is_working_day(D(2020, 9, 27)) and cal.is_working_day(
        D(2020, 10, 10)
    )  # 调休 Sundays/Saturdays
    assert D(2020, 9, 27).weekday() == 6 and D(2020, 10, 10).weekday() == 5
    # Friday 9/25 + 1 working day is the working Sunday 9/27; 9/30 + 1 skips the holiday to 10/9
    assert cal.add_working_days(D(2020, 9, 25), 1) == D(2020, 9, 27)
    assert cal.add_working_days(D(2020, 9, 30), 1) == D(2020, 10, 9)
    assert cal.add_working_days(D(2020, 9, 30), 2) == D(2020, 10, 10)
    assert cal.working_days_between(D(2020, 9, 30), D(2020, 10, 10)) == 2
    assert cal.add_working_days(D(2020, 10, 9), -1) == D(2020, 9, 30)


def test_a_weekend_is_not_working():
    cal = WorkingCalendar()
    assert not cal.is_working_day(D(2020, 11, 7)) and not cal.is_working_day(D(2020, 11, 8))
    assert cal.add_working_days(D(2020, 11, 6), 1) == D(2020, 11, 9)
    assert cal.working_days_between(D(2020, 11, 6), D(2020, 11, 9)) == 1
    assert cal.working_days_between(D(2020, 11, 9), D(2020, 11, 6)) == -1
    assert cal.add_working_days(D(2020, 11, 6), 0) == D(2020, 11, 6)


def test_ten_working_days_roundtrip():
    cal = WorkingCalendar()
    start = D(2020, 9, 20)
    for n in range(0, 25):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_an_override_wins(db):
    assert workdays.is_working_day(D(2020, 11, 9))
    HolidayOverride.objects.create(date=D(2020, 11, 9), is_working_day=False, name="本地节日")
    HolidayOverride.objects.create(date=D(2020, 10, 3), is_working_day=True, name="值班")
    assert not workdays.is_working_day(D(2020, 11, 9))
    assert workdays.is_working_day(D(2020, 10, 3))
    assert workdays.add_working_days(D(2020, 11, 6), 1) == D(2020, 11, 10)
    assert workdays.working_days_between(D(2020, 10, 1), D(2020, 10, 9)) == 2


def test_an_unknown_year_falls_back_to_weekends_and_says_so(db, caplog):
    with pytest.raises(workdays.UnknownYear):
        workdays.national_working_day(D(UNKNOWN_YEAR, 1, 1))
    workdays._warned_years.discard(UNKNOWN_YEAR)
    with caplog.at_level(logging.WARNING, logger="kexie.core.workdays"):
        assert workdays.is_working_day(D(UNKNOWN_YEAR, 1, 1))  # a Thursday: no holiday known
    assert "chinesecalendar has no holidays for 2099" in caplog.text
    assert not workdays.is_working_day(D(UNKNOWN_YEAR, 1, 3))  # Saturday
    assert workdays.fallback_years([2020, UNKNOWN_YEAR]) == [UNKNOWN_YEAR]
    HolidayOverride.objects.create(date=D(UNKNOWN_YEAR, 1, 1), is_working_day=False, name="元旦")
    assert not workdays.is_working_day(D(UNKNOWN_YEAR, 1, 1))
    assert workdays.add_working_days(D(UNKNOWN_YEAR, 12, 31 - 0), 1) > D(UNKNOWN_YEAR, 12, 31)


# ---- the working-hours clock ----------------------------------------------------------------


def test_office_hours_skip_lunch_and_night():
    cal = WorkingCalendar()
    # Monday 2020-11-09 11:00 → 14:30: 1 h before lunch + 1 h after
    assert business_time(at(2020, 11, 9, 11), at(2020, 11, 9, 14, 30), calendar=cal) == dt.timedelta(hours=2)
    # 16:30 Monday + 2 h → 1 h on Monday, 8:30 + 1 h on Tuesday
    assert deadline(at(2020, 11, 9, 16, 30), dt.timedelta(hours=2), calendar=cal) == at(2020, 11, 10, 9, 30)
    # a working day has 7.5 h
    assert business_time(at(2020, 11, 9), at(2020, 11, 10), calendar=cal) == dt.timedelta(hours=7.5)


def test_clock_over_a_weekend_with_a_pause():
    cal = WorkingCalendar()
    start = at(2020, 11, 6, 16, 0)  # Friday
    end = at(2020, 11, 9, 10, 0)  # Monday
    assert business_time(start, end, calendar=cal) == dt.timedelta(hours=3)  # 1.5 h Fri + 1.5 h Mon
    pause = (at(2020, 11, 6, 17, 0), at(2020, 11, 9, 9, 0))  # waiting for the caller
    assert business_time(start, end, pauses=[pause], calendar=cal) == dt.timedelta(hours=2)
    assert deadline(start, dt.timedelta(hours=2), pauses=[pause], calendar=cal) == end


def test_clock_runs_on_a_working_saturday_and_not_in_the_holiday():
    cal = WorkingCalendar()
    start = at(2020, 9, 30, 17, 0)  # last working day before National Day
    assert deadline(start, dt.timedelta(hours=1), calendar=cal) == at(2020, 10, 9, 9, 0)
    # 10/9 full day (7.5 h) + 0.5 h Wed + 1 h on the working Saturday 10/10
    due = deadline(start, dt.timedelta(hours=9), calendar=cal)
    assert due == at(2020, 10, 10, 9, 30)


def test_round_the_clock_line_runs_through_holidays():
    start = at(2020, 10, 1, 22, 0)
    due = deadline(start, dt.timedelta(hours=24), hours=ROUND_THE_CLOCK, calendar=WorkingCalendar())
    assert due == at(2020, 10, 2, 22, 0)
    end = at(2020, 10, 3, 22, 0)
    assert business_time(start, end, hours=ROUND_THE_CLOCK, calendar=WorkingCalendar()) == dt.timedelta(
        hours=48
    )


def test_clock_reads_the_table_when_no_calendar_is_given(db):
    HolidayOverride.objects.create(date=D(2020, 11, 9), is_working_day=False)
    assert business_time(at(2020, 11, 9, 8), at(2020, 11, 9, 18), hours=OFFICE_HOURS) == dt.timedelta(0)


# ---- the table's services and page ------------------------------------------------------------


def test_only_city_editors_change_the_table(personas):
    with pytest.raises(Exception, match="只有市科协"):
        holiday_override_save(actor=personas["county_staff"], day=D(2020, 11, 9), is_working_day=False)
    override = holiday_override_save(
        actor=personas["city_admin"], day=D(2020, 11, 9), is_working_day=False, name="x"
    )
    holiday_override_save(actor=personas["city_admin"], day=D(2020, 11, 9), is_working_day=True, name="x")
    holiday_override_delete(actor=personas["city_admin"], override=override)
    actions = list(AuditEntry.objects.unscoped(reason="test").order_by("id").values_list("action", flat=True))
    assert actions == ["kexie.holiday.created", "kexie.holiday.changed", "kexie.holiday.deleted"]


def test_holiday_page_edits_and_warns_for_an_unknown_year(client, personas):
    client.force_login(personas["city_admin"])
    url = reverse("core:holidays")
    page = client.get(url, {"year": UNKNOWN_YEAR})
    assert "尚无 2099 年的节假日数据" in page.content.decode()
    national = client.get(url, {"year": 2020}).content.decode()
    assert "2020-10-10" in national and "国庆节" in national
    done = client.post(url, {"date": "2099-01-01", "kind": "holiday", "name": "元旦"})
    assert done.status_code == 302
    assert not workdays.is_working_day(D(2099, 1, 1))
    bad = client.post(url, {"date": "2099-13-01", "kind": "holiday"})
    assert bad.status_code == 200 and HolidayOverride.objects.count() == 1
    client.force_login(personas["county_staff"])
    assert client.post(url, {"date": "2099-01-02", "kind": "holiday"}).status_code == 403
