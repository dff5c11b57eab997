"""The hotline's main path through the API, the routing step included: call → transfer to
another pool → assign → wait for the caller (the clocks stop) → resume → call-back recorded,
listed as due and done → answer → satisfaction; escalation to a field visit; refusals name the
API's field; a psychology consultation's call-backs exist only for its pool."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from kexie.activities.models import Activity
from kexie.core.models import AuditEntry
from kexie.hotline.models import Callback, Consultation

SH = ZoneInfo("Asia/Shanghai")
API = "/api/v1/hotline"


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def receive(client, **extra):
    body = {"channel": "phone", "topic": "crop", "question": "猪不吃食怎么办", "caller_phone": "13812345678"}
    response = post(client, f"{API}/consultations", {**body, **extra})
    assert response.status_code == 201, response.content
    return response.json()


def test_call_routing_callback_answer_and_rating_through_the_api(client, hotline, personas):
    expert = hotline["expert_user"]
    client.force_login(personas["city_admin"])
    consultation = receive(client)
    url = f"{API}/consultations/{consultation['id']}"

    routed = post(client, f"{url}/route", {"topic": "livestock"})
    assert routed.status_code == 200, routed.content
    assert routed.json()["topic"] == "livestock" and routed.json()["queue"] == "farm"
    assigned = post(client, f"{url}/assignee", {"assignee_id": expert.pk})
    assert assigned.status_code == 200 and assigned.json()["assignee_id"] == expert.pk

    client.force_login(expert)  # the assigned expert works it through the API from here
    waiting = post(client, f"{url}/waiting", {"reason": "等来电人发照片"})
    assert waiting.json()["status"] == "waiting"
    assert waiting.json()["first_response_due"] is None and waiting.json()["resolution_due"] is None
    resumed = post(client, f"{url}/resumption")
    assert resumed.json()["status"] == "open" and resumed.json()["resolution_due"] is not None

    due = dt.datetime(2020, 10, 12, 9, tzinfo=SH)
    made = post(
        client,
        f"{url}/callbacks",
        {"note": "确认用药效果", "due_at": due.isoformat(), "assignee_id": expert.pk},
    )
    assert made.status_code == 201, made.content
    callback = made.json()
    assert callback["consultation_id"] == consultation["id"] and callback["assignee_id"] == expert.pk
    assert callback["overdue"] is True and callback["done_at"] is None  # due in 2020
    later = post(client, f"{url}/callbacks", {"note": "再次回访"}).json()  # due within 4 working hours
    assert dt.datetime.fromisoformat(later["due_at"]) > timezone.now()

    listed = client.get(
        f"{API}/callbacks", {"due_before": "2021-01-01T00:00:00+08:00", "mine": "true"}
    ).json()
    assert [c["id"] for c in listed["items"]] == [callback["id"]] and listed["count"] == 1
    assert [c["id"] for c in client.get(f"{API}/callbacks").json()["items"]] == [callback["id"], later["id"]]
    done = post(client, f"{API}/callbacks/{callback['id']}/done", {"outcome": "已回电,猪已进食"})
    assert done.status_code == 200 and done.json()["done_at"] and done.json()["outcome"] == "已回电,猪已进食"
    again = post(client, f"{API}/callbacks/{callback['id']}/done", {"outcome": "再来一次"})
    assert again.status_code == 422
    assert [c["id"] for c in client.get(f"{API}/callbacks").json()["items"]] == [later["id"]]

    answered = post(client, f"{url}/answer", {"answer": "饲料霉变,更换饲料", "expert_id": hotline["pigs"].pk})
    assert answered.json()["status"] == "resolved"
    rated = post(client, f"{url}/rating", {"satisfaction": 5})
    assert rated.json()["satisfaction"] == 5

    actions = set(AuditEntry.objects.unscoped(reason="test").values_list("action", flat=True))
    assert {"kexie.consultation.routed", "kexie.ticket.assigned", "kexie.ticket.waiting", "kexie.ticket.resumed",
            "kexie.callback.created", "kexie.callback.done"} <= actions  # fmt: skip


def test_escalation_through_the_api_makes_one_ledger_activity(client, hotline, personas, world):
    client.force_login(personas["city_admin"])
    consultation = receive(client, topic="crop", region_id=world.regions["370811"].pk)
    url = f"{API}/consultations/{consultation['id']}/escalation"
    response = post(client, url, {"start_date": "2020-06-01", "venue": "王庄村麦田", "participants": 3})
    assert response.status_code == 201, response.content
    activity = Activity.objects.unscoped(reason="test").get(pk=response.json()["field_visit_id"])
    assert (
        activity.kind.code == "consultation" and activity.venue == "王庄村麦田" and activity.participants == 3
    )
    assert post(client, url, {}).status_code == 422  # once
    assert Activity.objects.unscoped(reason="test").filter(kind__code="consultation").count() == 1


def test_refusals_name_the_api_field_and_change_nothing(client, hotline, personas):
    client.force_login(personas["city_admin"])
    consultation = receive(client)
    url = f"{API}/consultations/{consultation['id']}"
    supervisor = hotline["supervisor"]  # a supervisor of the psychology line, not of the farm line
    for path in ("assignee", "callbacks"):
        response = post(client, f"{url}/{path}", {"assignee_id": supervisor.pk})
        assert response.status_code == 422, response.content
        assert [e["field"] for e in response.json()["detail"]] == ["assignee_id"]
        assert "不是" in response.json()["detail"][0]["message"]
    bad_topic = post(client, f"{url}/route", {"topic": "astrology"})
    assert bad_topic.status_code == 422
    assert [e["field"] for e in bad_topic.json()["detail"]] == ["topic"]
    assert not Callback.objects.unscoped(reason="test").exists()
    c = Consultation.objects.unscoped(reason="test").select_related("ticket").get(pk=consultation["id"])
    assert c.ticket.assignee_id is None and c.topic == "crop"


def test_psychology_callbacks_are_seen_only_by_their_pool(client, hotline, personas):
    secretary = personas["society_secretary"]
    client.force_login(secretary)
    consultation = receive(client, topic="psychology", question="失眠焦虑")
    made = post(client, f"{API}/consultations/{consultation['id']}/callbacks", {"note": "次日回访"})
    assert made.status_code == 201
    assert client.get(f"{API}/callbacks").json()["count"] == 1
    client.force_login(personas["city_admin"])
    assert client.get(f"{API}/callbacks").json()["count"] == 0
    done = post(client, f"{API}/callbacks/{made.json()['id']}/done", {"outcome": "x"})
    assert done.status_code == 404
