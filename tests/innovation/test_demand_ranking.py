import pytest

from kexie.innovation import ranking, services
from kexie.innovation.testing import build_innovation_world, demand_data


@pytest.fixture
def inno(world):
    ranking.reset()
    yield build_innovation_world(world)
    ranking.reset()


@pytest.fixture
def demand(inno, personas):
    return services.demand_create(actor=personas["city_admin"], data=demand_data(inno["enterprise"]))


def test_experts_ranked_with_reasons(demand, inno, personas):
    ranked = ranking.experts_for_demand(demand, personas["city_admin"])
    assert ranked[0].obj == inno["experts"]["water"]
    assert "污水处理" in ranked[0].explanation
    assert ranked[0].score > (ranked[1].score if len(ranked) > 1 else 0)


def test_societies_ranked_with_reasons(demand, inno, personas):
    ranked = ranking.societies_for_demand(demand, personas["city_admin"])
    assert ranked[0].obj == inno["societies"]["water"]
    assert "水利工程" in ranked[0].explanation


def test_ranking_respects_scope(demand, inno, personas):
    names = {r.obj.name for r in ranking.experts_for_demand(demand, personas["outsider"])}
    assert names <= {"赵兖州"}
    assert "王水清" not in names


def test_profile_change_updates_index_incrementally(demand, inno, personas):
    admin = personas["city_admin"]
    first = ranking.engine()
    services.expert_profile_set(
        actor=admin, person=inno["experts"]["machine"],
        data={"keywords": "高浓度有机污水处理、脱氮除磷、膜生物反应器", "achievements": "污水处理工艺改进 污水处理"},
    )  # fmt: skip
    ranked = ranking.experts_for_demand(demand, admin)
    assert ranking.engine() is first  # not rebuilt
    machine = next(r for r in ranked if r.obj == inno["experts"]["machine"])
    assert "污水处理" in machine.shared_terms


def test_demands_for_expert(demand, inno, personas):
    ranked = ranking.demands_for_expert(inno["experts"]["water"], personas["city_admin"])
    assert [r.obj for r in ranked][:1] == [demand]


def test_closed_demand_leaves_the_index(demand, inno, personas):
    services.demand_close(actor=personas["city_admin"], demand=demand, reason="重复")
    assert ranking.demands_for_expert(inno["experts"]["water"], personas["city_admin"]) == []


def test_profile_keywords_form_the_user_dictionary(demand, inno, personas):
    admin = personas["city_admin"]
    services.expert_profile_set(
        actor=admin, person=inno["experts"]["machine"], data={"keywords": "石墨烯量子点、高浓度有机污水处理"}
    )
    engine = ranking.engine()
    assert "石墨烯量子点" in engine.tokenizer.tokenize("制备石墨烯量子点的新方法")
    # a long keyword that would hide a 4-character word (污水处理) is not added
    assert "污水处理" in engine.tokenizer.tokenize("高浓度有机污水处理")
    quantum = services.demand_create(
        actor=admin,
        data=demand_data(
            inno["enterprise"], title="量子点荧光材料", description="需要石墨烯量子点的制备工艺", keywords=""
        ),
    )
    top = ranking.experts_for_demand(quantum, admin)[0]
    assert top.obj == inno["experts"]["machine"] and "石墨烯量子点" in top.shared_terms


def test_change_committed_after_a_sync_is_not_missed(demand, inno, personas):
    """A save whose transaction commits after a sync started carries an earlier `updated_at`."""
    from django.utils import timezone

    from kexie.innovation.models import ExpertProfile

    admin = personas["city_admin"]
    ranking.experts_for_demand(demand, admin)  # builds and syncs
    late = timezone.now() - ranking.SYNC_OVERLAP / 2
    ExpertProfile.objects.filter(person=inno["experts"]["machine"]).update(
        keywords="高浓度有机污水、膜生物反应器、脱氮除磷、污水处理", updated_at=late
    )
    machine = next(
        r for r in ranking.experts_for_demand(demand, admin) if r.obj == inno["experts"]["machine"]
    )
    assert "脱氮除磷" in machine.shared_terms


def test_directory_edits_reach_the_index(demand, inno, personas):
    admin = personas["city_admin"]
    assert ranking.experts_for_demand(demand, admin)[0].obj == inno["experts"]["water"]
    water = inno["experts"]["water"]
    water.is_expert = False
    water.save()
    assert water not in [r.obj for r in ranking.experts_for_demand(demand, admin)]
    assert f"expert:{water.pk}" not in ranking.engine()
