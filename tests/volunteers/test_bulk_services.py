"""Bulk services (a sign-in sheet, a class list, the demo): the same checks as the one-at-a-time
services, all or nothing with every refused row named, one audit entry per batch with its count,
and the hours summary kept in step."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kexie.core.models import AuditEntry
from kexie.directory.services import person_create
from kexie.volunteers import summary
from kexie.volunteers.models import Enrolment, ServiceRecord
from kexie.volunteers.services import (
    course_attendance_record,
    course_create,
    course_session_create,
    enrolments_complete_bulk,
    enrolments_create_bulk,
    service_record_enter,
    service_records_enter_bulk,
)

from .conftest import END, START


def entries_of(action):
    return list(AuditEntry.objects.unscoped(reason="test").filter(action=action))


def test_service_records_in_bulk_one_audit_entry_and_the_summary(
    make_volunteer, service_activity, entry, staff
):
    volunteers = [make_volunteer(name=n) for n in ("甲", "乙", "丙")]
    rows = [(v, {**entry, "hours": h}) for v, h in zip(volunteers, ("2", "2.5", 3), strict=True)]
    records = service_records_enter_bulk(actor=staff, activity=service_activity, entries=rows)
    assert [r.hours for r in ServiceRecord.objects.unscoped(reason="test").order_by("id")] == [
        Decimal("2"), Decimal("2.5"), Decimal("3"),
    ]  # fmt: skip
    assert all(r.pk and r.status == "recorded" and r.county_id for r in records)
    [logged] = entries_of("kexie.service_record.recorded_in_bulk")
    assert logged.after["count"] == 3 and logged.after["records"] == [r.pk for r in records]
    assert summary.differences() == []


def test_a_bad_row_refuses_the_whole_batch_naming_it(make_volunteer, service_activity, entry, staff):
    a, b, c = (make_volunteer(name=n) for n in ("甲", "乙", "丙"))
    service_record_enter(actor=staff, volunteer=c, activity=service_activity, data=entry)
    rows = [
        (a, entry),
        (b, {**entry, "hours": Decimal("30")}),  # more than a day
        (c, entry),  # already recorded that day
        (a, {**entry, "served_on": dt.date(2019, 1, 1)}),  # outside the activity
    ]
    with pytest.raises(ValidationError) as exc:
        service_records_enter_bulk(actor=staff, activity=service_activity, entries=rows)
    errors = exc.value.message_dict
    assert set(errors) == {"第2条", "第3条", "第4条"}
    assert "服务时长" in errors["第2条"][0] and "乙" in errors["第2条"][0]
    assert "已有服务记录" in errors["第3条"][0]
    assert "活动的日期" in errors["第4条"][0]
    assert ServiceRecord.objects.unscoped(reason="test").count() == 1  # nothing of the batch
    assert not entries_of("kexie.service_record.recorded_in_bulk")
    assert summary.differences() == []


def test_out_of_scope_volunteers_are_refused(make_volunteer, service_activity, entry, staff, world):
    stranger = make_volunteer(name="兖州", actor=world.users["outsider"])
    with pytest.raises(ValidationError, match="管理范围"):
        service_records_enter_bulk(actor=staff, activity=service_activity, entries=[(stranger, entry)])


@pytest.fixture
def course(make_activity, world, staff):
    activity = make_activity(title="科普惠农培训班", kind=world.kinds["training"], venue="泗水县")
    return course_create(actor=staff, activity=activity, kind="rural", required_sessions=1)


def test_a_class_list_enrolled_signed_in_and_completed_in_bulk(course, staff, world):
    people = [person_create(actor=staff, data={"name": f"学员{i}", "unit": staff.unit}) for i in range(4)]
    session = course_session_create(actor=staff, course=course, title="第一课", starts_at=START, ends_at=END)
    enrolments = enrolments_create_bulk(actor=staff, course=course, people=people)
    with pytest.raises(ValidationError, match="学员0:该学员已报名此课程"):
        enrolments_create_bulk(actor=staff, course=course, people=people[:1])
    assert course_attendance_record(actor=staff, course_session=session, people=people[:3]) == 3
    with pytest.raises(ValidationError) as exc:  # 学员3 did not attend: nobody completes
        enrolments_complete_bulk(actor=staff, course=course, enrolments=enrolments, on=dt.date(2020, 9, 19))
    assert "学员3:出勤0次" in str(exc.value)
    assert not Enrolment.objects.unscoped(reason="test").filter(completed_on__isnull=False).exists()
    done = enrolments_complete_bulk(
        actor=staff, course=course, enrolments=enrolments[:3], on=dt.date(2020, 9, 19)
    )
    assert all(e.certificate_id for e in done)
    stored = Enrolment.objects.unscoped(reason="test").filter(completed_on=dt.date(2020, 9, 19))
    assert stored.count() == 3 and stored.filter(certificate__isnull=False).count() == 3
    assert [e.after["count"] for e in entries_of("kexie.enrolment.enrolled_in_bulk")] == [4]
    assert [e.after["count"] for e in entries_of("kexie.enrolment.completed_in_bulk")] == [3]
    assert [e.after["count"] for e in entries_of("kexie.course_session.attendance")] == [3]


def test_attendance_only_for_the_enrolled(course, staff):
    person = person_create(actor=staff, data={"name": "未报名者", "unit": staff.unit})
    session = course_session_create(actor=staff, course=course, title="第一课", starts_at=START, ends_at=END)
    with pytest.raises(ValidationError, match="未报名此课程:未报名者"):
        course_attendance_record(actor=staff, course_session=session, people=[person])
