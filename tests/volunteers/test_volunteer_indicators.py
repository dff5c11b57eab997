"""Indicators count recorded entries only, each activity once, hours exactly, late records,
and trainees once per course; the review states them."""

import datetime as dt
from decimal import Decimal

from kexie.core.indicators import Period, Scope, get
from kexie.directory.services import organisation_create, person_create
from kexie.volunteers.services import (
    course_create,
    course_session_create,
    enrolment_complete,
    enrolment_create,
    enrolment_leader_set,
    service_record_enter,
    service_record_report,
    volunteer_team_create,
)

from .conftest import END, START, check_in_out

Y2020 = Period.year(2020)


def value(code, user):
    return get(code).compute(Y2020, Scope(user)).value


def test_service_figures(make_volunteer, service_activity, staff, world, on_day):
    team = volunteer_team_create(
        actor=staff, organisation=world.orgs["school"], service_category="science_outreach"
    )
    a, b = make_volunteer(name="甲"), make_volunteer(name="乙")
    service_record_enter(
        actor=staff,
        volunteer=a,
        activity=service_activity,
        data={"content": "科普", "hours": Decimal("2.5"), "team": team},
    )
    on_day(dt.date(2020, 12, 1))  # late
    service_record_enter(
        actor=staff,
        volunteer=b,
        activity=service_activity,
        data={"content": "科普", "hours": Decimal("1.25")},
    )
    service_record_report(
        actor=staff,
        volunteer=make_volunteer(name="丙"),
        activity=service_activity,
        data={"content": "科普", "hours": 8},
    )
    assert value("volunteers.volunteers", staff) == 2
    assert value("volunteers.teams", staff) == 1
    assert value("volunteers.sessions", staff) == 1  # one activity, however many volunteers
    assert value("volunteers.hours", staff) == 4  # 3.75 rounded; the pending 8 h not counted
    assert value("volunteers.late_records", staff) == 2  # the late entry and the late pending report
    assert value("volunteers.hours", world.users["outsider"]) == 0


def test_training_figures(make_activity, world, staff):
    activity = make_activity(title="科普惠农培训班", kind=world.kinds["training"])
    course = course_create(actor=staff, activity=activity, kind="rural")
    session = course_session_create(actor=staff, course=course, title="第一课", starts_at=START, ends_at=END)
    association = organisation_create(
        actor=staff,
        data={"name": "唐口农技协", "kind": "rural_tech_association", "parent": world.orgs["rencheng"]},
    )
    for i in range(3):
        person = person_create(actor=staff, data={"name": f"学员{i}", "unit": staff.unit})
        enrolment = enrolment_create(actor=staff, course=course, person=person)
        check_in_out(session.checkin_session, person)
        enrolment_complete(actor=staff, enrolment=enrolment, on=dt.date(2020, 9, 19), certify=False)
        if i < 2:
            enrolment_leader_set(actor=staff, enrolment=enrolment, organisation=association)
    assert value("volunteers.courses", staff) == 1
    assert value("volunteers.people_trained", staff) == 3
    assert value("volunteers.leaders_trained", staff) == 2
