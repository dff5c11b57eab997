"""Courses in the API (/api/v1/volunteers/courses): list, get, create, update, enrol and the
class's attendance, through the services (audited), with bounded input and scope."""

import datetime as dt

import pytest

from kexie.core.models import AuditEntry
from kexie.directory.services import person_create
from kexie.volunteers.services import course_session_create

from .conftest import END, START

API = "/api/v1/volunteers/courses"


@pytest.fixture
def lecture(make_activity, world):
    return make_activity(title="科普惠农培训班", kind=world.kinds["training"], start_date=dt.date(2020, 11, 4),
                         end_date=dt.date(2020, 11, 4))  # fmt: skip


def test_create_update_enrol_and_attendance_through_the_api(client, lecture, staff, world):
    trainer = person_create(actor=staff, data={"name": "刘专家", "unit": staff.unit})
    trainee = person_create(actor=staff, data={"name": "张学员", "unit": staff.unit})
    client.force_login(staff)
    made = client.post(API, {"activity_id": lecture.pk, "kind": "rural", "trainer_ids": [trainer.pk]},
                       content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    course = made.json()
    assert (course["title"], course["kind"], course["trainer_ids"]) == (
        "科普惠农培训班",
        "rural",
        [trainer.pk],
    )
    again = client.post(API, {"activity_id": lecture.pk, "kind": "rural"}, content_type="application/json")
    assert again.status_code == 422  # one course per activity

    url = f"{API}/{course['id']}"
    changed = client.put(url, {"required_sessions": 2, "trainer_ids": []}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["required_sessions"] == 2
    assert changed.json()["trainer_ids"] == [] and changed.json()["kind"] == "rural"
    entry = AuditEntry.objects.unscoped(reason="test").get(action="kexie.course.changed")
    assert (entry.before["trainers"], entry.after["trainers"]) == ([trainer.pk], [])
    assert client.put(url, {"required_sessions": 0}, content_type="application/json").status_code == 422

    enrolled = client.post(f"{url}/enrolments", {"person_ids": [trainee.pk]}, content_type="application/json")
    assert enrolled.status_code == 201 and [e["name"] for e in enrolled.json()["enrolments"]] == ["张学员"]
    twice = client.post(f"{url}/enrolments", {"person_ids": [trainee.pk]}, content_type="application/json")
    assert twice.status_code == 422

    from kexie.volunteers.models import Course

    session = course_session_create(actor=staff, course=Course.objects.get(pk=course["id"]), title="第一课",
                                    starts_at=START, ends_at=END)  # fmt: skip
    signed = client.post(f"{url}/sessions/{session.pk}/attendance", {"person_ids": [trainee.pk]},
                         content_type="application/json")  # fmt: skip
    assert signed.status_code == 200 and signed.json() == {"added": 1}
    detail = client.get(url).json()
    assert [(s["title"], s["attended"]) for s in detail["sessions"]] == [("第一课", 1)]
    listed = client.get(API).json()
    assert [(c["id"], c["enrolled"], c["completed"]) for c in listed["items"]] == [(course["id"], 1, 0)]

    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404 and client.get(API).json()["count"] == 0
    assert client.put(url, {"required_sessions": 1}, content_type="application/json").status_code == 404
