"""Calls, honours and competitions of the demo city in 2020, as in the seed review, all through
the services (call → entries → 形式审查 → committee votes → 公示 → results → certificates):

- 30 science workers commended on 全国科技工作者日 (counties recommend within their quota);
- 2 people recommended to 山东省优秀科技工作者; 4 projects to the 淮海科技奖 (two 二等奖, two
  三等奖 fed back); 12 senior science workers recommended for senior titles, all approved;
  5 anti-cult volunteers recommended to the provincial selection;
- 5 units and 12 activities commended by 中国科协/省科协; 4 schools named
  全国青少年人工智能活动特色单位;
- the first 山东省大学生医养健康创新创业大赛: 1,180 teams from 71 universities (90 spellings,
  normalised by aliases) in 14 provinces, 5,020 participants, imported as registrations, and the
  12 典型案例 (“10余份创新人才典型案例、创新项目典型案例”) selected from its teams by a 命名认定 call;
- the 19th 青少年科技创新大赛 with city prizes, 公示 and certificates, and the provincial results
  fed back (24 一等奖, 41 二等奖, 35 三等奖, 1 主席奖); the 21st 信息学竞赛, the 4th 机器人竞赛, a
  科普创作大赛 and a 国学与科学素质大赛.
"""

from __future__ import annotations

import datetime as dt
import random

from kexie.calls import higher, io, notice, services
from kexie.directory.models import Person
from kexie.honours.services import honour_record

SEED = 20201231 + 11
YEAR = 2020
CREATED = {"achievements": "主要事迹"}

# Universities by province (71 in 14 provinces); the first three are the city's own.
UNIVERSITIES: dict[str, list[str]] = {
    "山东": ["曲阜师范大学", "济宁医学院", "济宁学院", "山东大学", "山东第一医科大学", "山东中医药大学", "青岛大学",
             "潍坊医学院", "滨州医学院", "山东师范大学", "烟台大学", "临沂大学", "泰山学院", "聊城大学", "德州学院",
             "齐鲁工业大学", "山东理工大学", "鲁东大学", "济宁职业技术学院", "山东医学高等专科学校", "菏泽医学专科学校",
             "曲阜远东职业技术学院"],
    "江苏": ["南京医科大学", "南京中医药大学", "徐州医科大学", "苏州大学", "江苏大学"],
    "河南": ["郑州大学", "河南中医药大学", "新乡医学院", "河南大学", "河南科技大学"],
    "河北": ["河北医科大学", "华北理工大学", "承德医学院", "河北北方学院"],
    "安徽": ["安徽医科大学", "蚌埠医学院", "皖南医学院", "安徽中医药大学"],
    "浙江": ["浙江大学", "温州医科大学", "浙江中医药大学", "杭州师范大学"],
    "北京": ["北京中医药大学", "首都医科大学", "北京协和医学院", "北京大学"],
    "天津": ["天津医科大学", "天津中医药大学", "天津大学"],
    "上海": ["复旦大学", "上海交通大学", "上海中医药大学"],
    "湖北": ["武汉大学", "华中科技大学", "湖北中医药大学", "湖北医药学院"],
    "湖南": ["中南大学", "湖南中医药大学", "南华大学"],
    "四川": ["四川大学", "成都中医药大学", "西南医科大学"],
    "陕西": ["西安交通大学", "陕西中医药大学", "延安大学"],
    "辽宁": ["中国医科大学", "大连医科大学", "辽宁中医药大学", "锦州医科大学"],
}  # fmt: skip
# Other spellings in the registrations (19): 71 universities, 90 spellings.
ALIASES = {
    "济宁医学院(日照校区)": "济宁医学院", "曲阜师大": "曲阜师范大学", "山东大学(威海)": "山东大学",
    "山东大学齐鲁医学院": "山东大学", "山东第一医科大学(山东省医学科学院)": "山东第一医科大学", "山东中医药大学附属医院": "山东中医药大学",
    "青岛大学医学部": "青岛大学", "潍坊医学院临床医学院": "潍坊医学院", "滨州医学院(烟台校区)": "滨州医学院",
    "山东师大": "山东师范大学", "济宁职业学院": "济宁职业技术学院", "南京医科大学康达学院": "南京医科大学",
    "郑州大学医学院": "郑州大学", "浙江大学医学院": "浙江大学", "北京大学医学部": "北京大学", "复旦大学上海医学院": "复旦大学",
    "上海交大医学院": "上海交通大学", "四川大学华西医学中心": "四川大学", "中南大学湘雅医学院": "中南大学",
}  # fmt: skip
TEAMS = 1180
PARTICIPANTS = 5020  # "5000余名参赛人员"
TRACKS = ["创意组", "创业组"]
PROJECT_WORDS = ["智慧养老", "康复训练", "慢病管理", "中医药膳", "远程问诊", "跌倒预警", "社区护理", "健康手环", "适老化改造", "心理疏导"]  # fmt: skip


def _day(month: int, day: int) -> dt.date:
    return dt.date(YEAR, month, day)


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users["admin"]
    people = _people_pool(context, rng)
    _sci_worker_day(context, admin, people)
    _recommendations(context, admin, people)
    _from_above(context, admin)
    _health_contest(context, admin, rng)
    _youth_contest(context, admin, rng)
    _other_contests(admin)
    _robot_contest(context, admin, rng)


def _people_pool(context, rng) -> dict[str, list[Person]]:
    everyone = list(
        Person.objects.unscoped(reason="the demo picks people of the whole city")
        .select_related("unit")
        .order_by("id")
    )
    workers = [p for p in everyone if p.is_sci_worker and not p.is_cadre]
    rng.shuffle(workers)
    return {
        "workers": workers,
        "senior": [p for p in everyone if p.birth_year and p.birth_year <= 1962 and p.is_sci_worker],
        "volunteers": [p for p in everyone if p.is_volunteer and not p.is_cadre],
    }


def _through_the_stages(admin, call, entries, *, prize=None, votes=9, notice_on, final_on):
    """Formal check, committee votes, 公示 and results for entries already submitted."""
    for n, entry in enumerate(entries):
        services.entry_accept(actor=admin, entry=entry)
        level = prize(n) if prize else ""
        if level is None:
            services.entry_decide(actor=admin, entry=entry, outcome="no_award", votes_for=2, votes_against=7,
                                  meeting=f"{call.title}评审委员会")  # fmt: skip
        else:
            services.entry_decide(actor=admin, entry=entry, outcome="award", prize=level, votes_for=votes,
                                  votes_against=0, votes_abstain=0, meeting=f"{call.title}评审委员会")  # fmt: skip
    services.call_close(actor=admin, call=call)
    notice.call_notice_start(actor=admin, call=call, starts_on=notice_on)
    notice.call_finalise(actor=admin, call=call, today=final_on)


def _open(admin, **data):
    data.setdefault("year", YEAR)
    call = services.call_create(actor=admin, data=data)
    return services.call_open(actor=admin, call=call)


def _person_entries(actor, call, persons, unit=None):
    entries = []
    for person in persons:
        data = {
            "title": person.name,
            "person": person,
            "answers": {"achievements": f"{person.title}{person.name}的主要事迹"},
        }
        if unit is not None:
            data["submitting_unit"] = unit
        entry = services.entry_create(actor=actor, call=call, data=data)
        services.entry_submit(actor=actor, entry=entry)
        entries.append(entry)
    return entries


ACHIEVEMENTS = [{"name": "achievements", "label": "主要事迹", "type": "text", "required": True}]


def _sci_worker_day(context, admin, people) -> None:
    """30 commended: each county recommends 2 of its own within its quota, the city adds 8."""
    call = _open(
        admin, title="2020年济宁市表现突出科技工作者表扬", kind="honour", series="济宁市表现突出科技工作者",
        opens_on=_day(4, 1), closes_on=_day(4, 30), notice_days=5, quota=30, form_fields=ACHIEVEMENTS,
        eligibility=[{"rule": "one_per_person"}, {"rule": "exclusions", "cadres": True},
                     {"rule": "not_earlier_winner", "years": 3}],
        description="庆祝2020年全国科技工作者日,表扬表现突出的科技工作者。",
    )  # fmt: skip
    workers = people["workers"]
    entries = []
    for county in context.orgs["counties"]:
        services.unit_quota_set(actor=admin, call=call, unit=county, quota=2)
        staff = next(
            u for u in context.users.values() if u.unit_id == county.pk and u.has_perm("core.edit_records")
        )
        own = [p for p in workers if p.unit_id == county.pk][:2]
        entries += _person_entries(staff, call, own)
    chosen = {e.person_id for e in entries}
    city_picks = [p for p in workers if p.pk not in chosen and p.unit.kind != "association"][
        : 30 - len(entries)
    ]
    entries += _person_entries(admin, call, city_picks)
    _through_the_stages(admin, call, entries, notice_on=_day(5, 12), final_on=_day(5, 25))
    notice.call_certificates_issue(actor=admin, call=call, issued_on=_day(5, 29))


def _recommendation(
    admin, *, title, series, persons=(), projects=(), higher=None, opens, closes, notice_on, final_on
):
    call = _open(
        admin, title=title, kind="recommendation", series=series, honour_level="province", higher_body="山东省科协",
        entrant_kind="project" if projects else "person", opens_on=opens, closes_on=closes, form_fields=ACHIEVEMENTS,
        eligibility=[{"rule": "one_per_person"}],
    )  # fmt: skip
    entries = _person_entries(admin, call, persons)
    for name, unit in projects:
        entry = services.entry_create(actor=admin, call=call, data={"title": name, "entrant_name": unit,
                                                                    "answers": {"achievements": f"{name}项目简介"}})  # fmt: skip
        services.entry_submit(actor=admin, entry=entry)
        entries.append(entry)
    _through_the_stages(admin, call, entries, notice_on=notice_on, final_on=final_on)
    for n, entry in enumerate(entries):
        if higher is not None:
            result, prize = higher(n)
            notice.entry_higher_result_record(
                actor=admin, entry=entry, result=result, prize=prize, successful=True
            )


HUAIHAI = [("煤矿智能综采工作面关键技术研究与应用", "兖州煤业股份有限公司"), ("大蒜精深加工关键技术集成与示范", "金乡县农业农村局"),
           ("高端液压元件绿色制造技术", "济宁泰丰液压股份有限公司"), ("造纸废水深度处理与资源化利用", "山东太阳纸业股份有限公司")]  # fmt: skip


def _recommendations(context, admin, people) -> None:
    used = set()

    def take(pool, n):
        picked = [p for p in pool if p.pk not in used][:n]
        used.update(p.pk for p in picked)
        return picked

    _recommendation(admin, title="2020年山东省优秀科技工作者推荐", series="山东省优秀科技工作者",
                    persons=take(people["workers"][40:], 2), opens=_day(6, 1), closes=_day(6, 20),
                    notice_on=_day(6, 22), final_on=_day(7, 6))  # fmt: skip
    _recommendation(admin, title="2020年度淮海科技奖推荐", series="淮海科技奖", projects=HUAIHAI,
                    higher=lambda n: ("获奖", "二等奖" if n < 2 else "三等奖"), opens=_day(5, 6), closes=_day(5, 31),
                    notice_on=_day(6, 2), final_on=_day(6, 16))  # fmt: skip
    _recommendation(admin, title="2020年老科技工作者高级专业技术职称评审推荐", series="老科技工作者高级专业技术职称评审",
                    persons=take(people["senior"], 12), higher=lambda n: ("获批", ""), opens=_day(7, 1),
                    closes=_day(7, 31), notice_on=_day(8, 3), final_on=_day(8, 17))  # fmt: skip
    _recommendation(admin, title="山东省第二届“十佳”反邪教志愿者推荐", series="山东省“十佳”反邪教志愿者评选",
                    persons=take(people["volunteers"], 5), opens=_day(8, 10), closes=_day(8, 31),
                    notice_on=_day(9, 1), final_on=_day(9, 15))  # fmt: skip


FROM_ABOVE_ACTIVITIES = [
    "济宁市全国科普日主场活动", "汶上县新时代文明实践科普日活动", "任城区科普进社区活动", "邹城市科普大篷车巡展",
    "曲阜市青少年科技讲坛", "兖州区科普惠农培训", "微山县湿地科普周", "金乡县大蒜科普展", "嘉祥县科普文艺汇演",
    "泗水县乡村振兴科普行", "梁山县应急科普宣传", "鱼台县稻米科普节",
]  # fmt: skip


def _from_above(context, admin) -> None:
    """5 units and 12 activities commended by 中国科协/省科协; 4 schools named 特色单位."""
    units = [context.city] + context.orgs["counties"][:4]
    for n, unit in enumerate(units):
        honour_record(actor=admin, data={
            "kind": "received", "title": "2020年全国科普日活动优秀组织单位", "level": "national" if n == 0 else "province",
            "year": YEAR, "awarded_by": "中国科协" if n == 0 else "山东省科协", "organisation": unit,
            "awarded_on": _day(12, 10),
        })  # fmt: skip
    for n, name in enumerate(FROM_ABOVE_ACTIVITIES):
        honour_record(actor=admin, data={
            "kind": "received", "title": "2020年全国科普日优秀活动", "level": "national" if n < 2 else "province",
            "year": YEAR, "awarded_by": "中国科协" if n < 2 else "山东省科协", "subject": name, "awarded_on": _day(12, 10),
        })  # fmt: skip
    for school in context.orgs["schools"][:4]:
        honour_record(actor=admin, data={
            "kind": "designation", "title": "全国青少年人工智能活动特色单位", "level": "national", "year": YEAR,
            "awarded_by": "中国科协青少年科技中心", "organisation": school, "awarded_on": _day(11, 20),
        })  # fmt: skip


def _health_contest(context, admin, rng) -> None:
    """1,180 teams imported as registrations; universities outside the city have no parent."""
    from kexie.calls.services import institution_resolve

    call = _open(
        admin, title="首届山东省大学生医养健康创新创业大赛", kind="competition", entrant_kind="team", edition=1,
        opens_on=_day(6, 1), closes_on=_day(9, 30), is_public=True,
        form_fields=[{"name": "track", "label": "赛道", "type": "choice", "choices": TRACKS, "required": True}],
        prize_levels=[{"code": "gold", "label": "金奖", "max_share": 0.05}, {"code": "silver", "label": "银奖", "max_share": 0.1}],
        description="山东省科协主办,济宁市科协承办。",
    )  # fmt: skip
    spellings = []
    for province, names in UNIVERSITIES.items():
        for name in names:
            if institution_resolve(name) is None:
                services.institution_create(actor=admin, name=name, kind="university")
            spellings.append((name, province))
    by_name = {name: province for name, province in spellings}
    for alias, name in ALIASES.items():
        services.institution_alias_add(actor=admin, alias=alias, organisation=institution_resolve(name))
        spellings.append((alias, by_name[name]))
    extra = PARTICIPANTS - TEAMS * 4  # teams of four, some of five
    headers = ["名称", "学校/单位", "省份", "赛道", "成员1", "成员2", "成员3", "成员4", "成员5", "指导教师1"]
    rows = []
    for n in range(TEAMS):
        school, province = spellings[n % len(spellings)]
        size = 5 if n < extra else 4
        members = [
            f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('明华强伟芳娜静磊洋勇')}{n}-{k}/高校"
            for k in range(size)
        ]
        members += [None] * (5 - size)
        title = (
            f"{rng.choice(PROJECT_WORDS)}{rng.choice(['平台', '系统', '服务', '装置', '方案'])}{n + 1:04d}"
        )
        rows.append((n + 2, [title, school, province, TRACKS[n % 2], *members, f"导师{n + 1:04d}"]))
    io.entries_import_table(actor=admin, call=call, headers=headers, rows=rows)
    services.call_close(actor=admin, call=call)
    _case_studies(admin, call)


# "形成10余份创新人才典型案例、创新项目典型案例": 12, selected from the contest's teams.
CASE_STUDIES = [("talent", "创新人才典型案例", 6), ("project", "创新项目典型案例", 6)]


def _case_studies(admin, contest) -> None:
    """A 命名认定 call over the contest's teams: its awarded entries are the 典型案例 (calls.case_studies)."""
    levels = [{"code": code, "label": label, "max_count": n} for code, label, n in CASE_STUDIES]
    call = _open(
        admin, title="首届山东省大学生医养健康创新创业大赛典型案例", kind="designation", entrant_kind="project",
        opens_on=_day(10, 8), closes_on=_day(10, 30), prize_levels=levels,
        description="从参赛项目中遴选创新人才典型案例、创新项目典型案例,面向融投资企业、众创空间、孵化器推广。",
    )  # fmt: skip
    count = sum(n for _, _, n in CASE_STUDIES)
    teams = contest.entries.order_by("code").values_list("title", "institution_name")[:count]
    rows = [(n + 2, [f"{title}典型案例", school]) for n, (title, school) in enumerate(teams)]
    io.entries_import_table(actor=admin, call=call, headers=["名称", "参评人/单位"], rows=rows)
    cut = CASE_STUDIES[0][2]
    _through_the_stages(admin, call, list(call.entries.order_by("code")),
                        prize=lambda n: "talent" if n < cut else "project",
                        notice_on=_day(11, 2), final_on=_day(11, 10))  # fmt: skip


YOUTH_CITY_PRIZES = [("first", "一等奖", 30), ("second", "二等奖", 40), ("third", "三等奖", 31)]
# The provincial results fed back: 24 一等奖, 41 二等奖, 35 三等奖 and the 主席奖 (1 of 2 in the province).
PROVINCIAL = ["一等奖"] * 24 + ["二等奖"] * 41 + ["三等奖"] * 35 + ["主席奖"]


def _youth_contest(context, admin, rng) -> None:
    levels = [{"code": code, "label": label, "max_count": n} for code, label, n in YOUTH_CITY_PRIZES]
    call = _open(
        admin, title="第19届济宁市青少年科技创新大赛", kind="competition", entrant_kind="project", edition=19,
        series="济宁市青少年科技创新大赛", opens_on=_day(3, 1), closes_on=_day(4, 30), prize_levels=levels,
        higher_body="山东省青少年科技创新大赛", higher_level="province", higher_quota=len(PROVINCIAL),
        form_fields=[{"name": "category", "label": "类别", "type": "choice", "choices": ["科技创新成果", "科技实践活动", "科幻画"],
                      "required": True}],
    )  # fmt: skip
    headers, rows = ["名称", "参评人/单位", "类别"], []
    schools = [s.name for s in context.orgs["schools"]]
    for n in range(len(PROVINCIAL)):  # the city's prize winners, recommended to the province
        rows.append((n + 2, [f"青少年科创作品{n + 1:03d}", f"{schools[n % len(schools)]}学生{n + 1:03d}",
                             ["科技创新成果", "科技实践活动", "科幻画"][n % 3]]))  # fmt: skip
    io.entries_import_table(actor=admin, call=call, headers=headers, rows=rows)
    entries = list(call.entries.order_by("code"))
    cuts = [
        (code, sum(c for _, _, c in YOUTH_CITY_PRIZES[: i + 1]))
        for i, (code, _, _) in enumerate(YOUTH_CITY_PRIZES)
    ]

    def prize(n):
        return next((code for code, upto in cuts if n < upto), None)

    _through_the_stages(admin, call, entries, prize=prize, notice_on=_day(5, 11), final_on=_day(5, 20))
    recommended = higher.call_recommend_up(actor=admin, call=call)  # the city's winners, within the quota
    for entry, result in zip(recommended, PROVINCIAL, strict=True):
        higher.higher_result_record(actor=admin, entry=entry, result=f"省赛{result}", prize=result,
                                    level="province", on=_day(7, 20))  # fmt: skip


def _other_contests(admin) -> None:
    for title, edition, opens, closes in (
        ("第21届济宁市青少年信息学竞赛", 21, _day(9, 1), _day(10, 31)),
        ("2020年济宁市科普创作大赛", None, _day(7, 1), _day(9, 30)),
        ("2020年济宁市国学与科学素质大赛", None, _day(8, 1), _day(10, 15)),
    ):
        call = _open(admin, title=title, kind="competition", entrant_kind="person", edition=edition,
                     opens_on=opens, closes_on=closes)  # fmt: skip
        services.call_close(actor=admin, call=call)


ROBOT_TASKS = ["巡线", "避障", "搬运", "分拣", "救援", "足球", "舞蹈", "灭火", "迷宫"]
ROBOT_PRIZES = [("first", "一等奖", 3), ("second", "二等奖", 4), ("third", "三等奖", 5)]
ROBOT_ENTRIES, ROBOT_JUDGES, FINALISTS = 36, 9, 12
RUBRIC = [{"code": "design", "label": "设计与创新", "weight": 2, "max": 40},
          {"code": "build", "label": "制作与调试", "weight": 1, "max": 30},
          {"code": "show", "label": "现场答辩", "weight": 1, "max": 30}]  # fmt: skip


def _robot_contest(context, admin, rng) -> None:
    """The 4th robotics contest through judging rounds, all through the services: teams
    imported, formal check, 初赛 (3 judges per entry among 9 directory experts, assigned by the
    engine, paper score sheets recorded in bulk, the top 12 advance), 决赛 (5 judges per
    finalist), prizes by the final ranking, committee votes, 公示 and results."""
    from django.contrib.auth.hashers import make_password

    from kexie.accounts.models import User
    from kexie.calls import judging
    from kexie.demo import data as D

    levels = [{"code": code, "label": label, "max_count": n} for code, label, n in ROBOT_PRIZES]
    call = _open(admin, title="第4届济宁市青少年机器人竞赛", kind="competition", entrant_kind="project", edition=4,
                 opens_on=_day(9, 1), closes_on=_day(10, 31), prize_levels=levels, higher_body="山东省青少年机器人竞赛",
                 higher_level="province", higher_quota=5,
                 form_fields=[{"name": "abstract", "label": "作品简介", "type": "text", "required": True}])  # fmt: skip
    schools = [s.name for s in context.orgs["schools"]]
    rows = []
    for n in range(ROBOT_ENTRIES):
        task = ROBOT_TASKS[n % len(ROBOT_TASKS)]
        rows.append((n + 2, [f"{task}机器人{n + 1:02d}", f"{schools[n % len(schools)]}代表队",
                             f"{task} 机器人 传感器 编程 {rng.choice(['视觉', '电机', '语音', '导航'])}",
                             f"队员{n + 1:02d}甲/初中", f"队员{n + 1:02d}乙/初中", f"教练{n + 1:02d}"]))  # fmt: skip
    io.entries_import_table(actor=admin, call=call, headers=["名称", "参评人/单位", "作品简介", "成员1", "成员2",
                                                             "指导教师1"], rows=rows)  # fmt: skip
    entries = list(call.entries.order_by("code"))
    for entry in entries:
        services.entry_accept(actor=admin, entry=entry)
    services.call_close(actor=admin, call=call)
    # Judges: experts of the directory, each signing in with an account of the city's association.
    experts = list(Person.objects.unscoped(reason="the demo's judges come from the whole directory")
                   .filter(is_expert=True).order_by("id")[:ROBOT_JUDGES])  # fmt: skip
    hashed = make_password(D.DEMO_PASSWORD)  # hash once (as the loader does)
    accounts = User.objects.bulk_create(
        User(username=f"judge{n + 1:02d}", unit=context.city, roles=["viewer"], display_name=f"{p.name}(评委)",
             password=hashed)
        for n, p in enumerate(experts)
    )  # fmt: skip
    first = judging.round_create(actor=admin, call=call, data={
        "name": "初赛", "per_entry": 3, "min_load": 8, "max_load": 16, "criteria": RUBRIC, "advance_rule": {"top": FINALISTS}})  # fmt: skip
    final = judging.round_create(actor=admin, call=call, data={
        "name": "决赛", "per_entry": 5, "max_load": FINALISTS, "criteria": RUBRIC})  # fmt: skip
    quality = {e.pk: rng.gauss(0, 1) for e in entries}
    for rnd in (first, final):
        for n, (person, user) in enumerate(zip(experts, accounts, strict=True)):
            if rnd is final and n >= 7:
                break
            judging.round_judge_add(actor=admin, round=rnd, person=person, user=user,
                                    expertise=f"机器人 {ROBOT_TASKS[n % len(ROBOT_TASKS)]} 传感器 编程")  # fmt: skip
        judging.round_assign(actor=admin, round=rnd)
        leniency = {j.pk: rng.uniform(-6, 6) for j in rnd.judges.all()}
        sheets = []
        for a in rnd.assignments.select_related("entry", "judge"):
            level = 0.5 + 0.15 * quality[a.entry_id] + leniency[a.judge_id] / 100 + rng.gauss(0, 0.04)
            share = min(max(level, 0.05), 1.0)
            sheets.append((a, {c["code"]: round(c["max"] * share, 1) for c in RUBRIC}))
        judging.scores_record(actor=admin, round=rnd, sheets=sheets, note=f"{rnd.name}纸质评分表")
        judging.round_close(actor=admin, round=rnd)
    prizes = {row["entry_obj"].pk: row["prize"] for row in judging.round_ranking(final)}
    for entry in entries:
        prize = prizes.get(entry.pk)
        if prize:
            services.entry_decide(actor=admin, entry=entry, outcome="award", prize=prize, votes_for=9,
                                  meeting=f"{call.title}评审委员会")  # fmt: skip
        else:
            services.entry_decide(actor=admin, entry=entry, outcome="no_award", votes_for=1, votes_against=8,
                                  meeting=f"{call.title}评审委员会")  # fmt: skip
    notice.call_notice_start(actor=admin, call=call, starts_on=_day(11, 16))
    notice.call_finalise(actor=admin, call=call, today=_day(11, 24))
    higher.call_recommend_up(actor=admin, call=call)
