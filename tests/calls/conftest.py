import pytest

from kexie.calls import judging, services
from kexie.calls.testing import open_call
from kexie.directory.models import Affiliation
from kexie.directory.services import person_create


@pytest.fixture
def city_call(world):
    """The city's call (济宁市科协), open; 任城区科协 may recommend 2."""
    admin = world.users["city_admin"]
    call = open_call(admin)
    services.unit_quota_set(actor=admin, call=call, unit=world.orgs["rencheng"], quota=2)
    return call


@pytest.fixture
def make_person(world):
    def make(name="王科研", actor=None, **extra):
        actor = actor or world.users["county_staff"]
        return person_create(
            actor=actor, data={"name": name, "unit": actor.unit, "is_sci_worker": True, **extra}
        )

    return make


@pytest.fixture
def recommend(world, city_call, make_person):
    """任城区科协 recommends a person to the city's call (a draft)."""

    def make(name="王科研", actor=None, call=None, **data):
        actor = actor or world.users["county_staff"]
        person = make_person(name, actor=actor)
        answers = data.pop("answers", {"achievements": "带领团队攻克关键技术", "field": "工业"})
        return services.entry_create(
            actor=actor,
            call=call or city_call,
            data={"title": name, "person": person, "answers": answers, **data},
        )

    return make


# ---- expert review: a small competition (four entries from two schools, four judges)

PROFILES = {
    "赵机器": "机器人 编程 人工智能 传感器",
    "钱生物": "生物 植物 生态 环境监测",
    "孙物理": "物理 能源 电路 机器人",
    "李化学": "化学 材料 环境 水质",
}
ENTRIES = [
    ("巡线机器人", "机器人 传感器 编程 巡线", "任城区二十里铺中学"),
    ("校园植物图鉴", "植物 生态 校园", "济宁市第一中学"),
    ("太阳能小车", "能源 电路 太阳能", "任城区二十里铺中学"),
    ("河水水质监测", "水质 环境监测 化学", "济宁市第一中学"),
]


def make_user(username, unit):
    from kexie.accounts.models import User
    from kexie.testing import PASSWORD

    user = User(username=username, unit=unit, roles=["viewer"], display_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def contest_call(world):
    admin = world.users["city_admin"]
    return open_call(
        admin, title="第19届济宁市青少年科技创新大赛", kind="competition", entrant_kind="team", is_blind=True,
        series="青少年科技创新大赛", eligibility=[],
        form_fields=[{"name": "abstract", "label": "作品简介", "type": "text", "required": True}],
        prize_levels=[{"code": "first", "label": "一等奖", "max_count": 1},
                      {"code": "second", "label": "二等奖", "max_count": 2}],
    )  # fmt: skip


@pytest.fixture
def review(world, contest_call):
    """The call closed for entries, four accepted entries, a first round with four judges."""
    admin = world.users["city_admin"]
    first = services.institution_create(actor=admin, name="济宁市第一中学", kind="school")
    entries = []
    for n, (title, abstract, school) in enumerate(ENTRIES):
        entry = services.entry_create(
            actor=admin, call=contest_call,
            data={"title": title, "entrant_name": f"学生{n}", "institution_name": school,
                  "answers": {"abstract": abstract}},
            members=[{"role": "leader", "name": f"学生{n}", "institution_name": school},
                     {"role": "adviser", "name": f"老师{n}", "institution_name": school}],
        )  # fmt: skip
        services.entry_submit(actor=admin, entry=entry)
        services.entry_accept(actor=admin, entry=entry)
        entries.append(entry)
    services.call_close(actor=admin, call=contest_call)
    rnd = judging.round_create(
        actor=admin, call=contest_call,
        data={"name": "初赛", "per_entry": 2, "max_load": 2,
              "criteria": [{"code": "innovation", "label": "创新性", "weight": 2, "max": 40},
                           {"code": "science", "label": "科学性", "weight": 1, "max": 30}]},
    )  # fmt: skip
    judges = {}
    for n, (name, profile) in enumerate(PROFILES.items()):
        person = person_create(actor=admin, data={"name": name, "unit": admin.unit, "is_expert": True,
                                                  "profile": profile})  # fmt: skip
        school = world.orgs["school"] if name == "孙物理" else (first if name == "李化学" else None)
        if school is not None:  # 孙物理 works at 二十里铺中学, 李化学 at 第一中学
            Affiliation.objects.create(person=person, organisation=school, role="教师")
        judges[name] = judging.round_judge_add(
            actor=admin, round=rnd, person=person, user=make_user(f"judge{n}", admin.unit)
        )
    return {"call": contest_call, "round": rnd, "entries": entries, "judges": judges, "first": first}
