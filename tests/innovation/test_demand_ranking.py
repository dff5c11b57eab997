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
