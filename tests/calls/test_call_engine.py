"""The call engine without judging: calls as data, entries, quotas, eligibility, formal check,
committee decision with votes; scoping and the audit log."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.calls import services
from kexie.calls.codes import CallStatus, EntryStatus
from kexie.calls.models import Call, Entry
from kexie.calls.testing import call_data, open_call
from kexie.core.models import AuditEntry
from kexie.core.services import StaleState


def actions_of(obj):
    return list(
        AuditEntry.objects.unscoped(reason="test")
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_call_is_configured_as_data_and_bad_configuration_is_named(world):
    admin = world.users["city_admin"]
    with pytest.raises(ValidationError) as exc:
        services.call_create(actor=admin, data=call_data(eligibility=[{"rule": "no_such_rule"}]))
    assert "no_such_rule" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.call_create(actor=admin, data=call_data(eligibility=[{"rule": "age_range", "max": "十八"}]))
    assert "max" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.call_create(actor=admin, data=call_data(form_fields=[{"name": "x", "type": "video"}]))
    assert "video" in str(exc.value)
    assert not Call.objects.unscoped(reason="test").exists()
    call = open_call(admin)
    assert call.status == CallStatus.OPEN
    assert actions_of(call) == ["kexie.call.created", "kexie.call.opened"]


def test_entry_lifecycle_formal_check_and_decision(world, recommend, city_call):
    staff, admin = world.users["county_staff"], world.users["city_admin"]
    entry = recommend()
    services.entry_submit(actor=staff, entry=entry)
    # 任城区 staff cannot formally check the city's call; the city can.
    with pytest.raises(Http404):
        services.entry_return(actor=staff, entry=entry, reason="材料不全")
    with pytest.raises(ValidationError):
        services.entry_return(actor=admin, entry=entry, reason=" ")
    services.entry_return(actor=admin, entry=entry, reason="缺少单位推荐意见")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.RETURNED and entry.return_reason == "缺少单位推荐意见"
    services.entry_update(actor=staff, entry=entry, data={"answers": {"achievements": "补充了推荐意见"}})
    services.entry_submit(actor=staff, entry=entry)
    services.entry_accept(actor=admin, entry=entry)
    services.entry_decide(actor=admin, entry=entry, outcome="award", votes_for=7, votes_against=1, votes_abstain=1,
                          meeting="市科协评审委员会 2020-05-20")  # fmt: skip
    entry.refresh_from_db()
    assert entry.status == EntryStatus.AWARDED
    assert (entry.decision.votes_for, entry.decision.votes_against) == (7, 1)
    assert actions_of(entry) == [
        "kexie.entry.created", "kexie.entry.submitted", "kexie.entry.returned", "kexie.entry.changed",
        "kexie.entry.submitted", "kexie.entry.accepted", "kexie.entry.decided",
    ]  # fmt: skip


def test_an_award_needs_a_majority_of_the_votes_cast(world, recommend):
    staff, admin = world.users["county_staff"], world.users["city_admin"]
    entry = recommend()
    services.entry_submit(actor=staff, entry=entry)
    services.entry_accept(actor=admin, entry=entry)
    with pytest.raises(ValidationError) as exc:
        services.entry_decide(
            actor=admin, entry=entry, outcome="award", votes_for=4, votes_against=3, votes_abstain=1
        )
    assert "半数" in str(exc.value)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACCEPTED
    services.entry_decide(
        actor=admin, entry=entry, outcome="no_award", votes_for=4, votes_against=3, votes_abstain=1
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.NOT_AWARDED


def test_a_unit_recommends_within_its_quota(world, recommend):
    staff = world.users["county_staff"]
    for name in ("甲", "乙"):
        services.entry_submit(actor=staff, entry=recommend(name))
    third = recommend("丙")
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=staff, entry=third)
    assert "名额为 2 个" in str(exc.value)
    third.refresh_from_db()
    assert third.status == EntryStatus.DRAFT


def test_one_entry_per_person_per_edition(world, city_call, make_person):
    staff = world.users["county_staff"]
    person = make_person("李重复")
    data = {"title": "李重复", "person": person, "answers": {"achievements": "事迹"}}
    first = services.entry_create(actor=staff, call=city_call, data=data)
    services.entry_submit(actor=staff, entry=first)
    second = services.entry_create(actor=staff, call=city_call, data=data)
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=staff, entry=second)
    assert first.code in str(exc.value)


def test_cadres_are_excluded_and_answers_are_checked(world, city_call, make_person):
    staff = world.users["county_staff"]
    cadre = make_person("赵干部", is_cadre=True)
    entry = services.entry_create(actor=staff, call=city_call, data={"title": "赵干部", "person": cadre,
                                                                     "answers": {"achievements": "事迹"}})  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=staff, entry=entry)
    assert "科协机关干部" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.entry_create(actor=staff, call=city_call, data={"title": "钱", "answers": {"field": "航天"}})
    message = str(exc.value)
    assert "主要事迹" in message and "航天" in message


def test_team_age_and_stage_rules(world):
    admin = world.users["city_admin"]
    call = open_call(
        admin,
        title="第19届济宁市青少年科技创新大赛",
        kind="competition",
        entrant_kind="team",
        opens_on=dt.date(2020, 3, 1),
        closes_on=dt.date(2020, 3, 31),
        eligibility=[{"rule": "age_range", "max": 18}, {"rule": "team", "max": 3, "same_stage": True},
                     {"rule": "finished_within", "years": 2}],
        form_fields=[{"name": "finished_on", "label": "完成日期", "type": "date", "required": True}],
    )  # fmt: skip
    members = [
        {"name": "小明", "birth_date": dt.date(2006, 5, 1), "school_stage": "junior"},
        {"name": "小红", "birth_date": dt.date(2000, 1, 1), "school_stage": "senior"},
        {"name": "王老师", "role": "adviser"},
    ]
    entry = services.entry_create(
        actor=admin, call=call, data={"title": "智能垃圾分类装置", "answers": {"finished_on": "2017-06-01"}},
        members=members,
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=admin, entry=entry)
    message = str(exc.value)
    assert "小红" in message and "超过 18 岁" in message
    assert "同一学段" in message
    assert "2017-06-01" in message
    assert "王老师" not in message


def test_scoping_counties_see_their_entries_the_organiser_sees_all(world, recommend, city_call):
    entry = recommend()
    users = world.users
    visible = {
        name: Entry.objects.for_user(user).filter(pk=entry.pk).exists() for name, user in users.items()
    }
    assert visible == {
        "city_admin": True,
        "county_staff": True,
        "society_secretary": False,
        "outsider": False,
    }
    # The outsider (兖州区) cannot touch another county's entry: 404, not 403.
    with pytest.raises(Http404):
        services.entry_submit(actor=users["outsider"], entry=entry)


def test_stale_state_loses(world, recommend):
    staff, admin = world.users["county_staff"], world.users["city_admin"]
    entry = recommend()
    services.entry_submit(actor=staff, entry=entry)
    services.entry_accept(actor=admin, entry=entry, seen=EntryStatus.SUBMITTED)
    with pytest.raises(StaleState):
        services.entry_return(actor=admin, entry=entry, reason="晚到", seen=EntryStatus.SUBMITTED)


def test_institution_aliases_count_spellings_once(world, city_call):
    admin = world.users["city_admin"]
    uni = services.institution_create(actor=admin, name="山东大学", kind="university")
    assert uni.parent is None
    entry = services.entry_create(
        actor=admin, call=city_call, data={"title": "甲", "institution_name": "山东大学(威海)",
                                           "answers": {"achievements": "x"}},
    )  # fmt: skip
    assert entry.institution is None
    services.institution_alias_add(actor=admin, alias="山东大学(威海)", organisation=uni)
    entry.refresh_from_db()
    assert entry.institution == uni
    later = services.entry_create(
        actor=admin, call=city_call, data={"title": "乙", "institution_name": "山东大学 (威海)",
                                           "answers": {"achievements": "x"}},
    )  # fmt: skip
    assert later.institution == uni


def test_prize_level_limits(world):
    admin = world.users["city_admin"]
    call = open_call(admin, title="科普创作大赛", kind="competition", eligibility=[],
                     prize_levels=[{"code": "first", "label": "一等奖", "max_count": 1}])  # fmt: skip
    entries = []
    for n in range(2):
        e = services.entry_create(
            actor=admin, call=call, data={"title": f"作品{n}", "answers": {"achievements": "x"}}
        )
        services.entry_submit(actor=admin, entry=e)
        services.entry_accept(actor=admin, entry=e)
        entries.append(e)
    services.entry_decide(actor=admin, entry=entries[0], outcome="award", prize="first", votes_for=5)
    with pytest.raises(ValidationError) as exc:
        services.entry_decide(actor=admin, entry=entries[1], outcome="award", prize="first", votes_for=5)
    assert "一等奖最多 1 个" in str(exc.value)


def test_status_link_shows_the_entrant_their_entry(world, recommend):
    staff = world.users["county_staff"]
    entry = recommend()
    token = services.entry_status_link(actor=staff, entry=entry)
    assert services.entry_by_status_token(token) == entry
    assert services.entry_by_status_token("forged") is None
