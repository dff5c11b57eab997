"""Volunteers and service records: the profile's ID number, the 10-working-day rule, hours from
check-in (a forgotten check-out never counts), self-reports with approval, declines kept,
scope, audit, and the hours totals as one query."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from kexie.core import checkin
from kexie.core.models import AuditEntry, Notification
from kexie.volunteers import selectors, summary
from kexie.volunteers.models import HoursSummary, RecordSource, RecordStatus, ServiceRecord
from kexie.volunteers.services import (
    entry_deadline,
    service_record_approve,
    service_record_decline,
    service_record_enter,
    service_record_report,
    service_records_from_checkin,
    service_reminders_send,
    volunteer_register,
    volunteer_team_create,
)

from .conftest import END, START, check_in_out

ID_NUMBER = "370811199001011234"


def audit_actions():
    return list(AuditEntry.objects.unscoped(reason="test").values_list("action", flat=True))


def test_profile_id_number_encrypted_masked_and_checked(make_volunteer, staff):
    from kexie.core.validators import id_number_check_char

    number = ID_NUMBER[:17] + id_number_check_char(ID_NUMBER[:17])
    profile = make_volunteer(id_number=number, birth_date=dt.date(1990, 1, 1), skills="心理咨询")
    profile.refresh_from_db()
    assert profile.id_number == number
    assert number not in profile.id_number_encrypted
    assert profile.id_number_masked != number and profile.id_number_masked.startswith("370811")
    entry = AuditEntry.objects.unscoped(reason="test").get(action="kexie.volunteer.registered")
    assert number not in str(entry.after) and number not in str(entry.changes)
    with pytest.raises(ValidationError) as exc:
        make_volunteer(name="王二", id_number="37081119900101123")
    assert "身份证件号码" in str(exc.value)


def test_one_profile_per_person(make_volunteer, staff):
    profile = make_volunteer()
    with pytest.raises(ValidationError, match="已注册为志愿者"):
        volunteer_register(actor=staff, person=profile.person, data={})


def test_entry_within_ten_working_days_is_on_time_and_later_is_flagged(
    make_volunteer, service_activity, entry, staff, on_day
):
    # 2020-09-19 was a Saturday; 10 working days later (国庆 8 days off, 9-27 a make-up day)
    deadline = entry_deadline(dt.date(2020, 9, 19))
    assert deadline > dt.date(2020, 10, 2)
    volunteer = make_volunteer()
    on_day(deadline)
    on_time = service_record_enter(actor=staff, volunteer=volunteer, activity=service_activity, data=entry)
    assert not on_time.is_late
    other = make_volunteer(name="赵迟")
    on_day(deadline + dt.timedelta(days=1))
    late = service_record_enter(actor=staff, volunteer=other, activity=service_activity, data=entry)
    assert late.is_late
    assert late.hours == Decimal("2.50")
    assert late.county.code == "370811"  # the activity's county


def test_record_needs_a_day_within_the_activity(make_volunteer, service_activity, entry, staff):
    with pytest.raises(ValidationError, match="服务日期"):
        service_record_enter(
            actor=staff,
            volunteer=make_volunteer(),
            activity=service_activity,
            data={**entry, "served_on": dt.date(2020, 9, 20)},
        )
    assert not ServiceRecord.objects.unscoped(reason="test").exists()


def test_same_volunteer_activity_day_counts_once(make_volunteer, service_activity, entry, staff):
    volunteer = make_volunteer()
    service_record_enter(actor=staff, volunteer=volunteer, activity=service_activity, data=entry)
    with pytest.raises(ValidationError):
        service_record_enter(actor=staff, volunteer=volunteer, activity=service_activity, data=entry)


def test_self_report_counts_after_approval_and_declines_are_kept(
    make_volunteer, service_activity, entry, staff
):
    volunteer = make_volunteer()
    reported = service_record_report(actor=staff, volunteer=volunteer, activity=service_activity, data=entry)
    assert reported.status == RecordStatus.PENDING and reported.source == RecordSource.SELF
    assert selectors.person_hours(staff, volunteer) == 0
    service_record_approve(actor=staff, record=reported)
    assert selectors.person_hours(staff, volunteer) == Decimal("2.5")

    other = make_volunteer(name="钱申报")
    declined = service_record_report(actor=staff, volunteer=other, activity=service_activity, data=entry)
    with pytest.raises(ValidationError, match="原因"):
        service_record_decline(actor=staff, record=declined, reason=" ")
    service_record_decline(actor=staff, record=declined, reason="当天未到场")
    declined.refresh_from_db()
    assert declined.status == RecordStatus.DECLINED and declined.decline_reason == "当天未到场"
    assert selectors.person_hours(staff, other) == 0
    # the declined entry stays, and the volunteer may report again
    again = service_record_report(actor=staff, volunteer=other, activity=service_activity, data=entry)
    assert ServiceRecord.objects.for_user(staff).filter(volunteer=other).count() == 2
    assert again.status == RecordStatus.PENDING
    assert {"kexie.service_record.approved", "kexie.service_record.declined"} <= set(audit_actions())


def test_editor_cannot_approve(make_volunteer, service_activity, entry, world):
    from django.core.exceptions import PermissionDenied

    from kexie.accounts.roles import Role

    editor = world.users["county_staff"]
    editor.roles = [str(Role.EDITOR)]
    editor.save()
    record = service_record_report(
        actor=editor, volunteer=make_volunteer(), activity=service_activity, data=entry
    )
    with pytest.raises(PermissionDenied):
        service_record_approve(actor=editor, record=record)
    record.refresh_from_db()
    assert record.status == RecordStatus.PENDING


def test_out_of_scope_is_not_found(make_volunteer, service_activity, entry, world):
    volunteer = make_volunteer()
    with pytest.raises(Http404):
        service_record_enter(
            actor=world.users["outsider"], volunteer=volunteer, activity=service_activity, data=entry
        )
    assert not selectors.volunteers(world.users["outsider"]).exists()
    assert selectors.volunteers(world.users["city_admin"]).count() == 1


@pytest.fixture
def session(service_activity, staff):
    return checkin.checkin_session_create(
        actor=staff, title="广场科普", starts_at=START, ends_at=END, target=service_activity
    )


def test_hours_from_checkin_and_forgotten_checkout_never_counted(make_volunteer, session, staff):
    came = make_volunteer(name="周按时")
    forgot = make_volunteer(name="吴忘签")
    check_in_out(session, came.person, 0, 150)
    check_in_out(session, forgot.person, 10, None)
    result = service_records_from_checkin(
        actor=staff, session=session, content="广场科普宣传", now=END + dt.timedelta(hours=2)
    )
    assert [r.volunteer for r in result.created] == [came]
    assert result.created[0].hours == Decimal("2.50")
    assert result.created[0].source == RecordSource.CHECKIN
    assert [r.person for r in result.missing_checkout] == [forgot.person]
    assert selectors.person_hours(staff, forgot) == 0
    # run again: each check-in counts once
    again = service_records_from_checkin(
        actor=staff, session=session, content="广场科普宣传", now=END + dt.timedelta(hours=2)
    )
    assert again.created == [] and again.already == 1
    assert ServiceRecord.objects.for_user(staff).count() == 1


def test_checkin_session_must_point_at_an_activity(staff):
    bare = checkin.checkin_session_create(actor=staff, title="无活动", starts_at=START, ends_at=END)
    with pytest.raises(ValidationError, match="未关联活动"):
        service_records_from_checkin(actor=staff, session=bare, content="x")


def test_hours_totals_by_person_team_county_year_in_one_query(
    make_volunteer, service_activity, entry, staff, world
):
    team = volunteer_team_create(
        actor=staff, organisation=world.orgs["school"], service_category="science_outreach"
    )
    a, b = make_volunteer(name="甲"), make_volunteer(name="乙")
    service_record_enter(actor=staff, volunteer=a, activity=service_activity, data={**entry, "team": team})
    service_record_enter(
        actor=staff,
        volunteer=b,
        activity=service_activity,
        data={**entry, "hours": Decimal("1.25"), "team": team},
    )
    pending = service_record_report(
        actor=staff, volunteer=make_volunteer(name="丙"), activity=service_activity, data=entry
    )
    assert pending.status == RecordStatus.PENDING
    rows = selectors.summary_rows(staff)
    with CaptureQueriesContext(connection) as queries:
        by_person = selectors.hours_totals(rows, "person")
    assert len(queries) == 1
    assert {r["label"]: r["hours"] for r in by_person} == {"甲": Decimal("2.50"), "乙": Decimal("1.25")}
    assert selectors.hours_totals(rows, "team")[0]["hours"] == Decimal("3.75")
    assert selectors.hours_totals(rows, "county")[0]["label"] == "任城区"
    assert selectors.hours_totals(rows, "year")[0]["key"] == 2020
    assert selectors.hours_totals(rows, "year")[0]["entries"] == 2
    assert selectors.hours_totals(rows, "year", year=2019) == []
    assert selectors.hours_totals(selectors.summary_rows(world.users["outsider"]), "person") == []
    assert summary.differences() == []


def test_the_hours_summary_equals_the_records_after_every_service(
    make_volunteer, service_activity, entry, staff, world
):
    """The services add to the summary in the same transaction as the record: entered, from
    check-in, approved (counts), reported or declined (does not); a failed entry adds nothing."""
    team = volunteer_team_create(
        actor=staff, organisation=world.orgs["school"], service_category="science_outreach"
    )
    a, b, c = make_volunteer(name="甲"), make_volunteer(name="乙"), make_volunteer(name="丙")
    service_record_enter(actor=staff, volunteer=a, activity=service_activity, data={**entry, "team": team})
    assert summary.differences() == []
    reported = service_record_report(actor=staff, volunteer=b, activity=service_activity, data=entry)
    declined = service_record_report(
        actor=staff, volunteer=c, activity=service_activity, data={**entry, "hours": Decimal("7")}
    )
    assert summary.differences() == []
    reviewer = staff
    service_record_approve(actor=reviewer, record=reported)
    service_record_decline(actor=reviewer, record=declined, reason="无现场记录")
    assert summary.differences() == []
    with pytest.raises(ValidationError):  # the same volunteer, activity and day again: refused whole
        service_record_enter(actor=staff, volunteer=a, activity=service_activity, data=entry)
    assert summary.differences() == []
    totals = {r["label"]: r["hours"] for r in selectors.hours_totals(selectors.summary_rows(staff), "person")}
    assert totals == {"甲": Decimal("2.50"), "乙": Decimal("2.50")}
    HoursSummary.objects.unscoped(reason="test: spoil it").update(hours=0)
    assert summary.differences()
    summary.rebuild()
    assert summary.differences() == []


def test_reminder_near_the_deadline_goes_to_reviewers(make_volunteer, service_activity, entry, staff, on_day):
    service_record_report(actor=staff, volunteer=make_volunteer(), activity=service_activity, data=entry)
    assert service_reminders_send(today=dt.date(2020, 9, 21)) == 0
    deadline = entry_deadline(dt.date(2020, 9, 19))
    assert service_reminders_send(today=deadline) == 1
    note = Notification.objects.get(user=staff)
    assert "待审核" in note.text and note.kind == "volunteers.entry_deadline"
