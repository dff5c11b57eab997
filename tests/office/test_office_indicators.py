"""The office's indicators count tasks by deadline, on time vs late, and the review states them."""

import datetime as dt

import pytest

from kexie.core.indicators import Period, Scope, get
from kexie.office import services
from kexie.office.testing import build_office

Y2020 = Period.year(2020)


def value(code, user):
    return get(code).compute(Y2020, Scope(user)).value


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


def test_task_figures(world, office):
    admin = world.users["city_admin"]
    services.task_complete(actor=admin, task=office["task"], done_on=dt.date(2020, 4, 30))  # on time
    services.task_complete(actor=admin, task=office["task_b"], done_on=dt.date(2020, 4, 2))  # late
    services.task_cancel(actor=admin, task=office["task_c"], reason="并入年检")
    assert value("office.tasks_due", admin) == 2
    assert value("office.tasks_on_time", admin) == 1
    assert value("office.tasks_late", admin) == 1
    assert value("office.tasks_open", admin) == 0
    assert value("office.meetings", admin) == 1
    assert value("office.rules_issued", admin) == 1
    # 任城区's staff see nothing of the city's departments
    assert value("office.tasks_due", world.users["county_staff"]) == 0


def test_cadres_outside_counts_each_cadre_once(world, office):
    personnel = office["personnel"]
    for kind, title in (("epidemic", "全市疫情防控党员突击队"), ("four_in", "“四进”攻坚行动")):
        services.assignment_add(actor=personnel, cadre=office["cadre_a"],
                                data={"kind": kind, "title": title, "start_on": dt.date(2020, 2, 3)})  # fmt: skip
    assert value("office.cadres_outside", world.users["city_admin"]) == 1
