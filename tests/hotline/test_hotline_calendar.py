"""A change of the working-day calendar brings the consultations' service levels in line at
once (no hand resync): the tickets' clocks are recomputed and the consultations' outcome copies
follow, in the calendar change's transaction, with one audit entry."""

import datetime as dt
from zoneinfo import ZoneInfo

from kexie.core.holidays import holiday_override_delete, holiday_override_save
from kexie.core.models import AuditEntry
from kexie.hotline import services
from kexie.hotline.models import Consultation

SH = ZoneInfo("Asia/Shanghai")
SATURDAY = dt.date(2020, 10, 17)


def test_a_working_saturday_added_and_removed_moves_the_breach(hotline, personas):
    # Friday 16:00 → Monday 10:00: 1.5 + 1.5 working hours, within the 4-hour first response
    c = services.consultation_receive(
        actor=personas["county_staff"],
        data={"channel": "phone", "topic": "crop", "question": "小麦叶片发黄怎么办",
              "received_at": dt.datetime(2020, 10, 16, 16, tzinfo=SH)},
    )  # fmt: skip
    services.consultation_answer(
        actor=hotline["expert_user"], consultation=c, answer="缺氮,追施尿素", expert=hotline["wheat"],
        at=dt.datetime(2020, 10, 19, 10, tzinfo=SH),
    )  # fmt: skip
    c.refresh_from_db()
    assert (c.breached, c.within_sla) == (False, True)

    admin = personas["city_admin"]
    override = holiday_override_save(actor=admin, day=SATURDAY, is_working_day=True, name="调休上班")
    c = Consultation.objects.unscoped(reason="test").select_related("ticket").get(pk=c.pk)
    assert c.ticket.first_response_seconds == int(10.5 * 3600)  # Saturday's 7.5 hours now count
    assert (c.ticket.first_response_breached, c.breached) == (True, True)
    entry = AuditEntry.objects.unscoped(reason="test").get(action="kexie.consultation.calendar_resynced")
    assert entry.after["changed"] == 1 and entry.after["date"] == "2020-10-17"

    holiday_override_delete(actor=admin, override=override)
    c.refresh_from_db()
    assert c.breached is False


def test_a_day_outside_the_clock_changes_nothing(hotline, personas):
    services.consultation_receive(
        actor=personas["county_staff"],
        data={"channel": "phone", "topic": "crop", "question": "玉米倒伏",
              "received_at": dt.datetime(2020, 10, 16, 16, tzinfo=SH)},
    )  # fmt: skip
    services.consultation_answer(
        actor=hotline["expert_user"],
        consultation=Consultation.objects.unscoped(reason="test").get(),
        answer="扶正培土",
        expert=hotline["wheat"],
        at=dt.datetime(2020, 10, 19, 10, tzinfo=SH),
    )
    holiday_override_save(actor=personas["city_admin"], day=dt.date(2020, 12, 5), is_working_day=True)
    assert not AuditEntry.objects.unscoped(reason="test").filter(
        action="kexie.consultation.calendar_resynced"
    )


def _callback_set_on_friday(hotline, personas, **kwargs):
    """A call-back task set on Friday 16 October 2020 at 16:00, due within four working hours:
    1.5 hours on Friday, 2.5 on the next working day (Monday 11:00; Saturday 11:00 when the
    Saturday becomes a working day)."""
    from unittest import mock

    from django.utils import timezone

    staff = personas["county_staff"]
    friday = dt.datetime(2020, 10, 16, 16, tzinfo=SH)
    c = services.consultation_receive(
        actor=staff,
        data={"channel": "phone", "topic": "crop", "question": "小麦叶片发黄怎么办", "received_at": friday},
    )
    with mock.patch.object(timezone, "now", return_value=friday):
        return services.callback_create(actor=staff, consultation=c, note="回电确认", **kwargs)


def test_a_callbacks_due_time_follows_the_calendar(hotline, personas):
    cb = _callback_set_on_friday(hotline, personas)
    assert cb.due_at == dt.datetime(2020, 10, 19, 11, tzinfo=SH)

    admin = personas["city_admin"]
    override = holiday_override_save(actor=admin, day=SATURDAY, is_working_day=True, name="调休上班")
    cb.refresh_from_db()
    assert cb.due_at == dt.datetime(2020, 10, 17, 11, tzinfo=SH)
    entry = AuditEntry.objects.unscoped(reason="test").get(action="kexie.consultation.calendar_resynced")
    assert entry.after["callbacks"] == [cb.pk]

    holiday_override_delete(actor=admin, override=override)
    cb.refresh_from_db()
    assert cb.due_at == dt.datetime(2020, 10, 19, 11, tzinfo=SH)


def test_a_callback_with_a_due_time_given_keeps_it(hotline, personas):
    given = dt.datetime(2020, 10, 19, 17, 30, tzinfo=SH)
    cb = _callback_set_on_friday(hotline, personas, due_at=given)
    holiday_override_save(actor=personas["city_admin"], day=SATURDAY, is_working_day=True)
    cb.refresh_from_db()
    assert cb.due_at == given


def test_above_the_threshold_the_resync_is_a_background_job(
    hotline, personas, monkeypatch, django_capture_on_commit_callbacks
):
    from kexie.core.models import Job
    from kexie.hotline import calendar
    from kexie.testing import run_jobs

    monkeypatch.setattr(calendar, "INLINE_MAX", 0)
    cb = _callback_set_on_friday(hotline, personas)
    admin = personas["city_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        holiday_override_save(actor=admin, day=SATURDAY, is_working_day=True, name="调休上班")
        holiday_override_save(actor=admin, day=SATURDAY, is_working_day=True, name="调休")  # no second job
    cb.refresh_from_db()
    assert cb.due_at == dt.datetime(2020, 10, 19, 11, tzinfo=SH)  # the request only queued the work
    job = Job.objects.get(kind="hotline_calendar_resync")
    assert (job.owner, job.params) == (None, {"date": "2020-10-17"})

    assert run_jobs() == 1
    cb.refresh_from_db()
    assert cb.due_at == dt.datetime(2020, 10, 17, 11, tzinfo=SH)
    c = Consultation.objects.unscoped(reason="test").select_related("ticket").get()
    assert c.ticket.first_response_breached is True  # Saturday's working hours count now
    job.refresh_from_db()
    assert job.state == Job.DONE and job.result["rows"] == 2
