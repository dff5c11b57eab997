import datetime as dt

import pytest

from kexie.core.indicators import Period, Scope, evaluate, get, review_sections
from kexie.innovation import patents, ranking, services
from kexie.innovation.models import Patent
from kexie.innovation.testing import build_innovation_world, demand_data

Y2020 = Period.year(2020)


@pytest.fixture
def inno(world):
    ranking.reset()
    patents.reset_index()
    yield build_innovation_world(world)
    patents.reset_index()


def value(code, user, period=Y2020):
    return get(code).compute(period, Scope(user)).value


def test_pipeline_figures(inno, personas):
    admin = personas["city_admin"]
    ent = inno["enterprise"]
    visit = services.enterprise_visit_create(
        actor=admin, data={"enterprise": ent, "visited_on": dt.date(2020, 4, 2), "staff": "张三、李四"}
    )
    services.enterprise_visit_create(
        actor=admin, data={"enterprise": ent, "visited_on": dt.date(2020, 8, 2), "staff": "张三"}
    )
    services.enterprise_visit_create(
        actor=admin,
        data={"enterprise": inno["other_enterprise"], "visited_on": dt.date(2019, 8, 2), "staff": "王五"},
    )
    d1 = services.demand_create(actor=admin, data=demand_data(ent, visit=visit))
    services.demand_create(actor=admin, data=demand_data(ent, title="数控机床改造", industry="装备制造"))
    services.demand_review(actor=admin, demand=d1, on=dt.date(2020, 5, 20))
    services.demand_publish(actor=admin, demand=d1, on=dt.date(2020, 5, 21))
    services.demand_matchmake(
        actor=admin, demand=d1, society=inno["societies"]["water"], contacted_on=dt.date(2020, 6, 1)
    )
    services.demand_record_intention(
        actor=admin, demand=d1, society=inno["societies"]["machinery"], on=dt.date(2020, 6, 20)
    )
    forum = services.forum_create(
        actor=admin,
        data={"name": "2020年产学研合作暨院士恳谈会", "held_on": dt.date(2020, 9, 1), "venue": "济宁"},
        academicians=[inno["experts"]["water"], inno["experts"]["machine"]],
    )
    services.demand_sign(
        actor=admin, demand=d1, data={"parties": "甲;乙", "signed_on": dt.date(2020, 9, 1), "forum": forum}
    )
    services.agreement_create(
        actor=admin,
        data={
            "title": "另一签约",
            "parties": "丙;丁",
            "signed_on": dt.date(2020, 9, 1),
            "forum": forum,
            "unit": ent,
        },
    )

    assert value("innovation.enterprises_visited", admin) == 1
    assert get("innovation.enterprises_visited").compute(Y2020, Scope(admin)).previous == 1
    demands = get("innovation.demands_collected").compute(Y2020, Scope(admin))
    assert demands.value == 2 and demands.breakdown["industry"] == {"节能环保": 1, "装备制造": 1}
    assert value("innovation.intentions", admin) == 1
    assert value("innovation.agreements_signed", admin) == 2
    assert value("innovation.forums", admin) == 1
    assert value("innovation.forum_academicians", admin) == 2
    engaged = get("innovation.societies_engaged").compute(Y2020, Scope(admin))
    assert (
        engaged.value == 2
        and engaged.breakdown["level"]["national"] == 1
        and engaged.breakdown["level"]["provincial"] == 1
    )
    assert (
        get("innovation.society_intentions").compute(Y2020, Scope(admin)).breakdown["level"]["provincial"]
        == 1
    )
    # Out of scope: the 兖州 admin sees none of 任城's figures.
    assert value("innovation.demands_collected", personas["outsider"]) == 0
    # drill-down lists the records behind a breakdown item
    assert (
        list(get("innovation.demands_collected").records(Y2020, Scope(admin), "industry", "装备制造"))[
            0
        ].title
        == "数控机床改造"
    )


def test_patent_service_figures_count_events(inno, personas):
    Patent.objects.create(
        publication_no="CN1A", title="污水处理装置", abstract="污水处理", ipc_codes=";C02F3/12;"
    )
    Patent.objects.create(
        publication_no="CN2A", title="污泥脱水机", abstract="污水处理厂污泥", ipc_codes=";C02F11/12;"
    )
    user = inno["enterprise_user"]
    patents.patent_registration_create(actor=user)
    for q in ("污水处理", "污泥", "污水处理"):
        patents.patent_search(actor=user, query=patents.PatentQuery(q=q))
    chosen = patents.selection_list_create(actor=user, name="备选")
    for p in Patent.objects.all():
        patents.patent_select(actor=user, selection_list=chosen, patent=p)
    year = Period.year(dt.date.today().year)
    admin = personas["city_admin"]
    rows = {r["code"]: r["value"] for r in evaluate(year, Scope(admin))}
    assert rows["innovation.patent_registrations"] == 1
    assert rows["innovation.patent_searches"] == 3
    assert rows["innovation.patent_selections"] == 2
    assert value("innovation.patent_searches", personas["outsider"], year) == 0


def test_review_section_uses_registered_codes():
    from kexie.core.indicators import all_indicators

    codes = {i.code for i in all_indicators()}
    sections = [s for s in review_sections() if s.module == "innovation"]
    assert sections
    import re

    used = {
        m.split("|")[0].removesuffix(".previous")
        for s in sections
        for m in re.findall(r"\{([^}]+)\}", s.template)
    }
    assert used - {"area"} <= codes  # {area} is 全市 or 全区/全县, not an indicator


def test_forums_and_society_engagements_belong_to_a_county(inno, personas, world):
    """A forum belongs to its host unit's county; an engagement about a demand to the demand's
    enterprise's county, other engagements to their own unit's: a county's figures are its own."""
    admin, regions = personas["city_admin"], world.regions
    enterprise = inno["enterprise"]
    enterprise.region = regions["370811"]
    enterprise.save()
    services.forum_create(actor=admin, data={"name": "任城区产学研对接会", "held_on": dt.date(2020, 5, 1),
                                             "host_unit": world.orgs["rencheng"]},
                          academicians=[inno["experts"]["water"]])  # fmt: skip
    services.forum_create(
        actor=admin, data={"name": "全市院士恳谈会", "held_on": dt.date(2020, 9, 1)},
        academicians=[inno["experts"]["water"], inno["experts"]["machine"]],
    )  # fmt: skip
    demand = services.demand_create(actor=admin, data=demand_data(enterprise))
    services.demand_review(actor=admin, demand=demand, on=dt.date(2020, 5, 20))
    services.demand_publish(actor=admin, demand=demand, on=dt.date(2020, 5, 21))
    services.demand_matchmake(
        actor=admin, demand=demand, society=inno["societies"]["water"], contacted_on=dt.date(2020, 6, 1)
    )
    services.society_engagement_create(actor=admin, data={
        "society": inno["societies"]["machinery"], "kind": "intention", "on": dt.date(2020, 7, 1),
    })  # fmt: skip

    def figures(**scope):
        rows = evaluate(Y2020, Scope(admin, **scope), [
            "innovation.forums", "innovation.forum_academicians", "innovation.societies_engaged",
            "innovation.societies_matched", "innovation.society_intentions",
        ])  # fmt: skip
        return [r["value"] for r in rows]

    assert figures() == [2, 2, 2, 1, 1]
    assert figures(region_code="370811") == [1, 1, 1, 1, 0]
    assert figures(region_code="370812") == [0, 0, 0, 0, 0]
    assert figures(region_code="370800") == [2, 2, 2, 1, 1]
    forums = get("innovation.forums").records(Y2020, Scope(admin, region_code="370811"))
    assert [f.name for f in forums] == ["任城区产学研对接会"]
