"""The demo holds the seed's rules, the year's key tasks, the cadres sent to the epidemic task
force and to 四进 (3 each), through the services; the review states the office's figures."""

import datetime as dt

import pytest

from kexie.core.indicators import Period, Scope, get


@pytest.fixture
def demo(db):
    from kexie.demo.loader import load_demo
    from kexie.office import demo

    context = load_demo()
    demo.load(context)
    return context


def test_demo_holds_the_seed(demo):
    from kexie.accounts.models import User
    from kexie.office import search
    from kexie.office.models import OutsideAssignment, Rule

    scope = Scope(User.objects.get(username="admin"))

    def value(code):
        return get(code).compute(Period.year(2020), scope).value

    titles = set(Rule.objects.unscoped(reason="test").values_list("title", flat=True))
    assert {"济宁市科协财务报销制度", "市科协党组贯彻落实“三重一大”决策制度实施办法"} <= titles
    assert value("office.cadres_outside") == 6
    kinds = OutsideAssignment.objects.unscoped(reason="test").values_list("kind", flat=True)
    assert sorted(kinds) == ["epidemic"] * 3 + ["four_in"] * 3
    assert value("office.tasks_due") == 11 + 6  # the key tasks and the meetings' six decisions
    assert value("office.tasks_late") == 2
    assert value("office.meetings") == 6
    ids = search.matching_ids("三重一大")
    assert Rule.objects.unscoped(reason="test").get(pk=ids[0]).title.startswith("市科协党组贯彻落实")


def test_demo_logins_see_their_part(demo, client):
    from kexie.accounts.models import User
    from kexie.office import selectors

    ganbu = User.objects.get(username="ganbu")
    assert [r.cadre.person.name for r in selectors.records(ganbu)] == ["王方辉"]
    assert selectors.records(User.objects.get(username="renshi")).count() == 14
    li = {d.unit.name for d in selectors.departments(User.objects.get(username="fenguan_li"))}
    assert li == {"组织宣传部", "学会学术部"}
    assert selectors.at_risk(selectors.tasks(ganbu), on=dt.date(2021, 1, 27)).exists()
