"""The late flag (entered more than 10 working days after the service) follows the working-day
calendar: a holiday saved or deleted on /core/holidays/ re-flags the records whose entry period
runs over that day, in the request when few, as a background job when many (like the hotline)."""

import datetime as dt

import pytest

from kexie.core import workdays
from kexie.core.holidays import holiday_override_delete, holiday_override_save
from kexie.core.models import AuditEntry
from kexie.volunteers.services import entry_deadline, service_record_enter

pytestmark = pytest.mark.django_db

SERVED = dt.date(2020, 9, 19)  # a Saturday; the entry period runs over 国庆
TUESDAY = dt.date(2020, 9, 22)  # a working day inside the period


def _late_record(make_volunteer, service_activity, entry, staff, on_day):
    deadline = entry_deadline(SERVED)
    late_day = deadline + dt.timedelta(days=1)
    assert workdays.is_working_day(late_day)  # one working day too late (10-10: a 调休 Saturday)
    on_day(late_day)
    record = service_record_enter(actor=staff, volunteer=make_volunteer(), activity=service_activity,
                                  data=entry)  # fmt: skip
    assert record.is_late
    return record


def test_a_holiday_saved_and_deleted_re_flags_the_record(
    make_volunteer, service_activity, entry, staff, on_day, world
):
    record = _late_record(make_volunteer, service_activity, entry, staff, on_day)
    admin = world.users["city_admin"]
    override = holiday_override_save(actor=admin, day=TUESDAY, is_working_day=False, name="本地假日")
    record.refresh_from_db()
    assert not record.is_late  # one working day fewer: on time under the new calendar
    entry_ = AuditEntry.objects.unscoped(reason="test").get(action="kexie.service_record.calendar_resynced")
    assert entry_.after["date"] == "2020-09-22" and record.pk in entry_.after["records"]

    holiday_override_delete(actor=admin, override=override)
    record.refresh_from_db()
    assert record.is_late


def test_a_day_outside_every_entry_period_changes_nothing(
    make_volunteer, service_activity, entry, staff, on_day, world
):
    record = _late_record(make_volunteer, service_activity, entry, staff, on_day)
    holiday_override_save(actor=world.users["city_admin"], day=dt.date(2020, 12, 1), is_working_day=False)
    record.refresh_from_db()
    assert record.is_late
    assert (
        not AuditEntry.objects.unscoped(reason="test")
        .filter(action="kexie.service_record.calendar_resynced")
        .exists()
    )


def test_above_the_threshold_the_re_flagging_is_a_background_job(
    make_volunteer, service_activity, entry, staff, on_day, world, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from kexie.core.models import Job
    from kexie.testing import run_jobs
    from kexie.volunteers import calendar

    monkeypatch.setattr(calendar, "INLINE_MAX", 0)
    record = _late_record(make_volunteer, service_activity, entry, staff, on_day)
    admin = world.users["city_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        holiday_override_save(actor=admin, day=TUESDAY, is_working_day=False, name="本地假日")
        holiday_override_save(actor=admin, day=TUESDAY, is_working_day=False, name="假日")  # no second job
    record.refresh_from_db()
    assert record.is_late  # the request only queued the work
    job = Job.objects.get(kind="volunteers_calendar_resync")
    assert (job.owner, job.params) == (None, {"date": "2020-09-22"})
    assert run_jobs() == 1
    record.refresh_from_db()
    assert not record.is_late
    job.refresh_from_db()
    assert job.state == Job.DONE and job.result["rows"] == 1
