import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kexie.core.models import AuditEntry
from kexie.innovation import ranking, services
from kexie.innovation.codes import DemandStatus
from kexie.innovation.models import Agreement, DemandEvent, SocietyEngagement
from kexie.innovation.selectors import visible_demands
from kexie.innovation.testing import build_innovation_world, demand_data


@pytest.fixture
def inno(world):
    ranking.reset()
    yield build_innovation_world(world)
    ranking.reset()


@pytest.fixture
def demand(inno, personas):
    return services.demand_create(actor=personas["county_staff"], data=demand_data(inno["enterprise"]))


def _walk_to_intention(demand, actor, inno):
    services.demand_review(actor=actor, demand=demand)
    services.demand_publish(actor=actor, demand=demand)
    services.demand_matchmake(
        actor=actor, demand=demand, expert=inno["experts"]["water"], contacted_on=dt.date(2020, 6, 1),
        meeting_on=dt.date(2020, 6, 10),
    )  # fmt: skip
    services.demand_record_intention(actor=actor, demand=demand, note="双方有合作意向")


def test_full_pipeline_logs_every_step(demand, inno, personas):
    staff = personas["city_admin"]
    _walk_to_intention(demand, staff, inno)
    agreement = services.demand_sign(
        actor=staff, demand=demand,
        data={"parties": "济宁智水环境科技有限公司;王水清", "amount": 50, "signed_on": dt.date(2020, 7, 1)},
    )  # fmt: skip
    services.demand_complete(actor=staff, demand=demand)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.COMPLETED
    steps = list(DemandEvent.objects.filter(demand=demand).values_list("to_status", flat=True))
    assert steps == ["collected", "reviewed", "published", "matchmaking", "intention", "signed", "completed"]
    signed = DemandEvent.objects.get(demand=demand, to_status="signed")
    assert signed.on == dt.date(2020, 7, 1) and signed.actor == staff
    actions = set(
        AuditEntry.objects.filter(object_id=str(demand.pk), object_type="innovation.demand").values_list(
            "action", flat=True
        )
    )
    assert {
        "kexie.demand.created",
        "kexie.demand.reviewed",
        "kexie.demand.signed",
        "kexie.demand.completed",
    } <= actions
    assert Agreement.objects.get(demand=demand) == agreement and agreement.unit == inno["enterprise"]
    assert AuditEntry.objects.filter(action="kexie.agreement.created", object_id=str(agreement.pk)).exists()


def test_invalid_transition_is_refused_in_chinese(demand, personas):
    with pytest.raises(ValidationError) as exc:
        services.demand_publish(actor=personas["city_admin"], demand=demand)
    assert "已征集" in str(exc.value) and "已发布" in str(exc.value)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.COLLECTED
    with pytest.raises(ValidationError, match="须先达成意向"):
        services.demand_sign(actor=personas["city_admin"], demand=demand, data={"parties": "甲;乙"})
    assert not Agreement.objects.exists()


def test_close_requires_reason_and_is_final(demand, personas):
    staff = personas["city_admin"]
    with pytest.raises(ValidationError, match="原因"):
        services.demand_close(actor=staff, demand=demand, reason=" ")
    services.demand_close(actor=staff, demand=demand, reason="企业已自行解决")
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CLOSED and demand.close_reason == "企业已自行解决"
    with pytest.raises(ValidationError):
        services.demand_review(actor=staff, demand=demand)


def test_enterprise_cannot_review_its_own_demand(inno, personas):
    from kexie.accounts.roles import Role

    user = inno["enterprise_user"]
    demand = services.demand_create(actor=user, data=demand_data(None) | {"enterprise": None})
    assert demand.enterprise == inno["enterprise"]
    user.roles = [Role.EDITOR, Role.REVIEWER]
    user.save()
    user = type(user).objects.get(pk=user.pk)
    with pytest.raises(PermissionDenied):
        services.demand_review(actor=user, demand=demand)


def test_outsider_cannot_touch_or_see_unpublished_demand(demand, personas):
    outsider = personas["outsider"]
    assert not visible_demands(outsider).filter(pk=demand.pk).exists()
    with pytest.raises(Http404):
        services.demand_review(actor=outsider, demand=demand)


def test_published_demand_is_open_but_confidential_is_not(demand, inno, personas):
    staff = personas["city_admin"]
    services.demand_review(actor=staff, demand=demand)
    services.demand_publish(actor=staff, demand=demand)
    assert visible_demands(personas["outsider"]).filter(pk=demand.pk).exists()
    services.demand_update(actor=staff, demand=demand, data={"is_confidential": True})
    assert not visible_demands(personas["outsider"]).filter(pk=demand.pk).exists()
    assert visible_demands(personas["county_staff"]).filter(pk=demand.pk).exists()


def test_society_matchmaking_and_intention_record_engagements_by_level(demand, inno, personas):
    staff = personas["city_admin"]
    services.demand_review(actor=staff, demand=demand)
    services.demand_publish(actor=staff, demand=demand)
    services.demand_matchmake(actor=staff, demand=demand, society=inno["societies"]["water"])
    services.demand_record_intention(actor=staff, demand=demand, society=inno["societies"]["machinery"])
    rows = set(SocietyEngagement.objects.values_list("society__name", "level", "kind"))
    assert rows == {
        ("中国水利学会", "national", "matchmaking"),
        ("山东省机械工程学会", "provincial", "intention"),
    }


def test_bad_demand_input_names_the_field(inno, personas):
    with pytest.raises(ValidationError) as exc:
        services.demand_create(
            actor=personas["county_staff"],
            data=demand_data(inno["enterprise"], deadline=dt.date(2019, 1, 1), budget=-5),
        )
    assert "期望完成日期" in str(exc.value.message_dict["deadline"]) or exc.value.message_dict["deadline"]
    assert "budget" in exc.value.message_dict
    with pytest.raises(ValidationError, match="不是企业"):
        services.demand_create(actor=personas["city_admin"], data=demand_data(inno["societies"]["water"]))
