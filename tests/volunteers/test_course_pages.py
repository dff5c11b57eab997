"""Staff pages of training courses: create and edit a course (trainers from the directory), add
classes, enrol (a person once per course, refused by name on the form), record a class's
attendance on a check-box list, complete an enrolment (the certificate and its public check),
and the 农技协 a trainee leads: every write through the services with an audit entry."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.core.models import AuditEntry
from kexie.directory.services import organisation_create, person_create
from kexie.volunteers.models import Course, CourseSession, Enrolment


def _audited(action):
    return AuditEntry.objects.unscoped(reason="test").filter(action=action).count()


@pytest.fixture
def lecture(make_activity, world):
    return make_activity(title="科普惠农培训班", kind=world.kinds["training"], venue="泗水县")


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def _course(signed_in, lecture, staff, required=1):
    trainer = person_create(actor=staff, data={"name": "刘专家", "unit": staff.unit, "is_expert": True})
    response = signed_in.post(
        reverse("volunteers:course_create"),
        {"activity": lecture.pk, "kind": "rural", "required_sessions": required, "trainers": [trainer.pk]},
    )
    course = Course.objects.unscoped(reason="test").get(activity=lecture)
    assert response.status_code == 302 and response["Location"] == reverse(
        "volunteers:course_detail", args=[course.pk]
    )
    return course, trainer


def test_create_and_edit_a_course(signed_in, lecture, staff, world):
    course, trainer = _course(signed_in, lecture, staff)
    assert list(course.trainers.all()) == [trainer] and _audited("kexie.course.created") == 1
    # a trainer outside the reference rule's choices (兖州区's person) is refused on the form
    outsider = world.users["outsider"]
    stranger = person_create(actor=outsider, data={"name": "外区专家", "unit": outsider.unit})
    edit = reverse("volunteers:course_edit", args=[course.pk])
    page = signed_in.post(edit, {"kind": "party", "required_sessions": 2, "trainers": [stranger.pk]})
    assert page.status_code == 200 and "授课人" in page.content.decode()
    signed_in.post(edit, {"kind": "party", "required_sessions": 2, "trainers": []})
    course.refresh_from_db()
    assert (course.kind, course.required_sessions, course.trainers.count()) == ("party", 2, 0)
    assert _audited("kexie.course.changed") == 1
    page = signed_in.post(edit, {"kind": "party", "required_sessions": 0}).content.decode()
    assert "结业所需出勤次数" in page  # bounded: at least one class


def test_add_a_class_enrol_once_attendance_complete_and_leader(signed_in, lecture, staff, world):
    course, _trainer = _course(signed_in, lecture, staff)
    detail = reverse("volunteers:course_detail", args=[course.pk])
    new_class = reverse("volunteers:course_session_create", args=[course.pk])
    bad = signed_in.post(
        new_class, {"title": "第一课", "starts_at": "2020-11-04T09:00", "ends_at": "2020-11-04T08:00"}
    )
    assert "结束时间:应晚于开始时间" in bad.content.decode()
    signed_in.post(
        new_class, {"title": "第一课", "starts_at": "2020-11-04T09:00", "ends_at": "2020-11-04T11:00"}
    )
    course_session = CourseSession.objects.unscoped(reason="test").get(course=course)
    assert (
        course_session.checkin_session.target_id == lecture.pk
        and _audited("kexie.course_session.created") == 1
    )

    trainee = person_create(actor=staff, data={"name": "张学员", "unit": staff.unit})
    absent = person_create(actor=staff, data={"name": "李学员", "unit": staff.unit})
    enrol = reverse("volunteers:course_enrol", args=[course.pk])
    assert signed_in.post(enrol, {"person": trainee.pk}).status_code == 302
    signed_in.post(enrol, {"person": absent.pk})
    again = signed_in.post(enrol, {"person": trainee.pk}).content.decode()
    assert "学员:张学员 已报名此课程" in again  # the field named, nothing added
    assert Enrolment.objects.unscoped(reason="test").filter(course=course).count() == 2

    attendance = reverse("volunteers:course_attendance", args=[course_session.pk])
    page = signed_in.get(attendance).content.decode()
    assert page.count('class="attendance-row"') == 2 and 'name="people"' in page
    assert signed_in.post(attendance, {"people": [trainee.pk]}).status_code == 302
    assert list(course_session.checkin_session.records.values_list("person_id", flat=True)) == [trainee.pk]
    assert _audited("kexie.course_session.attendance") == 1
    assert "已签到" in signed_in.get(attendance).content.decode()

    enrolment = Enrolment.objects.unscoped(reason="test").get(course=course, person=trainee)
    short = Enrolment.objects.unscoped(reason="test").get(course=course, person=absent)
    refused = signed_in.post(
        reverse("volunteers:course_complete", args=[short.pk]), {"completed_on": "2020-11-05"}
    )
    assert "出勤0次" in refused.content.decode()
    association = organisation_create(
        actor=staff,
        data={"name": "任城区唐口农技协", "kind": "rural_tech_association", "parent": world.orgs["rencheng"]},
    )
    done = signed_in.post(
        reverse("volunteers:course_complete", args=[enrolment.pk]),
        {"completed_on": "2020-11-05", "leader_of": association.pk},
    )
    assert done.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.completed_on == dt.date(2020, 11, 5) and enrolment.leader_of == association
    assert _audited("kexie.enrolment.completed") == 1

    page = signed_in.get(detail).content.decode()
    verify_path = reverse("verify:certificate", args=[enrolment.certificate.code])
    assert 'class="certificate-link"' in page and enrolment.certificate.code in page
    link = page.split('class="certificate-link" href="', 1)[1].split('"', 1)[0]
    assert link.replace("-", "") == verify_path.replace("-", "")
    check = signed_in.get(link)
    assert check.status_code == 200 and "结业证书" in check.content.decode()

    # the leader page: only a 农技协 (the reference rule), audited
    leader = reverse("volunteers:course_leader", args=[short.pk])
    assert (
        "担任负责人的农技协"
        in signed_in.post(leader, {"leader_of": world.orgs["school"].pk}).content.decode()
    )
    assert signed_in.post(leader, {"leader_of": association.pk}).status_code == 302
    assert _audited("kexie.enrolment.leader") == 1


def test_a_second_enrolment_is_refused_by_the_service_naming_the_field(lecture, staff):
    from django.core.exceptions import ValidationError

    from kexie.volunteers.services import course_create, enrolment_create

    course = course_create(actor=staff, activity=lecture, kind="rural")
    trainee = person_create(actor=staff, data={"name": "张学员", "unit": staff.unit})
    enrolment_create(actor=staff, course=course, person=trainee)
    with pytest.raises(ValidationError) as refused:
        enrolment_create(actor=staff, course=course, person=trainee)
    assert refused.value.message_dict == {"person": ["学员:张学员 已报名此课程,每人每门课程只计一次"]}


def test_out_of_scope_course_pages_answer_404(client, lecture, staff, world):
    from kexie.volunteers.services import course_create

    course = course_create(actor=staff, activity=lecture, kind="rural")
    client.force_login(world.users["outsider"])
    for name in ("course_edit", "course_session_create", "course_enrol"):
        assert client.get(reverse(f"volunteers:{name}", args=[course.pk])).status_code == 404
    assert client.post(reverse("volunteers:course_enrol", args=[course.pk]), {"person": 1}).status_code == 404
