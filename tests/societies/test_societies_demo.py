"""The demo reproduces the seed's societies figures through the services."""

import pytest

from kexie.core.indicators import Period, Scope, get


@pytest.fixture
def demo(db):
    from kexie.demo.loader import load_demo
    from kexie.societies import demo

    context = load_demo()
    demo.load(context)
    return context


def test_demo_figures_match_the_seed(demo):
    from kexie.directory.models import OrganisationYear
    from kexie.societies.models import Founding, Rectification

    admin = demo.users["admin"]
    scope = Scope(admin)

    def result(code, year=2020):
        return get(code).compute(Period.year(year), scope)

    coverage = result("directory.party_coverage")
    assert (round(coverage.previous), coverage.value) == (77, 100.0)  # 77% → 100%, one source
    years = OrganisationYear.objects.unscoped(reason="test").filter(organisation__kind="society", year=2020)
    assert set(years.values_list("party_form", flat=True)) == {"independent", "joint"}
    assert result("societies.term_renewals").value == 7
    assert result("societies.rectifications").breakdown["stage"] == {"opened": 1, "closed": 1}
    assert Rectification.objects.unscoped(reason="test").get().organisation.name == "济宁市乐伴青少年科普中心"
    founded = Founding.objects.unscoped(reason="test").filter(status="founded")
    assert sorted(founded.values_list("organisation__kind", flat=True)) == ["research_institute"] * 2
    assert Founding.objects.unscoped(reason="test").filter(status="preparing").count() == 1
    assert result("societies.evaluated").value == 10
    assert result("societies.annual_reports", 2019).value == 29
    assert 0 < result("societies.grassroots_coverage").value < 100
