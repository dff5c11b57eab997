"""Public writes are rate-limited per address (kexie.core.throttle): the registration form and
the 公示's objection form refuse the N+1st request in the window with a Chinese message, and
nothing is written by it."""

import datetime as dt

import pytest
from django.urls import reverse

from kexie.calls import notice, services
from kexie.calls.models import Entry, Objection
from kexie.calls.testing import open_call


@pytest.fixture
def public_call(world):
    return open_call(
        world.users["city_admin"], title="第4届济宁市机器人竞赛", kind="competition", entrant_kind="team",
        is_public=True, eligibility=[], form_fields=[],
    )  # fmt: skip


def _registration(n):
    return {"title": f"巡线机器人{n}", "institution_name": "济宁市第一中学", "phone": f"139123456{n:02d}",
            "members": f"小明{n},负责人,2005-09-01,高中", "privacy": "on"}  # fmt: skip


def test_registration_refuses_the_request_past_the_limit(client, world, public_call):
    from kexie.calls.views import REGISTER_LIMIT

    url = reverse("calls:register", args=(public_call.pk,))
    for n in range(REGISTER_LIMIT):
        assert "报名成功" in client.post(url, _registration(n), REMOTE_ADDR="10.0.0.7").content.decode()
    refused = client.post(url, _registration(99), REMOTE_ADDR="10.0.0.7")
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    assert Entry.objects.unscoped(reason="test").count() == REGISTER_LIMIT
    # another address is not held back by this one
    assert "报名成功" in client.post(url, _registration(100), REMOTE_ADDR="10.0.0.8").content.decode()


def test_objection_form_refuses_the_request_past_the_limit(client, world, recommend, city_call):
    from kexie.calls.views import OBJECTION_LIMIT

    staff, admin = world.users["county_staff"], world.users["city_admin"]
    entry = recommend("钱学问")
    services.entry_submit(actor=staff, entry=entry)
    services.entry_accept(actor=admin, entry=entry)
    services.entry_decide(actor=admin, entry=entry, outcome="award", votes_for=7)
    notice.call_notice_start(actor=admin, call=city_call, starts_on=dt.date.today())
    url = reverse("calls:notice_detail", args=(city_call.pk,))
    data = {"entry": entry.pk, "text": "材料有夸大", "objector_kind": "person", "objector_name": "周实名",
            "phone": "13912345678"}  # fmt: skip
    for _ in range(OBJECTION_LIMIT):
        assert client.post(url, data, REMOTE_ADDR="10.0.0.9").status_code in (200, 302)
    filed = Objection.objects.unscoped(reason="test").count()
    refused = client.post(url, data, REMOTE_ADDR="10.0.0.9")
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    assert Objection.objects.unscoped(reason="test").count() == filed
