"""The API's remaining training writes: add a class to a course, complete an enrolment (the
certificate with its public check, the 农技协 led), and write or withdraw a volunteer's
evaluation; through the services (audited), bounded input, scope (404 out of it)."""

import json

from kexie.core.models import AuditEntry
from kexie.directory.services import organisation_create, person_create
from kexie.volunteers.models import VolunteerEvaluation
from kexie.volunteers.services import course_create, enrolment_create

API = "/api/v1/volunteers"
JSON = "application/json"


def _text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False)


def _audited(action):
    return AuditEntry.objects.unscoped(reason="test").filter(action=action).count()


def test_add_a_class_then_attendance_then_completion(client, make_activity, staff, world):
    lecture = make_activity(title="科普惠农培训班", kind=world.kinds["training"])
    course = course_create(actor=staff, activity=lecture, kind="rural")
    trainee = person_create(actor=staff, data={"name": "张学员", "unit": staff.unit})
    enrolment = enrolment_create(actor=staff, course=course, person=trainee)
    client.force_login(staff)
    url = f"{API}/courses/{course.pk}/sessions"
    bad = client.post(url, {"title": "第一课", "starts_at": "2020-11-04T11:00:00+08:00",
                            "ends_at": "2020-11-04T09:00:00+08:00"}, content_type=JSON)  # fmt: skip
    assert bad.status_code == 422 and "结束时间" in _text(bad)
    far = client.post(url, {"title": "第一课", "starts_at": "0379-11-04T09:00:00+08:00",
                            "ends_at": "2020-11-04T11:00:00+08:00"}, content_type=JSON)  # fmt: skip
    assert far.status_code == 422
    made = client.post(url, {"title": "第一课", "starts_at": "2020-11-04T09:00:00+08:00",
                             "ends_at": "2020-11-04T11:00:00+08:00"}, content_type=JSON)  # fmt: skip
    assert made.status_code == 201, made.content
    [session] = made.json()["sessions"]
    assert session["title"] == "第一课" and _audited("kexie.course_session.created") == 1

    done = f"{API}/courses/{course.pk}/enrolments/{enrolment.pk}/completion"
    short = client.post(done, {"completed_on": "2020-11-05"}, content_type=JSON)
    assert short.status_code == 422 and "出勤0次" in _text(short)
    client.post(f"{API}/courses/{course.pk}/sessions/{session['id']}/attendance",
                {"person_ids": [trainee.pk]}, content_type=JSON)  # fmt: skip
    association = organisation_create(
        actor=staff,
        data={"name": "任城区唐口农技协", "kind": "rural_tech_association", "parent": world.orgs["rencheng"]},
    )
    wrong = client.post(done, {"leader_of_id": world.orgs["school"].pk}, content_type=JSON)
    assert wrong.status_code == 422 and "leader_of_id" in _text(wrong)
    ok = client.post(done, {"completed_on": "2020-11-05", "leader_of_id": association.pk}, content_type=JSON)
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["completed_on"] == "2020-11-05" and body["leader_of_id"] == association.pk
    assert body["certificate_code"] and "/verify/" in body["certificate_url"]
    assert _audited("kexie.enrolment.completed") == 1
    assert client.post(done, {}, content_type=JSON).status_code == 422  # completed once

    client.force_login(world.users["outsider"])
    assert client.post(done, {}, content_type=JSON).status_code == 404
    assert client.post(url, {"title": "x", "starts_at": "2020-11-04T09:00:00+08:00",
                             "ends_at": "2020-11-04T11:00:00+08:00"}, content_type=JSON).status_code == 404  # fmt: skip


def test_write_and_withdraw_an_evaluation(client, make_volunteer, staff, world):
    volunteer = make_volunteer(name="王红")
    client.force_login(staff)
    url = f"{API}/volunteers/{volunteer.pk}/evaluations"
    body = {"unit_id": staff.unit_id, "year": 2020, "rating": "excellent", "comment": "服务认真",
            "evaluated_on": "2020-12-01"}  # fmt: skip
    made = client.post(url, body, content_type=JSON)
    assert made.status_code == 201, made.content
    assert made.json()["rating"] == "excellent" and made.json()["unit_id"] == staff.unit_id
    again = client.post(url, body, content_type=JSON)
    assert again.status_code == 422 and "已评价过该志愿者2020年度的服务" in _text(again)
    assert client.post(url, {**body, "rating": "superb"}, content_type=JSON).status_code == 422
    assert client.post(url, {**body, "comment": "长" * 501}, content_type=JSON).status_code == 422
    other_unit = client.post(
        url, {**body, "unit_id": world.orgs["yanzhou"].pk, "year": 2019}, content_type=JSON
    )
    assert other_unit.status_code == 422 and "unit_id" in _text(other_unit)
    assert _audited("kexie.volunteer_evaluation.created") == 1
    assert client.get(f"{API}/volunteers/{volunteer.pk}").json()["evaluations"][0]["comment"] == "服务认真"

    evaluation_id = made.json()["id"]
    client.force_login(world.users["outsider"])
    assert client.post(url, {**body, "year": 2019}, content_type=JSON).status_code == 404
    assert client.delete(f"{API}/evaluations/{evaluation_id}").status_code == 404
    client.force_login(staff)
    assert client.delete(f"{API}/evaluations/{evaluation_id}").status_code == 204
    assert not VolunteerEvaluation.objects.unscoped(reason="test").filter(pk=evaluation_id).exists()
    assert _audited("kexie.volunteer_evaluation.withdrawn") == 1
