"""个人会员 (AX表1-2 01) is the society's 会员数 typed for each year (directory 年度情况): a stock per
year, so a past year's table holds that year's figure, whatever is typed for later years."""

from kexie.directory.models import OrganisationYear
from kexie.stats import services
from kexie.stats.compute import report_cells


def _members(report) -> int | None:
    return report_cells(report)[("AX表1-2", "01-1")].value


def test_a_past_years_table_uses_that_years_member_count(world):
    society, admin = world.orgs["society"], world.users["city_admin"]
    OrganisationYear.objects.create(organisation=society, year=2019, member_count=120)
    this_year = OrganisationYear.objects.create(organisation=society, year=2020, member_count=150)
    assert _members(services.report_prepare(actor=admin, unit=society, year=2019)) == 120
    report_2020 = services.report_prepare(actor=admin, unit=society, year=2020)
    assert _members(report_2020) == 150
    this_year.member_count = 180
    this_year.save()
    services.report_compute(actor=admin, report=report_2020)
    assert _members(report_2020) == 180
    # the city's fill (every unit from one grouped query) gives each year its own figure
    for year, expected in ((2019, 120), (2020, 180), (2018, 0)):
        filled = {r.unit_id: r for r in services.fill_city(actor=admin, city=world.orgs["city"], year=year)}
        assert _members(filled[society.pk]) == expected, year
