"""An independent check: a small synthetic city whose expected figures were computed by hand
from docs/indicators.md alone (each expectation names the rule it follows), for the indicators
issue 9 touched: county keys (市本级), campaign coverage and units, designation types, the
regions of innovation records and the patent service's figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kexie.accounts.models import User
from kexie.accounts.roles import Role
from kexie.activities.models import ActivityKind
from kexie.activities.services import activity_approve, activity_create, activity_submit, campaign_create
from kexie.core.indicators import Period, Scope, evaluate
from kexie.directory.models import Organisation, Person, Region
from kexie.directory.services import _refresh_path, designation_create
from kexie.innovation import patents, services
from kexie.innovation.models import Patent, SocietyProfile
from kexie.innovation.testing import demand_data
from kexie.testing import _user

REGIONS = [
    ("990000", "试验省", "province", None),
    ("990100", "试验市", "city", "990000"),
    ("990101", "东县", "county", "990100"),
    ("990102", "西区", "county", "990100"),
    ("990101001", "东镇", "town", "990101"),
]


def _at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10))


@pytest.fixture
def city(db):
    regions = {}
    for code, name, level, parent in REGIONS:
        regions[code] = Region.objects.create(code=code, name=name, level=level, parent=regions.get(parent))

    def org(name, kind, parent, region, **extra):
        o = Organisation.objects.create(name=name, kind=kind, parent=parent, region=regions[region], **extra)
        _refresh_path(o)
        return o

    o = {}
    o["city"] = org("试验市科协", "association", None, "990100", association_level="city")
    o["east"] = org("东县科协", "association", o["city"], "990101", association_level="county")
    o["west"] = org("西区科协", "association", o["city"], "990102", association_level="county")
    o["school"] = org("东镇中学", "school", o["east"], "990101001")
    o["west_dept"] = org("西区教育局", "government_department", o["west"], "990102")
    o["city_dept"] = org("试验市科技局", "government_department", o["city"], "990100")
    o["e1"] = org("东县甲企业", "enterprise", o["east"], "990101")
    o["e2"] = org("西区乙企业", "enterprise", o["west"], "990102")
    o["s1"] = org("试验省机械学会", "society", o["city"], "990100")
    o["s2"] = org("中国试验学会", "society", o["city"], "990100")
    SocietyProfile.objects.create(society=o["s1"], level="provincial")
    SocietyProfile.objects.create(society=o["s2"], level="national")
    users = {
        "admin": _user("syn_admin", o["city"], [Role.ADMIN]),
        "east": _user("syn_east", o["east"], [Role.EDITOR, Role.REVIEWER]),
    }
    _activities(o, users, regions)
    _designations(o, users)
    _innovation(o, users)
    _patent_service(o, users)
    return {"orgs": o, "users": users}


def _activities(o, users, regions):
    lecture = ActivityKind.objects.get(code="outreach.lecture")
    day = campaign_create(actor=users["admin"], data={
        "name": "试验市科普日", "year": 2020, "start_date": dt.date(2020, 9, 1), "end_date": dt.date(2020, 9, 30),
        "host_unit": o["city"]}, participating_units=[o["school"], o["west_dept"], o["city_dept"]])  # fmt: skip
    campaign_create(actor=users["admin"], data={
        "name": "试验市2019科普日", "year": 2019, "start_date": dt.date(2019, 9, 1), "end_date": dt.date(2019, 9, 30),
        "host_unit": o["city"]}, participating_units=[o["school"]])  # fmt: skip

    def activity(actor, region, day_, participants, campaign=None, approve=True):
        a = activity_create(actor=actor, data={
            "title": "科普讲座", "kind": lecture, "start_date": day_, "end_date": day_, "region": regions[region],
            "organiser": actor.unit, "participants": participants, "campaign": campaign})  # fmt: skip
        if approve:
            activity_submit(actor=actor, activity=a)
            activity_approve(actor=users["admin"], activity=a)

    activity(users["east"], "990101001", dt.date(2020, 9, 15), 100, day)  # A1: a town of 东县
    activity(users["admin"], "990100", dt.date(2020, 9, 20), 50, day)  # A2: the city itself
    activity(users["admin"], "990102", dt.date(2019, 9, 20), 10)  # A3: last year
    activity(users["east"], "990101", dt.date(2020, 3, 1), 999, approve=False)  # A4: a draft


def _designations(o, users):
    def designation(org, type_, level, year, title=""):
        designation_create(actor=users["admin"], data={
            "organisation": org, "type": type_, "level": level, "year": year, "title": title})  # fmt: skip

    designation(o["school"], "outreach_base", "city", 2020, "试验市科普教育基地")  # D1
    designation(o["e2"], "outreach_base", "province", 2020)  # D2
    designation(
        o["e1"], "collaborative_innovation_base", "province", 2020, "科普教育基地"
    )  # D3: another type
    designation(o["school"], "outreach_base", "national", 2019)  # D4: last year


def _innovation(o, users):
    admin = users["admin"]
    x = Person.objects.create(name="院士甲", unit=o["city"], is_expert=True)
    y = Person.objects.create(name="院士乙", unit=o["city"], is_expert=True)
    services.forum_create(actor=admin, data={"name": "东县对接会", "held_on": dt.date(2020, 5, 1),
                                             "host_unit": o["east"]}, academicians=[x, y])  # fmt: skip
    services.forum_create(
        actor=admin, data={"name": "全市恳谈会", "held_on": dt.date(2020, 6, 1)}, academicians=[y]
    )
    demand = services.demand_create(actor=admin, data=demand_data(o["e1"]))
    services.demand_review(actor=admin, demand=demand, on=dt.date(2020, 5, 20))
    services.demand_publish(actor=admin, demand=demand, on=dt.date(2020, 5, 21))
    services.demand_matchmake(actor=admin, demand=demand, society=o["s1"], contacted_on=dt.date(2020, 6, 1))
    services.society_engagement_create(
        actor=admin, data={"society": o["s2"], "kind": "intention", "on": dt.date(2020, 7, 1)}
    )


def _patent_service(o, users):
    p1, p2, p3 = (Patent.objects.create(publication_no=f"CN99{i}A", title=f"试验专利{i}") for i in range(3))
    u1 = User.objects.create(username="syn_e1", unit=o["e1"])
    u2 = User.objects.create(username="syn_e2", unit=o["e2"])
    usages = [
        patents.PatentUsage(
            user=u1, registered_at=_at(2020, 2, 1), searches=[(_at(2020, 2, 2), "甲"), (_at(2020, 2, 3), "乙")],
            selections=[(_at(2020, 3, 1), p1, Decimal("1000.50")), (_at(2020, 3, 1), p2, Decimal("2000.50")),
                        (_at(2020, 3, 2), p3, None)],
        ),
        patents.PatentUsage(
            user=u2, registered_at=_at(2019, 12, 31), searches=[(_at(2020, 1, 5), "丙")],
            selections=[(_at(2020, 1, 6), p1, Decimal("0.49"))],
        ),
    ]  # fmt: skip
    patents.patent_usage_record(actor=users["admin"], usages=usages, list_name="试验清单")
    patents.patent_promotion_create(actor=users["admin"], data={"name": "推广会一", "held_on": dt.date(2020, 7, 16)},
                                    enterprises=[o["e1"], o["e2"]])  # fmt: skip
    patents.patent_promotion_create(actor=users["admin"], data={"name": "推广会二", "held_on": dt.date(2020, 8, 1)},
                                    enterprises=[o["e1"]])  # fmt: skip


def _rows(user, **scope):
    return {r["code"]: r for r in evaluate(Period.year(2020), Scope(user, **scope))}


def test_the_whole_city(city):
    rows = _rows(city["users"]["admin"])
    # by start date, approved only; A2 lies above county level → city_level (市本级)
    county = rows["activities.by_county"]
    assert (county["value"], county["previous"]) == (2, 1)
    # a key with records this period or the previous one is listed (西区: 0 now, 1 last year)
    assert county["breakdown"]["county"] == {"990101": 1, "990102": 0, "city_level": 1}
    assert county["labels"]["county"] == {"990101": "东县", "990102": "西区", "city_level": "市本级"}
    assert (rows["activities.participants"]["value"], rows["activities.participants"]["previous"]) == (
        150,
        10,
    )
    # only county-level divisions are counties: A2 (市本级) covers none
    assert (
        rows["activities.campaign_counties"]["value"],
        rows["activities.campaign_counties"]["previous"],
    ) == (1, 0)
    assert rows["activities.campaign_activities"]["value"] == 2
    # units of the campaigns overlapping the period, each once per campaign
    units = rows["activities.campaign_units"]
    assert (units["value"], units["previous"]) == (3, 1)
    assert list(units["labels"]["campaign"].values()) == ["试验市科普日"]
    assert rows["activities.campaign_departments"]["value"] == 2
    # by type, whatever the title; D4 is last year's (national: 0 now, listed as it had one last year)
    bases = rows["directory.new_outreach_bases"]
    assert (bases["value"], bases["previous"]) == (2, 1)
    assert bases["breakdown"]["level"] == {"city": 1, "province": 1, "national": 0}
    assert rows["innovation.forums"]["value"] == 2
    assert rows["innovation.forum_academicians"]["value"] == 2  # 院士乙 at two forums: once
    assert rows["innovation.societies_engaged"]["breakdown"]["level"] == {
        "national": 1,
        "provincial": 1,
        "city": 0,
    }
    assert (
        rows["innovation.societies_matched"]["value"],
        rows["innovation.society_intentions"]["value"],
    ) == (1, 1)
    assert (
        rows["innovation.patent_registrations"]["value"],
        rows["innovation.patent_registrations"]["previous"],
    ) == (1, 1)
    assert rows["innovation.patent_searches"]["value"] == 3
    assert rows["innovation.patent_selections"]["value"] == 4
    # 1000.50 + 2000.50 + 0.49 = 3001.49, summed exactly, then rounded: 3001 (not 1001 + 2001 + 0)
    assert rows["innovation.patent_savings"]["value"] == 3001
    assert rows["innovation.patent_enterprises_reached"]["value"] == 2  # 东县甲企业 at two meetings: once


@pytest.mark.parametrize("how", ["own view", "org", "region"])
def test_east_county_the_same_whichever_way_the_scope_is_given(city, how):
    users, orgs = city["users"], city["orgs"]
    scope = {"own view": (users["east"], {}), "org": (users["admin"], {"org_id": orgs["east"].pk}),
             "region": (users["admin"], {"region_code": "990101"})}[how]  # fmt: skip
    rows = _rows(scope[0], **scope[1])
    assert rows["activities.by_county"]["breakdown"]["county"] == {"990101": 1}
    assert rows["activities.campaign_units"]["value"] == 1  # 东镇中学 in the city's 科普日
    assert rows["activities.campaign_departments"]["value"] == 0
    assert rows["directory.new_outreach_bases"]["value"] == 1  # D1; D3 is not a 科普教育基地
    if how != "own view":  # records owned by the city association are outside 东县科协's own scope
        assert rows["innovation.forums"]["value"] == 1
        assert rows["innovation.forum_academicians"]["value"] == 2
    if how == "region":  # the engagement about 东县甲企业's demand lies in 东县 (its unit is the city's)
        assert rows["innovation.societies_engaged"]["value"] == 1
        assert rows["innovation.society_intentions"]["value"] == 0
    assert rows["innovation.patent_registrations"]["value"] == 1
    assert rows["innovation.patent_searches"]["value"] == 2
    assert rows["innovation.patent_selections"]["value"] == 3
    assert rows["innovation.patent_savings"]["value"] == 3001  # 3001.00
    assert rows["innovation.patent_enterprises_reached"]["value"] == 1


def test_west_district(city):
    rows = _rows(city["users"]["admin"], region_code="990102")
    assert (rows["activities.by_county"]["value"], rows["activities.by_county"]["previous"]) == (0, 1)
    assert rows["activities.campaign_counties"]["value"] == 0
    assert (rows["activities.campaign_units"]["value"], rows["activities.campaign_departments"]["value"]) == (
        1,
        1,
    )
    assert rows["directory.new_outreach_bases"]["value"] == 1  # D2
    assert rows["innovation.forums"]["value"] == 0
    assert rows["innovation.societies_engaged"]["value"] == 0
    registrations = rows["innovation.patent_registrations"]
    assert (registrations["value"], registrations["previous"]) == (0, 1)
    assert (rows["innovation.patent_searches"]["value"], rows["innovation.patent_selections"]["value"]) == (
        1,
        1,
    )
    assert rows["innovation.patent_savings"]["value"] == 0  # 0.49 元 rounds to 0
    assert rows["innovation.patent_enterprises_reached"]["value"] == 1
