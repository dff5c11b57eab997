"""The demo names the seed's bases, venues and funds through the services, and the 2020 review
states them."""

import pytest

from kexie.core.indicators import Period, Scope, get
from kexie.demo.loader import load_demo
from kexie.directory.models import Designation
from kexie.funds.ledger import ledger
from kexie.funds.models import Project
from kexie.reports.review import build_review


@pytest.fixture
def demo(db):
    from kexie.bases import demo as bases_demo
    from kexie.funds import demo as funds_demo

    context = load_demo()
    bases_demo.load(context)
    funds_demo.load(context)
    return context


def test_the_demo_reproduces_the_seed(demo):
    scope, year = Scope(demo.users["admin"]), Period.year(2020)

    def value(code, **key):
        result = get(code).compute(year, scope)
        if not key:
            return result.value
        ((dimension, k),) = key.items()
        return result.breakdown[dimension].get(k, 0)

    named = Designation.objects.unscoped(reason="test").filter(year=2020, type="outreach_base")
    assert (named.filter(level="city").count(), named.filter(level="province").count()) == (17, 16)
    assert all(d.base_record.entry_id for d in named)
    assert value("directory.new_outreach_bases", level="city") == 17
    assert value("bases.assessed") == 17 and value("bases.assessed", outcome="excellent") == 5
    assert value("bases.venues", kind="special") == 4
    assert value("bases.visitors") > 0
    assert (
        value("funds.won", kind="provincial_action"),
        value("funds.won_projects", kind="provincial_action"),
    ) == (215, 16)
    assert (value("funds.won", kind="demonstration"), value("funds.won_projects", kind="demonstration")) == (
        63,
        7,
    )
    assert (value("funds.given", kind="grassroots"), value("funds.given_units", kind="grassroots")) == (
        40,
        16,
    )
    assert value("funds.projects_closed") == 6
    for project in Project.objects.unscoped(reason="test"):
        assert ledger(project).problems() == []

    text = build_review(year, scope).text
    assert "新增命名17家市级、16家省级科普教育基地" in text
    assert "其中特色科普场馆4个" in text
    assert "争取省级科普行动计划资金215万元,培养科普项目16个" in text
    assert "争取省级科普示范工程项目7个,资金63万元" in text
    assert "配套40万元基层科普行动计划资金,支持我市16个农技协、基地建设" in text
