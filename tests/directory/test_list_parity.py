"""One read path: the web page, the API and the export of a list find the same rows for the
same filters, and those rows are what the filters mean (a kind with every kind below it, a
region with every region below it, text as a case-insensitive substring).

The fixture nests kinds and regions three levels deep, gives a child kind a code that does
not start with its parent's code, and mixes the case of titles and names: each of these used
to make one channel disagree with another.
"""

import csv
import datetime as dt
import io

import pytest
from django.urls import NoReverseMatch, reverse

from kexie.activities.models import Activity, ActivityKind
from kexie.directory import services as directory_services
from kexie.directory.models import Organisation, Person, Region

# ---- fixture ---------------------------------------------------------------------------------


@pytest.fixture
def tree(world):
    """Below 任城区: a town, a community below it and a grid below that (any depth)."""
    county = world.regions["370811"]
    town = Region.objects.create(code="370811001", name="示例街道", level="town", parent=county)
    community = Region.objects.create(code="370811001001", name="示例社区", level="town", parent=town)
    grid = Region.objects.create(code="370811001101", name="示例网格", level="town", parent=community)
    outreach = world.kinds["outreach"]
    community_kind = world.kinds["outreach.community"]
    night = ActivityKind.objects.create(
        code="outreach.community.night", name="社区科普夜校", parent=community_kind
    )
    fair = ActivityKind.objects.create(
        code="fair", name="科普集市", parent=outreach
    )  # code not under outreach.
    return {
        "county": county, "town": town, "community": community, "grid": grid,
        "outreach": outreach, "community_kind": community_kind, "night": night, "fair": fair,
    }  # fmt: skip


def _ids(rows) -> set[int]:
    return {row.pk for row in rows}


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _api_ids(client, url: str, params: dict) -> set[int]:
    response = client.get(url, {**params, "limit": 200})
    assert response.status_code == 200, response.content[:300]
    return {item["id"] for item in response.json()["items"]}


def _web_ids(client, url: str, params: dict) -> set[int] | str:
    response = client.get(url, params)
    assert response.status_code == 200
    form = response.context["filter"]
    if form.is_bound and not form.is_valid():  # the page must accept the filter, not silently drop it
        return f"filter refused: {dict(form.errors)}"
    return {row.pk for row in response.context["page"].object_list}


def _export_ids(client, name: str, params: dict, key: str, ids: dict) -> set[int] | str:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return f"no export of the filtered list ({name})"
    return {ids[row[key]] for row in _csv_rows(client.get(url, {**params, "format": "csv"}))}


def _compare(case, want, web, api, export) -> list[str]:
    """The channels that disagree with the filter's meaning, in words (all cases are tried, so
    a failure lists every disagreement at once)."""
    return [
        f"{case}: {channel} {sorted(got) if isinstance(got, set) else got} != {sorted(want)}"
        for channel, got in (("web", web), ("api", api), ("export", export))
        if got != want
    ]


# ---- activities ------------------------------------------------------------------------------


@pytest.fixture
def ledger(world, tree, make_activity):
    k, r = world.kinds, tree

    def make(title, kind, region, **extra):
        return make_activity(title=title, kind=kind, region=region, **extra)

    rows = {
        "lecture": make("Python 科普讲座", k["outreach.lecture"], r["county"]),
        "night": make("PYTHON 夜校", r["night"], r["grid"]),
        "fair": make("科普集市 python 展", r["fair"], r["town"]),
        "community": make("社区科普", r["community_kind"], r["community"]),
        "training": make("骨干培训", k["training"], world.regions["370812"], start_date=dt.date(2021, 3, 1),
                         end_date=dt.date(2021, 3, 1)),
        "meeting": make("年会 Python", k["meeting"], world.regions["370800"]),
    }  # fmt: skip
    return rows


def _activity_cases(world, tree, rows):
    """(web params, API params, expected keys)."""
    everything = set(rows)
    return [
        ({"kind": tree["outreach"].pk}, {"kind_id": tree["outreach"].pk}, {"lecture", "night", "fair", "community"}),
        ({"kind": tree["community_kind"].pk}, {"kind_id": tree["community_kind"].pk}, {"night", "community"}),
        ({"region": tree["county"].pk}, {"region_id": tree["county"].pk}, {"lecture", "night", "fair", "community"}),
        ({"q": "python"}, {"search": "python"}, {"lecture", "night", "fair", "meeting"}),
        ({"q": "  PyThOn "}, {"search": "  PyThOn "}, {"lecture", "night", "fair", "meeting"}),
        ({"q": rows["training"].code}, {"search": rows["training"].code}, {"training"}),
        ({"kind": tree["outreach"].pk, "region": tree["county"].pk, "q": "python"},
         {"kind_id": tree["outreach"].pk, "region_id": tree["county"].pk, "search": "python"},
         {"lecture", "night", "fair"}),
        ({"year": 2021}, {"year": 2021}, {"training"}),
        ({}, {}, everything),
    ]  # fmt: skip


def test_activity_list_same_rows_on_web_api_and_export(client, world, tree, ledger):
    client.force_login(world.users["city_admin"])
    by_code = {a.code: a.pk for a in Activity.objects.unscoped(reason="test")}
    problems = []
    for web, api, expected in _activity_cases(world, tree, ledger):
        want = {ledger[key].pk for key in expected}
        problems += _compare(
            web, want,
            _web_ids(client, reverse("activities:list"), web),
            _api_ids(client, "/api/v1/activities/", api),
            _export_ids(client, "activities:export", web, "编号", by_code),
        )  # fmt: skip
    assert not problems, "\n".join(problems)


# ---- organisations ---------------------------------------------------------------------------

USCC = "91370800MA3C0Q6X1H"


@pytest.fixture
def organisations(world, tree):
    city = world.orgs["city"]
    admin = world.users["city_admin"]

    def make(name, kind="enterprise", region=None, parent=city, **extra):
        data = {"name": name, "kind": kind, "region": region, "parent": parent, **extra}
        return directory_services.organisation_create(actor=admin, data=data)

    return {
        "abc": make("ABC 科技有限公司", region=tree["grid"], uscc=USCC),
        "abc_lower": make("abc 软件有限公司", region=tree["town"]),
        "society": make("任城区科普志愿者协会", kind="other", region=tree["county"], short_name="Kepu"),
        "elsewhere": make("兖州区示例企业", region=world.regions["370812"], parent=world.orgs["yanzhou"]),
    }


def test_organisation_list_same_rows_on_web_api_and_export(client, world, tree, organisations):
    o = organisations
    client.force_login(world.users["city_admin"])
    rencheng, school = world.orgs["rencheng"], world.orgs["school"]
    cases = [
        ({"region": tree["county"].pk}, {"region_id": tree["county"].pk},
         {o["abc"].pk, o["abc_lower"].pk, o["society"].pk, rencheng.pk, school.pk}),
        ({"q": "abc"}, {"search": "abc"}, {o["abc"].pk, o["abc_lower"].pk}),
        ({"q": "kEPU"}, {"search": "kEPU"}, {o["society"].pk}),
        ({"q": USCC[2:10].lower()}, {"search": USCC[2:10].lower()}, {o["abc"].pk}),
        ({"kind": "enterprise", "region": tree["county"].pk}, {"kind": "enterprise", "region_id": tree["county"].pk},
         {o["abc"].pk, o["abc_lower"].pk}),
        ({"parent": world.orgs["yanzhou"].pk}, {"parent_id": world.orgs["yanzhou"].pk},
         {o["elsewhere"].pk, world.orgs["base"].pk}),
    ]  # fmt: skip
    by_name = dict(Organisation.objects.unscoped(reason="test").values_list("name", "pk"))
    problems = []
    for web, api, want in cases:
        problems += _compare(
            web, want,
            _web_ids(client, reverse("directory:org_list"), web),
            _api_ids(client, "/api/v1/directory/organisations", api),
            _export_ids(client, "directory:org_export", web, "名称", by_name),
        )  # fmt: skip
    assert not problems, "\n".join(problems)


# ---- people ----------------------------------------------------------------------------------


@pytest.fixture
def people(world):
    admin = world.users["city_admin"]
    rencheng, society = world.orgs["rencheng"], world.orgs["society"]

    def make(name, unit, **extra):
        return directory_services.person_create(actor=admin, data={"name": name, "unit": unit, **extra})

    return {
        "li": make("李明", rencheng, is_expert=True, discipline="190"),
        "bright": make("明亮", rencheng, is_volunteer=True),
        "wang": make("王小明", society, is_expert=True),
        "ada": make("Ada Lovelace", society, discipline="190"),
        "lady": make("Lady ADA", rencheng, is_expert=True),
        "zhang": make("张三", society),
    }


def test_person_list_same_rows_on_web_api_and_export(client, world, people):
    p = people
    client.force_login(world.users["city_admin"])
    rencheng = world.orgs["rencheng"]
    cases = [
        ({"q": "明"}, {"search": "明"}, {p["li"].pk, p["bright"].pk, p["wang"].pk}),
        ({"q": "ada"}, {"search": "ada"}, {p["ada"].pk, p["lady"].pk}),
        ({"q": "ADA", "tag": "expert"}, {"search": "ADA", "tag": "expert"}, {p["lady"].pk}),
        ({"unit": rencheng.pk}, {"unit_id": rencheng.pk}, {p["li"].pk, p["bright"].pk, p["lady"].pk}),
        ({"discipline": "190", "q": "a"}, {"discipline": "190", "search": "a"}, {p["ada"].pk}),
        ({}, {}, {person.pk for person in p.values()}),
    ]
    by_name = dict(Person.objects.unscoped(reason="test").values_list("name", "pk"))
    problems = []
    for web, api, want in cases:
        problems += _compare(
            web, want,
            _web_ids(client, reverse("directory:person_list"), web),
            _api_ids(client, "/api/v1/directory/people", api),
            _export_ids(client, "directory:person_export", web, "姓名", by_name),
        )  # fmt: skip
    assert not problems, "\n".join(problems)


def test_a_wrong_filter_is_named_on_the_page_and_refused_by_the_export(client, world, tree, ledger):
    """The page leaves out only the value it cannot read, and says so; the export refuses."""
    client.force_login(world.users["city_admin"])
    params = {"region": tree["county"].pk, "kind": 999999}
    response = client.get(reverse("activities:list"), params)
    assert {row.pk for row in response.context["page"].object_list} == {
        ledger[key].pk for key in ("lecture", "night", "fair", "community")
    }
    assert "筛选条件有误,已忽略:类型" in response.content.decode()
    export = client.get(reverse("activities:export"), params)
    assert export.status_code == 400 and "类型" in export.content.decode()


def test_county_filter_offers_the_county_of_a_unit_at_any_depth(world, tree):
    """A county's units may sit in a town, a community or a grid below it: the county filter
    offers that county (it used to look two levels down only), and no other county."""
    from kexie.accounts.models import User
    from kexie.directory.selectors import counties_in_scope

    grid_unit = directory_services.organisation_create(
        actor=world.users["city_admin"],
        data={
            "name": "网格科普站",
            "kind": "outreach_base",
            "region": tree["grid"],
            "parent": world.orgs["city"],
        },
    )
    user = User.objects.create(username="grid_staff", unit=grid_unit, roles=["editor"])
    assert list(counties_in_scope(user)) == [tree["county"]]
    assert list(counties_in_scope(world.users["city_admin"])) == [
        world.regions["370811"],
        world.regions["370812"],
    ]
    assert list(counties_in_scope(world.users["county_staff"])) == [world.regions["370811"]]


@pytest.mark.django_db
def test_the_county_filter_reads_each_located_region_once_not_each_unit(world):
    """The located regions are read as distinct region ids: with the model's default ordering
    (path) left on, DISTINCT covered (region, path) and returned every unit of the scope (100,000
    rows for a city of that size: 0.2 s on every ledger page built afresh)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kexie.directory.selectors import counties_in_scope

    with CaptureQueriesContext(connection) as captured:
        list(counties_in_scope(world.users["city_admin"]))
    (located,) = [q["sql"] for q in captured if "DISTINCT" in q["sql"]]
    assert '"path"' not in located.split("FROM")[0] and "ORDER BY" not in located
