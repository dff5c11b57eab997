"""People at 31 December: AK表1-1 机关在编人员 counts the cadres (kexie.office) in post at the year's
end by their 到岗/离岗日期, so a past year's stock is right after people joined or left."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kexie.office import services as office
from kexie.stats import compute, services
from kexie.stats.compute import report_cells


@pytest.fixture
def staff(world):
    """任城区科协's department: 甲 (F) since 2018, 乙 from 2021, 丙 2015 – 30 June 2020, 丁 no dates."""
    admin = world.users["city_admin"]
    department = office.department_create(actor=admin, name="任城区科协办公室", parent=world.orgs["rencheng"])
    made = {}
    for name, gender, joined in (("甲", "F", dt.date(2018, 3, 1)), ("乙", "F", dt.date(2021, 2, 1)),
                                 ("丙", "F", dt.date(2015, 1, 5)), ("丁", "M", None)):  # fmt: skip
        made[name] = office.cadre_create(
            actor=admin, name=name, department=department.unit, gender=gender, joined_on=joined
        )
    office.cadre_end(actor=admin, cadre=made["丙"], reason="调离", left_on=dt.date(2020, 6, 30))
    return made


def _staff(unit, year) -> tuple[int, int]:
    figures = compute.subtree_figures(unit, year, compute.tables_of(unit, year))
    return figures[("AK表1-1", "06-1")], figures[("AK表1-1", "07-1")]


def test_staff_are_counted_in_post_at_31_december_by_their_dates(world, staff):
    county = world.orgs["rencheng"]
    assert _staff(county, 2020) == (2, 1)  # 甲 and 丁; 丙 left in June, 乙 came in 2021
    assert _staff(county, 2019) == (3, 2)  # 甲, 丙 and 丁
    assert _staff(county, 2021) == (3, 2)  # 甲, 乙 and 丁
    assert _staff(world.orgs["yanzhou"], 2020) == (0, 0)
    report = services.report_prepare(actor=world.users["county_staff"], unit=county, year=2020)
    assert report_cells(report)[("AK表1-1", "06-1")].value == 2
    # the city's fill counts them the same way (one grouped query for every unit)
    filled = {r.unit_id: r for r in services.fill_city(actor=world.users["city_admin"], city=world.orgs["city"],
                                                          year=2019)}  # fmt: skip
    assert report_cells(filled[county.pk])[("AK表1-1", "06-1")].value == 3
    assert report_cells(filled[world.orgs["city"].pk])[("AK表1-1", "06-1")].value == 0  # 本级: none


def test_leaving_is_dated_and_not_before_joining(world, staff):
    cadre = staff["甲"]
    with pytest.raises(ValidationError, match="离岗日期不能早于到岗日期"):
        office.cadre_end(actor=world.users["city_admin"], cadre=cadre, left_on=dt.date(2017, 1, 1))
    cadre.refresh_from_db()
    assert cadre.is_active and cadre.left_on is None
    staff["丙"].refresh_from_db()
    assert staff["丙"].left_on == dt.date(2020, 6, 30) and not staff["丙"].is_active
