"""The path up: a county's contest recommends its winners into the city's (within the city's
quota for the county), the city's winners go to the province within the call's quota, and the
higher contests' results come back per entry and level."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from kexie.calls import higher, notice, services
from kexie.calls.models import Entry, HigherResult
from kexie.calls.testing import open_call
from kexie.core.indicators import Period, Scope, get
from kexie.core.models import AuditEntry

PUBLISHED, AFTER = dt.date(2020, 9, 29), dt.date(2020, 10, 14)
PRIZES = [{"code": "first", "label": "一等奖"}, {"code": "second", "label": "二等奖"}]
ABSTRACT = [{"name": "abstract", "label": "作品简介", "type": "text", "required": True}]


def _contest(actor, title, **extra):
    return open_call(
        actor, title=title, kind="competition", entrant_kind="project", series="", eligibility=[],
        form_fields=ABSTRACT, prize_levels=PRIZES, **extra,
    )  # fmt: skip


def _decided_and_final(actor, call, prizes):
    """Entries with the given prizes (None: not awarded), through 公示 to final results."""
    entries = []
    for n, prize in enumerate(prizes):
        entry = services.entry_create(actor=actor, call=call, data={
            "title": f"{call.title}作品{n}", "entrant_name": f"学生{n}", "answers": {"abstract": "水质监测"}})  # fmt: skip
        services.entry_submit(actor=actor, entry=entry)
        services.entry_accept(actor=actor, entry=entry)
        if prize is None:
            services.entry_decide(actor=actor, entry=entry, outcome="no_award", votes_for=1, votes_against=6)
        else:
            services.entry_decide(actor=actor, entry=entry, outcome="award", prize=prize, votes_for=7)
        entries.append(entry)
    services.call_close(actor=actor, call=call)
    notice.call_notice_start(actor=actor, call=call, starts_on=PUBLISHED)
    notice.call_finalise(actor=actor, call=call, today=AFTER)
    return entries


@pytest.fixture
def county_to_city(world):
    """The city's youth contest (open; 任城区 may recommend 1) and 任城区's own contest, final,
    which recommends into it (2 winners, 1 not awarded)."""
    admin, staff = world.users["city_admin"], world.users["county_staff"]
    city = _contest(admin, "第19届济宁市青少年科技创新大赛")
    services.unit_quota_set(actor=admin, call=city, unit=world.orgs["rencheng"], quota=1)
    county = _contest(staff, "任城区青少年科技创新大赛", organiser=world.orgs["rencheng"], higher_call=city,
                      higher_quota=2)  # fmt: skip
    entries = _decided_and_final(staff, county, ["second", "first", None])
    return city, county, entries


def test_a_county_recommends_its_winners_into_the_citys_contest_within_the_citys_quota(world, county_to_city):
    city, county, (second, first, loser) = county_to_city
    staff, admin = world.users["county_staff"], world.users["city_admin"]
    picked = higher.call_recommend_up(actor=staff, call=county, limit=1)
    assert [e.code for e in picked] == [first.code]  # best prize first
    up = Entry.objects.unscoped(reason="test").get(recommended_from=first)
    assert up.call == city and up.submitting_unit == world.orgs["rencheng"] and up.status == "submitted"
    assert up.title == first.title and up.answers == {"abstract": "水质监测"}
    # The city gave 任城区 one place: the second recommendation is refused, nothing half-written.
    with pytest.raises(ValidationError, match="名额为 1 个,已用完"):
        higher.entry_recommend_up(actor=staff, entry=second)
    second.refresh_from_db()
    assert (
        second.recommended_at is None and Entry.objects.unscoped(reason="test").filter(call=city).count() == 1
    )
    with pytest.raises(ValidationError, match="未获奖"):
        higher.entry_recommend_up(actor=staff, entry=loser)
    with pytest.raises(ValidationError, match="已向上推荐"):
        higher.entry_recommend_up(actor=staff, entry=first)
    with pytest.raises(Http404):  # another county does not recommend 任城区's entries
        higher.entry_recommend_up(actor=world.users["outsider"], entry=second)
    assert AuditEntry.objects.filter(action="kexie.entry.recommended_up", object_id=str(first.pk)).exists()
    # The city judges it; its final results come back to the county's entry on their own.
    services.entry_accept(actor=admin, entry=up)
    services.entry_decide(actor=admin, entry=up, outcome="award", prize="first", votes_for=9)
    services.call_close(actor=admin, call=city)
    notice.call_notice_start(actor=admin, call=city, starts_on=PUBLISHED)
    notice.call_finalise(actor=admin, call=city, today=AFTER)
    first.refresh_from_db()
    row = HigherResult.objects.unscoped(reason="test").get(entry=first)
    assert row.level == "city" and row.prize == "一等奖" and "济宁市" in row.result
    assert first.higher_prize == "一等奖"


def test_the_city_recommends_to_the_province_within_the_quota_and_results_come_back_per_level(world):
    admin = world.users["city_admin"]
    call = _contest(admin, "第21届济宁市青少年信息学竞赛", higher_body="山东省青少年信息学竞赛", higher_level="province",
                    higher_quota=2)  # fmt: skip
    first, second, third, loser = _decided_and_final(admin, call, ["first", "second", "second", None])
    with pytest.raises(ValidationError, match="未向上推荐"):
        higher.higher_result_record(actor=admin, entry=first, result="省赛一等奖", prize="一等奖")
    picked = higher.call_recommend_up(actor=admin, call=call)
    assert [e.code for e in picked] == [first.code, second.code]
    with pytest.raises(ValidationError, match="向上推荐名额 2 个已用完"):
        higher.call_recommend_up(actor=admin, call=call)
    first.refresh_from_db()
    higher.higher_result_record(actor=admin, entry=first, result="省赛一等奖", prize="一等奖")
    higher.higher_result_record(
        actor=admin, entry=first, result="国赛二等奖", prize="二等奖", level="national"
    )
    higher.higher_result_record(actor=admin, entry=second, result="省赛三等奖", prize="三等奖")
    first.refresh_from_db()
    assert (first.higher_result, first.higher_prize) == ("国赛二等奖", "二等奖")  # the highest level shown
    # Recording a level again corrects it (no second row).
    higher.higher_result_record(
        actor=admin, entry=second, result="省赛二等奖", prize="二等奖", level="province"
    )
    assert HigherResult.objects.unscoped(reason="test").filter(entry=second).count() == 1
    scope, year = Scope(admin), Period.year(2020)
    by_level = get("calls.higher_results").compute(year, scope).breakdown["level"]
    assert by_level == {"province": 2, "national": 1}
    assert get("calls.recommended_up").compute(year, scope).value == 2
    actions = AuditEntry.objects.filter(action="kexie.entry.higher_result", object_id=str(first.pk))
    assert actions.count() == 2


def test_higher_results_from_a_sheet_name_every_bad_row_and_write_nothing(world):
    admin = world.users["city_admin"]
    call = _contest(
        admin, "第4届济宁市青少年机器人竞赛", higher_body="山东省青少年机器人竞赛", higher_quota=5
    )
    first, second = _decided_and_final(admin, call, ["first", "second"])
    higher.entry_recommend_up(actor=admin, entry=first)
    rows = [(2, [first.code, "省赛一等奖", "一等奖"]), (3, [second.code, "省赛二等奖", "二等奖"]),
            (4, ["2020-999-00001", "", ""])]  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        higher.higher_results_import_table(
            actor=admin, call=call, headers=["编号", "结果", "奖项"], rows=rows
        )
    problems = exc.value.messages
    assert f"第3行“编号”:{second.code} 未向上推荐" in problems
    assert "第4行“编号”:2020-999-00001 不是本征集评选的申报编号" in problems
    assert "第4行“结果”:请填写上级评选结果" in problems
    assert not HigherResult.objects.unscoped(reason="test").exists()
    n = higher.higher_results_import_table(
        actor=admin, call=call, headers=["编号", "结果", "奖项"], rows=rows[:1]
    )
    assert n == 1 and HigherResult.objects.unscoped(reason="test").get().level == "province"


def test_the_pages_and_the_api_recommend_and_record(client, world):
    admin = world.users["city_admin"]
    call = _contest(admin, "2020年济宁市科普创作大赛", higher_body="山东省科普创作大赛", higher_quota=1)
    (entry,) = _decided_and_final(admin, call, ["first"])
    client.force_login(admin)
    page = client.get(reverse("calls:entry_detail", args=(entry.pk,))).content.decode()
    assert 'id="recommend-up-button"' in page
    client.post(reverse("calls:entry_action", args=(entry.pk, "recommend_up")))
    entry.refresh_from_db()
    assert entry.is_recommended_up
    client.post(reverse("calls:entry_action", args=(entry.pk, "higher_result")),
                {"level": "province", "result": "省赛一等奖", "prize": "一等奖"})  # fmt: skip
    page = client.get(reverse("calls:entry_detail", args=(entry.pk,))).content.decode()
    assert "省赛一等奖" in page and 'id="recommend-up-button"' not in page
    assert "1 / 1" in client.get(reverse("calls:call_detail", args=(call.pk,))).content.decode()
    path = client.get(f"/api/v1/calls/entries/{entry.pk}/path").json()
    assert path["higher_results"][0]["prize"] == "一等奖" and path["recommended_at"]
    national = client.post(f"/api/v1/calls/entries/{entry.pk}/higher-results",
                           {"result": "国赛一等奖", "prize": "一等奖", "level": "national"}, content_type="application/json")  # fmt: skip
    assert national.status_code == 200 and len(national.json()["higher_results"]) == 2
    full = client.post(f"/api/v1/calls/{call.pk}/recommend-up", {}, content_type="application/json")
    assert full.status_code == 200 and full.json() == []  # nobody left to recommend
    client.force_login(world.users["outsider"])
    assert client.post(f"/api/v1/calls/entries/{entry.pk}/recommend-up").status_code == 404
    assert client.get(reverse("calls:higher_results_import", args=(call.pk,))).status_code == 404


def _city_decides_and_finalises(admin, city, entry, outcome="award"):
    services.entry_accept(actor=admin, entry=entry)
    if outcome == "award":
        services.entry_decide(actor=admin, entry=entry, outcome="award", prize="first", votes_for=9)
    else:
        services.entry_decide(actor=admin, entry=entry, outcome="no_award", votes_for=1, votes_against=8)
    services.call_close(actor=admin, call=city)
    notice.call_notice_start(actor=admin, call=city, starts_on=PUBLISHED)
    notice.call_finalise(actor=admin, call=city, today=AFTER)


def test_provincial_and_national_results_come_back_down_to_the_countys_entry(world):
    """County → city (both in the system) → province → national: what the city records for the
    entry it received is passed down to the county's entry, corrections too, counted once."""
    admin, staff = world.users["city_admin"], world.users["county_staff"]
    city = _contest(admin, "第19届济宁市青少年科技创新大赛", higher_body="山东省青少年科技创新大赛",
                    higher_level="province", higher_quota=3)  # fmt: skip
    services.unit_quota_set(actor=admin, call=city, unit=world.orgs["rencheng"], quota=1)
    county = _contest(staff, "任城区青少年科技创新大赛", organiser=world.orgs["rencheng"], higher_call=city,
                      higher_quota=1)  # fmt: skip
    (work,) = _decided_and_final(staff, county, ["first"])
    higher.entry_recommend_up(actor=staff, entry=work)
    at_city = Entry.objects.unscoped(reason="test").get(recommended_from=work)
    _city_decides_and_finalises(admin, city, at_city)
    higher.call_recommend_up(actor=admin, call=city)

    higher.higher_result_record(actor=admin, entry=at_city, result="省赛一等奖", prize="一等奖")
    # The province forwarded it to the national contest; its result comes back the same way.
    higher.higher_result_record(
        actor=admin, entry=at_city, result="国赛二等奖", prize="二等奖", level="national"
    )
    rows = {r.level: r for r in HigherResult.objects.unscoped(reason="test").filter(entry=work)}
    assert set(rows) == {"city", "province", "national"}
    assert (rows["national"].result, rows["national"].source.entry) == ("国赛二等奖", at_city)
    assert rows["city"].source is None  # the city's own result, fed back when it finalised
    work.refresh_from_db()
    assert (work.higher_result, work.higher_prize) == (f"{city.title}一等奖", "一等奖")  # its own next level
    passed = AuditEntry.objects.filter(action="kexie.entry.higher_result", object_id=str(work.pk))
    assert [a.after.get("from") for a in passed.order_by("id")] == [at_city.code, at_city.code, at_city.code]

    # A correction at the national level follows it down; no second row.
    higher.higher_result_record(
        actor=admin, entry=at_city, result="国赛一等奖", prize="一等奖", level="national"
    )
    national = HigherResult.objects.unscoped(reason="test").filter(entry=work, level="national")
    assert [r.result for r in national] == ["国赛一等奖"]

    # Counted once, where recorded: the city's entry (its province and national), not the copies.
    by_level = get("calls.higher_results").compute(Period.year(2020), Scope(admin)).breakdown["level"]
    assert by_level == {"city": 1, "province": 1, "national": 1}

    # The county sees it on its entry's page, with where it came from.
    from django.test import Client

    client = Client()
    client.force_login(staff)
    page = client.get(reverse("calls:entry_detail", args=(work.pk,))).content.decode()
    assert "国赛一等奖" in page and f"转自 {at_city.code}" in page
    path = client.get(f"/api/v1/calls/entries/{work.pk}/path").json()
    assert {r["level"]: r["passed_down_from"] for r in path["higher_results"]} == {
        "city": None, "province": at_city.code, "national": at_city.code,
    }  # fmt: skip


def test_a_countys_recommendation_learns_its_outcome_when_the_city_decides(world):
    from kexie.calls.testing import open_call
    from kexie.honours.models import Honour

    admin, staff = world.users["city_admin"], world.users["county_staff"]

    def _recommendation(actor, title, **extra):
        return open_call(actor, title=title, kind="recommendation", entrant_kind="project", series="",
                         eligibility=[], form_fields=ABSTRACT, prize_levels=PRIZES, **extra)  # fmt: skip

    city = _recommendation(admin, "2020年济宁市优秀科普作品推荐")
    county = _recommendation(staff, "2020年任城区优秀科普作品推荐", organiser=world.orgs["rencheng"],
                             higher_call=city)  # fmt: skip
    chosen, passed_over = _decided_and_final(staff, county, ["first", "first"])
    for entry in (chosen, passed_over):
        higher.entry_recommend_up(actor=staff, entry=entry)
    ups = {e.recommended_from_id: e for e in Entry.objects.unscoped(reason="test").filter(call=city)}
    services.entry_accept(actor=admin, entry=ups[chosen.pk])
    services.entry_decide(actor=admin, entry=ups[chosen.pk], outcome="award", prize="first", votes_for=9)
    services.entry_accept(actor=admin, entry=ups[passed_over.pk])
    services.entry_decide(
        actor=admin, entry=ups[passed_over.pk], outcome="no_award", votes_for=1, votes_against=8
    )
    services.call_close(actor=admin, call=city)
    notice.call_notice_start(actor=admin, call=city, starts_on=PUBLISHED)
    notice.call_finalise(actor=admin, call=city, today=AFTER)
    honours = {h.entry_id: h for h in Honour.objects.unscoped(reason="test").filter(call=county)}
    assert honours[chosen.pk].outcome == "successful" and honours[passed_over.pk].outcome == "unsuccessful"
    assert AuditEntry.objects.filter(
        action="kexie.honour.outcome_set", object_id=str(honours[chosen.pk].pk)
    ).exists()


def test_one_sheet_carries_the_provincial_and_the_national_results(world):
    admin = world.users["city_admin"]
    call = _contest(
        admin, "第21届济宁市青少年信息学竞赛", higher_body="山东省青少年信息学竞赛", higher_quota=2
    )
    first, second = _decided_and_final(admin, call, ["first", "second"])
    higher.call_recommend_up(actor=admin, call=call)
    headers = ["编号", "级别", "结果", "奖项"]
    bad = [(2, [first.code, "省级", "省赛一等奖", "一等奖"]), (3, [first.code, "省级", "省赛二等奖", "二等奖"]),
           (4, [second.code, "世界级", "金奖", ""])]  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        higher.higher_results_import_table(actor=admin, call=call, headers=headers, rows=bad)
    assert exc.value.messages == [
        f"第3行“编号”:{first.code} 重复(省级)",
        "第4行“级别”:世界级 应为 市级、省级 或 国家级",
    ]
    assert not HigherResult.objects.unscoped(reason="test").exists()
    rows = [(2, [first.code, "省级", "省赛一等奖", "一等奖"]), (3, [first.code, "国家级", "国赛三等奖", "三等奖"]),
            (4, [second.code, "", "省赛二等奖", "二等奖"])]  # fmt: skip
    assert higher.higher_results_import_table(actor=admin, call=call, headers=headers, rows=rows) == 3
    levels = HigherResult.objects.unscoped(reason="test").values_list("entry__code", "level", "prize")
    assert set(levels) == {(first.code, "province", "一等奖"), (first.code, "national", "三等奖"),
                           (second.code, "province", "二等奖")}  # fmt: skip
