"""Training: a course is a ledger activity with trainers, classes signed in by the same
rotating code, one enrolment per person and course, completion with a certificate, and the
trainees who became 农技协 leaders."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kexie.core.certificates import verify
from kexie.directory.services import person_create
from kexie.volunteers import selectors
from kexie.volunteers.services import (
    course_create,
    course_session_create,
    enrolment_complete,
    enrolment_create,
    enrolment_leader_set,
)

from .conftest import END, START, check_in_out


@pytest.fixture
def course(make_activity, world, staff):
    activity = make_activity(title="科普惠农培训班", kind=world.kinds["training"], venue="泗水县")
    trainer = person_create(actor=staff, data={"name": "刘专家", "unit": staff.unit, "is_expert": True})
    return course_create(
        actor=staff, activity=activity, kind="rural", trainers=[trainer], required_sessions=2
    )


@pytest.fixture
def trainee(staff):
    return person_create(actor=staff, data={"name": "农技协带头人甲", "unit": staff.unit})


def test_completion_needs_attendance_then_issues_a_certificate(course, trainee, staff, client):
    first = course_session_create(actor=staff, course=course, title="第一课", starts_at=START, ends_at=END)
    second = course_session_create(
        actor=staff,
        course=course,
        title="第二课",
        starts_at=START + dt.timedelta(days=1),
        ends_at=END + dt.timedelta(days=1),
    )
    assert first.checkin_session.target_id == course.activity.pk
    enrolment = enrolment_create(actor=staff, course=course, person=trainee)
    check_in_out(first.checkin_session, trainee)
    with pytest.raises(ValidationError, match="出勤1次"):
        enrolment_complete(actor=staff, enrolment=enrolment, on=dt.date(2020, 9, 21))
    check_in_out(second.checkin_session, trainee)
    enrolment = enrolment_complete(actor=staff, enrolment=enrolment, on=dt.date(2020, 9, 21))
    assert enrolment.completed_on == dt.date(2020, 9, 21)
    assert verify(enrolment.certificate.code) == enrolment.certificate
    assert "结业证书" in enrolment.certificate.title
    with pytest.raises(ValidationError, match="已结业"):
        enrolment_complete(actor=staff, enrolment=enrolment)
    client.force_login(staff)
    page = client.get(reverse("volunteers:course_detail", args=[course.pk])).content.decode()
    assert "农技协带头人甲" in page and enrolment.certificate.code in page and "刘专家" in page


def test_a_person_is_enrolled_once_per_course(course, trainee, staff):
    enrolment_create(actor=staff, course=course, person=trainee)
    with pytest.raises(ValidationError, match="已报名"):
        enrolment_create(actor=staff, course=course, person=trainee)
    assert selectors.courses(staff).get(pk=course.pk).enrolled == 1


def test_leader_of_a_rural_tech_association_only(course, trainee, staff, world):
    from kexie.directory.services import organisation_create

    enrolment = enrolment_create(actor=staff, course=course, person=trainee)
    with pytest.raises(ValidationError, match="农技协"):
        enrolment_leader_set(actor=staff, enrolment=enrolment, organisation=world.orgs["school"])
    association = organisation_create(
        actor=staff,
        data={"name": "任城区唐口农技协", "kind": "rural_tech_association", "parent": world.orgs["rencheng"]},
    )
    enrolment_leader_set(actor=staff, enrolment=enrolment, organisation=association)
    enrolment.refresh_from_db()
    assert enrolment.leader_of == association


def test_a_course_is_one_per_activity(course, staff):
    with pytest.raises(ValidationError):
        course_create(actor=staff, activity=course.activity, kind="rural")


def test_the_volunteer_page_shows_training_and_honours(course, trainee, staff, client, world):
    """The volunteer's record carries their training and honours (the person panels)."""
    from kexie.honours.services import honour_record
    from kexie.volunteers.services import volunteer_register

    profile = volunteer_register(actor=staff, person=trainee, data={"registered_on": dt.date(2020, 1, 1)})
    enrolment_create(actor=staff, course=course, person=trainee)
    honour_record(
        actor=staff,
        data={
            "kind": "commendation",
            "title": "优秀科普志愿者",
            "level": "city",
            "year": 2020,
            "person": trainee,
        },
    )
    client.force_login(staff)
    page = client.get(reverse("volunteers:volunteer_detail", args=[profile.pk])).content.decode()
    assert 'id="training-panel"' in page and "科普惠农培训班" in page
    assert 'id="honours-panel"' in page and "优秀科普志愿者" in page
    client.force_login(world.users["outsider"])  # another county: neither the volunteer nor the panels
    assert client.get(reverse("volunteers:volunteer_detail", args=[profile.pk])).status_code == 404
