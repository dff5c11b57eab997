"""The demand pipeline under concurrency: one step of what two requests both read wins; the
other is told who was first and writes nothing (no second event, agreement or audit entry)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kexie.accounts.services import api_token_create
from kexie.core.models import AuditEntry
from kexie.innovation import api as innovation_api
from kexie.innovation import ranking, services
from kexie.innovation.codes import DemandStatus
from kexie.innovation.models import Agreement, Demand, DemandEvent
from kexie.innovation.testing import build_innovation_world, demand_data
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together

STALE = "该记录已被他人处理"


@pytest.fixture
def inno(world):
    ranking.reset()
    yield build_innovation_world(world)
    ranking.reset()


@pytest.fixture
def demand(inno, personas):
    return services.demand_create(actor=personas["county_staff"], data=demand_data(inno["enterprise"]))


def _fresh(demand) -> Demand:
    return Demand.objects.get(pk=demand.pk)


def _audit(demand, step) -> int:
    return AuditEntry.objects.filter(object_id=str(demand.pk), action=f"kexie.demand.{step}").count()


def _to_intention(demand, actor, inno):
    services.demand_review(actor=actor, demand=demand)
    services.demand_publish(actor=actor, demand=demand)
    services.demand_matchmake(actor=actor, demand=demand, expert=inno["experts"]["water"])
    services.demand_record_intention(actor=actor, demand=demand)


def test_second_review_of_what_both_read_is_refused(demand, personas):
    first, second = _fresh(demand), _fresh(demand)
    services.demand_review(actor=personas["city_admin"], demand=first)
    with pytest.raises(ValidationError) as exc:
        services.demand_review(actor=personas["city_admin"], demand=second)
    assert f"{STALE}(当前状态:已审核)" in exc.value.messages[0] or STALE in exc.value.messages[0]
    assert _audit(demand, "reviewed") == 1
    assert DemandEvent.objects.filter(demand=demand, to_status=DemandStatus.REVIEWED).count() == 1


def test_close_of_what_was_seen_open_does_not_undo_a_signing(demand, personas, inno):
    admin = personas["city_admin"]
    _to_intention(demand, admin, inno)
    closing = _fresh(demand)
    services.demand_sign(
        actor=admin, demand=_fresh(demand), data={"parties": "甲;乙", "signed_on": dt.date(2020, 7, 1)}
    )
    with pytest.raises(ValidationError) as exc:
        services.demand_close(actor=admin, demand=closing, reason="企业放弃")
    assert STALE in exc.value.messages[0]
    assert _fresh(demand).status == DemandStatus.SIGNED and _fresh(demand).close_reason == ""


def test_two_signings_of_what_both_read_leave_one_agreement(demand, personas, inno):
    admin = personas["city_admin"]
    _to_intention(demand, admin, inno)
    first, second = _fresh(demand), _fresh(demand)
    services.demand_sign(actor=admin, demand=first, data={"parties": "甲;乙"})
    with pytest.raises(ValidationError):
        services.demand_sign(actor=admin, demand=second, data={"parties": "甲;乙"})
    assert Agreement.objects.filter(demand=demand).count() == 1
    assert _audit(demand, "signed") == 1


def test_edit_of_a_demand_closed_meanwhile_does_not_reopen_it(demand, personas):
    editing = _fresh(demand)
    services.demand_close(actor=personas["city_admin"], demand=_fresh(demand), reason="重复征集")
    with pytest.raises(ValidationError):
        services.demand_update(actor=personas["county_staff"], demand=editing, data={"title": "新标题"})
    assert _fresh(demand).status == DemandStatus.CLOSED


def test_web_step_carries_the_state_the_page_showed(client, demand, personas):
    services.demand_review(actor=personas["city_admin"], demand=_fresh(demand))
    client.force_login(personas["city_admin"])
    url = reverse("innovation:demand_action", args=[demand.pk, "close"])
    page = client.post(url, {"reason": "企业放弃", "seen": DemandStatus.COLLECTED}, follow=True)
    assert page.status_code == 200
    assert f"{STALE}(当前状态:{DemandStatus.REVIEWED.label}),请刷新后重试" in page.content.decode()
    assert _fresh(demand).status == DemandStatus.REVIEWED


def test_templates_ask_the_rules_for_the_edit_button(client, demand, personas):
    services.demand_close(actor=personas["city_admin"], demand=_fresh(demand), reason="重复征集")
    client.force_login(personas["city_admin"])
    page = client.get(reverse("innovation:demand_detail", args=[demand.pk])).content.decode()
    assert reverse("innovation:demand_edit", args=[demand.pk]) not in page
    assert services.demand_actions(personas["city_admin"], _fresh(demand)) == ()


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_review_and_close_at_once_through_the_api_one_wins(demand, personas):
    _token, key = api_token_create(actor=personas["city_admin"], user=personas["city_admin"], name="并发")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    base = f"/api/v1/innovation/demands/{demand.pk}"
    review = lambda: client.post(f"{base}/review", {}, content_type="application/json")  # noqa: E731
    close = lambda: client.post(f"{base}/close", {"reason": "企业放弃"}, content_type="application/json")  # noqa: E731
    with meet_after(innovation_api, "get_scoped_or_404", parties=2):
        answers = run_together(review, close)
    assert sorted(a.status_code for a in answers) == [200, 409], [a.content for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    assert STALE in next(a for a in answers if a.status_code == 409).json()["detail"]
    assert _fresh(demand).status == winner["status"]
    assert _audit(demand, "reviewed") + _audit(demand, "closed") == 1
    assert DemandEvent.objects.filter(demand=demand).count() == 2  # 征集 + the winner
