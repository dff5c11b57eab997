import datetime as dt

import pytest

from kexie.funds import services


@pytest.fixture
def admin(world):
    return world.users["city_admin"]


@pytest.fixture
def given(world, admin):
    """The city's 基层科普行动计划 (funds given below), with its call for projects."""
    programme = services.programme_create(
        actor=admin,
        data={"name": "2020年济宁市基层科普行动计划", "kind": "grassroots", "direction": "given", "year": 2020,
              "budget_fen": 40_000_000},
        call_data={"title": "2020年基层科普行动计划项目征集", "opens_on": dt.date(2020, 3, 1),
                   "closes_on": dt.date(2020, 4, 30)},
    )  # fmt: skip
    from kexie.calls import services as calls

    calls.call_open(actor=admin, call=programme.call)
    return programme


@pytest.fixture
def won(world, admin):
    """The provincial 科普行动计划 funds won from above (no call of the city's)."""
    return services.programme_create(actor=admin, data={
        "name": "2020年省级科普行动计划", "kind": "provincial_action", "direction": "won", "year": 2020,
        "budget_fen": 215_000_000, "source_body": "山东省科学技术协会"})  # fmt: skip


def lines(*amounts):
    return [{"item": f"科目{n}", "amount_fen": a} for n, a in enumerate(amounts, start=1)]
