"""The societies' indicators count what the services recorded, within the user's scope."""

import datetime as dt

import pytest

from kexie.core import indicators
from kexie.core.indicators import Period, Scope
from kexie.directory.services import organisation_create, person_create
from kexie.societies import grassroots, services

pytestmark = pytest.mark.django_db


def _value(code, user, year=2020, **dim):
    result = indicators.get(code).compute(Period.year(year), Scope(user=user))
    if dim:
        ((name, key),) = dim.items()
        return result.breakdown[name].get(key)
    return result.value


def test_reports_rectifications_term_renewals_and_heads(world, personas):
    admin, secretary, staff = personas["city_admin"], personas["society_secretary"], personas["county_staff"]
    society, county = world.orgs["society"], world.orgs["rencheng"]
    report = services.annual_report_prepare(actor=secretary, org=society, year=2020)
    services.annual_report_update(
        actor=secretary, report=report, data={"compliance": "合规", "income": 1, "expenditure": 1}
    )
    services.annual_report_submit(actor=secretary, report=report)
    services.annual_report_prepare(actor=admin, org=county, year=2020)  # a draft: not counted
    assert _value("societies.annual_reports", admin) == 1
    assert _value("societies.annual_reports", admin, status="draft") == 1
    assert _value("societies.annual_reports", staff) == 0  # the county sees its own draft only
    item = services.rectification_order(actor=admin, org=society, data={
        "reasons": "不履行职责", "required_evidence": "整改报告", "ordered_on": dt.date(2020, 10, 9),
        "deadline": dt.date(2020, 12, 31)})  # fmt: skip
    services.rectification_decide(actor=admin, item=item, outcome="closed", note="整改到位")
    assert _value("societies.rectifications", admin) == 1
    term = services.term_create(actor=admin, org=county, data={"starts_on": dt.date(2015, 11, 1)})
    services.term_record_congress(actor=admin, term=term, congress_on=dt.date(2020, 10, 20))
    services.term_create(actor=admin, org=county, data={"starts_on": dt.date(2020, 10, 20)})
    assert _value("societies.term_renewals", admin) == 1
    assert (
        _value("societies.term_renewals", admin, year=2020, stage="due") == 1
    )  # the 2015 term ended 2020-10-31
    hospital = organisation_create(actor=staff, data={"name": "任城区人民医院", "kind": "hospital",
                                                      "region": world.regions["370811"]})  # fmt: skip
    head = person_create(actor=staff, data={"name": "钱院长", "unit": county})
    grassroots.grassroots_head_add(actor=staff, unit=hospital, person=head)
    assert _value("societies.grassroots_coverage", admin) == 50.0  # the hospital of 2 units (and the school)
    assert _value("societies.grassroots_coverage", personas["outsider"]) is None
