"""The 科技馆体系 view lists every county, those without a venue too (无场馆, 0 visitors), and
each county's trend is the sum of its venues per year (before: only counties with a venue, and
a trend only per venue)."""

import datetime as dt

from django.urls import reverse

from kexie.bases import selectors, services, testing


def _system(world):
    staff = world.users["county_staff"]
    admin = world.users["city_admin"]
    a = testing.venue(staff, world.regions["370811"], name="任城区科技馆")
    b = testing.venue(staff, world.regions["370811"], name="任城区运河科普馆")
    city = testing.venue(admin, world.regions["370800"], name="济宁市科技馆", kind="science_centre")
    for venue, month, n in [(a, dt.date(2019, 5, 1), 1000), (a, dt.date(2020, 5, 1), 1200), (a, dt.date(2020, 6, 1), 300),
                            (b, dt.date(2020, 7, 1), 500), (b, dt.date(2015, 7, 1), 9999), (city, dt.date(2020, 1, 1), 7000)]:  # fmt: skip
        services.venue_visitors_record(actor=admin, venue=venue, month=month, visitors=n)
    return a, b, city


def test_every_county_is_listed_and_its_trend_sums_its_venues(world):
    _system(world)
    rows = selectors.science_centre_system(world.users["city_admin"], 2020)
    assert [r["region"].name for r in rows] == [
        "任城区",
        "兖州区",
        "济宁市",
    ]  # counties first, then the city's own
    rencheng, yanzhou, city = rows
    assert [v["venue"].name for v in rencheng["venues"]] == ["任城区科技馆", "任城区运河科普馆"]
    assert rencheng["visitors"] == 2000
    assert rencheng["trend"] == [
        {"year": 2016, "visitors": 0},
        {"year": 2017, "visitors": 0},
        {"year": 2018, "visitors": 0},
        {"year": 2019, "visitors": 1000},
        {"year": 2020, "visitors": 2000},
    ]  # fmt: skip (2015 lies outside the five years)
    assert yanzhou["venues"] == [] and yanzhou["visitors"] == 0
    assert [p["visitors"] for p in yanzhou["trend"]] == [0, 0, 0, 0, 0]
    assert city["visitors"] == 7000
    assert selectors.system_trend_totals(rows)[-2:] == [{"year": 2019, "visitors": 1000},
                                                        {"year": 2020, "visitors": 9000}]  # fmt: skip
    # a county's staff: their county only
    assert [r["region"].name for r in selectors.science_centre_system(world.users["county_staff"], 2020)] == [
        "任城区"
    ]


def test_the_page_and_the_api_show_the_county_without_a_venue(client, world):
    _system(world)
    client.force_login(world.users["city_admin"])
    page = client.get(reverse("bases:system"), {"year": 2020}).content.decode().replace(",", "")
    empty = page[page.index('class="county-without-venue"') :]
    assert empty.index("兖州区") < empty.index("无场馆") < empty.index("</tr>")
    trend = page[page.index('id="system-trend"') :]
    assert "2016年" in trend and "2020年" in trend and "2021年" not in trend
    rencheng = trend[trend.index("任城区") : trend.index("</tr>", trend.index("任城区"))]
    assert "<td>1000</td><td>2000</td>" in rencheng
    assert "<th>1000</th><th>9000</th>" in trend  # the whole system's row
    answer = client.get("/api/v1/bases/system", {"year": 2020}).json()
    assert [(r["region"], r["visitors"], len(r["venues"])) for r in answer] == [
        ("任城区", 2000, 2), ("兖州区", 0, 0), ("济宁市", 7000, 1),
    ]  # fmt: skip
    assert answer[0]["trend"][-2:] == [{"year": 2019, "visitors": 1000}, {"year": 2020, "visitors": 2000}]
