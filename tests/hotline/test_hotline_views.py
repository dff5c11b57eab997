"""The hotline's pages: desk, new consultation, detail actions, public form and rating page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.hotline import services
from kexie.hotline.models import Consultation


def _new(client, **data):
    base = {"channel": "phone", "topic": "crop", "question": "玉米螟怎么防治", "caller_phone": "13812345678"}
    return client.post(reverse("hotline:new"), {**base, **data})


def test_new_consultation_then_actions(client, hotline, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas["county_staff"])
    bad = _new(client, caller_phone="123", question="")
    assert bad.status_code == 200 and "联系电话" in bad.content.decode()
    assert not Consultation.objects.unscoped(reason="test").exists()
    response = _new(client)
    c = Consultation.objects.unscoped(reason="test").get()
    assert response.status_code == 302 and response["Location"] == reverse("hotline:detail", args=[c.pk])
    page = client.get(response["Location"]).content.decode()
    assert "138****5678" in page and "13812345678" not in page  # county staff: no personal-data right
    act = reverse("hotline:act", args=[c.pk])
    client.post(act, {"action": "answer", "answer": "先答复,稍后回电", "resolve": "no"})
    client.post(act, {"action": "wait", "reason": "等照片"})
    c.ticket.refresh_from_db()
    assert c.ticket.status == "waiting"
    client.post(act, {"action": "resume"})
    client.post(act, {"action": "callback", "note": "回电"})
    client.post(act, {"action": "attach", "file": SimpleUploadedFile("叶片.png", b"\x89PNG\r\n\x1a\n0000")})
    client.post(act, {"action": "answer", "answer": "喷施氯虫苯甲酰胺"})
    client.post(act, {"action": "rate", "satisfaction": "4"})
    client.post(act, {"action": "publish"})
    c.refresh_from_db()
    c.ticket.refresh_from_db()
    assert c.ticket.status == "resolved" and c.ticket.satisfaction == 4 and c.in_knowledge_base
    assert c.callbacks.count() == 1 and c.attachments.count() == 1
    assert "喷施氯虫苯甲酰胺" in client.get(reverse("hotline:kb"), {"q": "氯虫"}).content.decode()
    unknown = client.post(act, {"action": "frobnicate"}, follow=True)
    assert "未知操作" in unknown.content.decode()


def test_desk_lists_and_filters(client, hotline, personas):
    services.consultation_receive(
        actor=personas["city_admin"], data={"channel": "wechat", "topic": "crop", "question": "桃树流胶"}
    )
    services.consultation_receive(
        actor=personas["city_admin"], data={"channel": "phone", "topic": "livestock", "question": "猪拉稀"}
    )
    client.force_login(personas["city_admin"])
    page = client.get(reverse("hotline:desk"), {"channel": "wechat"}).content.decode()
    assert "桃树流胶" in page and "猪拉稀" not in page
    client.force_login(hotline["expert_user"])
    assert "猪拉稀" in client.get(reverse("hotline:mine")).content.decode()


def test_public_form_on_a_phone_and_rating_link(client, hotline, personas):
    page = client.get(reverse("hotline:ask")).content.decode()
    assert 'name="viewport"' in page
    done = client.post(
        reverse("hotline:ask"), {"topic": "crop", "question": "葡萄霜霉病", "caller_phone": "13912345678"}
    )
    assert "已收到您的问题" in done.content.decode()
    c = Consultation.objects.unscoped(reason="test").get()
    assert c.channel == "web"
    token = services.consultation_rating_link(actor=personas["city_admin"], consultation=c)
    assert "还在处理" in client.get(reverse("hotline:rate", args=[token])).content.decode()
    services.consultation_answer(actor=personas["city_admin"], consultation=c, answer="喷波尔多液")
    client.post(reverse("hotline:rate", args=[token]), {"satisfaction": "5"})
    c.ticket.refresh_from_db()
    assert c.ticket.satisfaction == 5
    assert (
        "感谢" in client.post(reverse("hotline:rate", args=[token]), {"satisfaction": "1"}).content.decode()
    )
    c.ticket.refresh_from_db()
    assert c.ticket.satisfaction == 5  # rated once


def test_public_form_is_rate_limited(client, hotline, settings):
    from kexie.hotline.views import ASK_LIMIT

    data = {"topic": "crop", "question": "苹果腐烂病"}
    for _ in range(ASK_LIMIT):
        assert client.post(reverse("hotline:ask"), data, REMOTE_ADDR="10.0.0.9").status_code == 200
    refused = client.post(reverse("hotline:ask"), data, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    assert Consultation.objects.unscoped(reason="test").count() == ASK_LIMIT


def test_the_api_refuses_a_received_time_outside_the_calendar(client, hotline, personas):
    """The fuzzer found it: a consultation received in the year 379 was stored, and its deadline
    came back with Shanghai's local mean time offset (+08:05:43), which is not a valid date-time."""
    client.force_login(personas["city_admin"])
    body = {
        "channel": "walk_in",
        "topic": "crop",
        "question": "培训课程",
        "received_at": "0379-10-08T12:25:50Z",
    }
    response = client.post("/api/v1/hotline/consultations", body, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["received_at"]
    assert not Consultation.objects.unscoped(reason="the test counts every consultation").exists()


@pytest.mark.parametrize(
    "received_at, reason",
    [("0379-10-08T12:25:50Z", "时间须在1949–2100年之间"), ("2020-13-40 25:61", "YYYY-MM-DDTHH:MM")],
)
def test_the_api_names_why_a_received_time_is_refused(client, hotline, personas, received_at, reason):
    """A Moment out of range answered a bare "取值无效": the message names the reason."""
    client.force_login(personas["city_admin"])
    body = {"channel": "walk_in", "topic": "crop", "question": "培训课程", "received_at": received_at}
    response = client.post("/api/v1/hotline/consultations", body, content_type="application/json")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "received_at" and reason in error["message"]
    assert "取值无效" not in error["message"]


def test_the_openapi_document_keeps_each_status_enum(client):
    """Two enum classes named Status (activities, tickets) overwrote each other's schema component:
    the activity API then documented ticket states and its answers failed their own schema."""
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Status"]["enum"] == ["draft", "submitted", "approved", "returned"]
