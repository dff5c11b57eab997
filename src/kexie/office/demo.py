"""The association's own work in the demo city (2020, as in the seed review): four departments
below 济宁市科协 with their cadres, the party group's task list (任务清单) and the year's key
tasks, task forces (专班) for key work, 学习会/碰头会/党组会 whose decisions became tasks, 3
cadres sent to the city's epidemic task force and 3 to the “四进” campaign, execution records
(干部执行力档案) for every cadre, and the rulebook (制度汇编) with the rules the review names.

Everything goes through the services. Logins (demo password): fenguan_wang and fenguan_li
(分管领导), renshi (人事干部), bangongshi (办公室主任, 处室负责人), ganbu (a cadre of 办公室)."""

import datetime as dt
import random

from django.contrib.auth.hashers import make_password

from kexie.accounts.models import User
from kexie.accounts.roles import Role
from kexie.demo import data as D
from kexie.office import services

SEED = 20201231 + 16
YEAR = 2020

# name, 分管领导, cadres (name, position)
DEPARTMENTS = [
    (
        "办公室",
        "fenguan_wang",
        [("孙明远", "主任"), ("郭克鹏", "副主任"), ("王方辉", "一级科员"), ("刘晓燕", "二级科员")],
    ),
    ("组织宣传部", "fenguan_li", [("陈立新", "部长"), ("张海鹰", "副部长"), ("赵文静", "一级科员")]),
    ("学会学术部", "fenguan_li", [("李建华", "部长"), ("周晓明", "一级科员"), ("吴佳琪", "二级科员")]),
    (
        "科学普及部",
        "fenguan_wang",
        [("马骏", "部长"), ("杨雪", "副部长"), ("韩冰", "一级科员"), ("冯涛", "二级科员")],
    ),
]
EPIDEMIC = ("王方辉", "张海鹰", "韩冰")  # 选派3名干部参加全市疫情防控党员突击队
FOUR_IN = ("刘晓燕", "周晓明", "冯涛")  # 3名干部参加“四进”攻坚行动

RULES = [
    (
        "济宁市科协财务报销制度",
        "济科协发〔2020〕6号",
        dt.date(2020, 4, 15),
        "第一条 为规范市科协财务报销行为,加强经费管理,根据有关财经法规,制定本制度。\n"
        "第二条 报销须取得合法有效票据,经办人、处室负责人、分管领导逐级审核,由主要负责同志审批。\n"
        "第三条 差旅费、会议费、培训费按市直机关标准执行,不得超标准报销。\n"
        "第四条 本制度自印发之日起施行。",
    ),
    (
        "市科协党组贯彻落实“三重一大”决策制度实施办法",
        "济科协党组发〔2020〕3号",
        dt.date(2020, 5, 8),
        "第一条 为贯彻落实重大事项决策、重要干部任免、重大项目安排和大额度资金使用(“三重一大”)集体决策制度,制定本办法。\n"
        "第二条 “三重一大”事项须经党组会集体研究决定,不得以传阅、会签或个别征求意见代替集体讨论。\n"
        "第三条 大额度资金指单笔5万元以上的资金使用。\n"
        "第四条 本办法自印发之日起施行。",
    ),
    (
        "济宁市科学技术协会市级学会组织通则(试行)",
        "济科协发〔2020〕11号",
        dt.date(2020, 7, 1),
        "第一条 为规范市级学会的组织与活动,制定本通则。\n第二条 市级学会接受市科协的业务指导和监督管理。\n"
        "第三条 学会实行“优进劣出、能上能下”的动态管理。",
    ),
    (
        "学会管理办法",
        "济科协发〔2020〕12号",
        dt.date(2020, 7, 1),
        "第一条 为加强对所属学会的管理,制定本办法。\n第二条 学会应按期换届,按时报送年度工作报告。",
    ),
    (
        "济宁市科协开展提升基层科协组织力“3+1”工作实施方案",
        "济科协发〔2020〕9号",
        dt.date(2020, 6, 2),
        "一、以团结吸纳“基层三长”为突破口,建立健全基层科协组织。\n二、建设科技志愿服务队伍。",
    ),
    (
        "意识形态联席会议制度",
        "济科协党组发〔2020〕5号",
        dt.date(2020, 8, 20),
        "第一条 为落实意识形态工作责任制,建立意识形态联席会议制度。\n第二条 联席会议每半年召开一次,研判意识形态领域情况。",
    ),
]

# The party group's task list and the year's key tasks: (title, department, source, deadline)
KEY_TASKS = [
    ("制定党组和党组书记履行全面从严治党责任的任务清单", "办公室", "notice", dt.date(2020, 3, 31)),
    ("梳理完善原有制度文件,形成全面制度汇编", "办公室", "plan", dt.date(2020, 9, 30)),
    ("建立干部执行力档案", "办公室", "plan", dt.date(2020, 4, 30)),
    ("组织第四个“全国科技工作者日”系列活动", "组织宣传部", "plan", dt.date(2020, 5, 30)),
    ("开展提升基层科协组织力“3+1”工作", "组织宣传部", "plan", dt.date(2020, 11, 30)),
    ("与济宁日报社合作开设《济宁科协》专版", "组织宣传部", "plan", dt.date(2020, 6, 30)),
    ("加强所属学会党建工作", "学会学术部", "plan", dt.date(2020, 10, 31)),
    ("规范学会管理,制定市级学会组织通则", "学会学术部", "plan", dt.date(2020, 7, 31)),
    ("举办2020年全国科普日济宁主场活动", "科学普及部", "plan", dt.date(2020, 9, 19)),
    ("召开全市全民科学素质工作会议", "科学普及部", "plan", dt.date(2020, 12, 15)),
    ("举办第19届济宁市青少年科技创新大赛", "科学普及部", "notice", dt.date(2020, 8, 31)),
]

TASK_FORCES = [
    (
        "全国科普日活动专班",
        "科学普及部",
        "筹办2020年全国科普日济宁主场活动",
        ("马骏", "杨雪", "韩冰", "王方辉"),
    ),
    ("制度建设专班", "办公室", "梳理完善制度文件,形成全面制度汇编", ("孙明远", "郭克鹏", "刘晓燕")),
    ("基层组织建设“3+1”专班", "组织宣传部", "提升基层科协组织力", ("陈立新", "张海鹰", "赵文静")),
]

MEETINGS = [
    (
        "party_group",
        "2020年第1次党组会",
        dt.date(2020, 1, 14),
        ["研究制定年度任务清单,落实全面从严治党责任", "建立学习会、碰头会、党组会会议制度"],
    ),
    ("study", "党组理论学习中心组学习会", dt.date(2020, 2, 26), []),
    (
        "party_group",
        "2020年第4次党组会",
        dt.date(2020, 4, 9),
        ["审议《济宁市科协财务报销制度》", "审议《市科协党组贯彻落实“三重一大”决策制度实施办法》"],
    ),
    ("briefing", "机关工作碰头会", dt.date(2020, 6, 8), ["各处室报送上半年任务清单落实情况"]),
    ("briefing", "机关工作碰头会", dt.date(2020, 9, 7), ["筹备全市全民科学素质工作会议"]),
    ("study", "学习会:学习贯彻十九届五中全会精神", dt.date(2020, 11, 10), []),
]


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users[D.ADMIN_USERNAME]
    city = context.city
    users = _users(context, city)
    departments, cadres = {}, {}
    for order, (name, leader, members) in enumerate(DEPARTMENTS, start=1):
        dept = services.department_create(
            actor=admin, name=name, parent=city, leader=users[leader], order=order
        )
        departments[name] = dept.unit
        for cadre_name, position in members:
            cadres[cadre_name] = services.cadre_create(
                actor=admin, name=cadre_name, department=dept.unit, position=position
            )
    _logins(admin, users, departments, cadres)
    rules = [_rule(admin, city, *row) for row in RULES]
    forces = {
        name: services.task_force_create(actor=admin, data={
            "name": name, "department": departments[dept], "purpose": purpose, "lead": cadres[members[0]],
            "members": [cadres[m] for m in members], "set_up_on": dt.date(YEAR, 3, 2),
        }) for name, dept, purpose, members in TASK_FORCES
    }  # fmt: skip
    _tasks(admin, rng, departments, cadres, forces, rules)
    _meetings(admin, rng, city, departments, cadres)
    _assignments(users["renshi"], cadres)
    for cadre in cadres.values():
        record = services.record_open(actor=admin, cadre=cadre, year=YEAR)
        if cadre.position in ("主任", "部长"):
            services.record_assess(
                actor=admin, record=record, text="履职尽责,执行有力,按期完成年度任务清单。"
            )


def _users(context, city) -> dict:
    hashed = make_password(context.password)
    rows = [("fenguan_wang", [Role.DIVISION_LEADER], "王分管"), ("fenguan_li", [Role.DIVISION_LEADER], "李分管"),
            ("renshi", [Role.PERSONNEL], "人事干部")]  # fmt: skip
    made = User.objects.bulk_create(
        [
            User(username=u, unit=city, roles=[str(r) for r in roles], display_name=n, password=hashed)
            for u, roles, n in rows
        ]
    )
    return {u.username: u for u in made}


def _logins(admin, users, departments, cadres) -> None:
    """办公室's head and one of its cadres log in (their records are theirs to read)."""
    hashed = users["renshi"].password
    head = User.objects.create(username="bangongshi", unit=departments["办公室"], roles=[str(Role.DEPARTMENT_HEAD)],
                               display_name="办公室主任", password=hashed)  # fmt: skip
    cadre = User.objects.create(username="ganbu", unit=departments["办公室"], roles=[str(Role.EDITOR)],
                                display_name="王方辉", password=hashed)  # fmt: skip
    for name, user in (("孙明远", head), ("王方辉", cadre)):
        c = cadres[name]
        c.user = user
        c.save(update_fields=["user"])


def _rule(admin, city, title, number, issued_on, text):
    return services.rule_create(actor=admin, data={
        "unit": city, "title": title, "number": number, "issuing_body": "中共济宁市科协党组" if "党组" in number else "济宁市科学技术协会",
        "issued_on": issued_on, "effective_on": issued_on, "text": text,
    })  # fmt: skip


def _tasks(admin, rng, departments, cadres, forces, rules) -> None:
    by_dept = {}
    for cadre in cadres.values():
        by_dept.setdefault(cadre.person.unit_id, []).append(cadre)
    force_of = {"科学普及部": forces["全国科普日活动专班"], "办公室": forces["制度建设专班"],
                "组织宣传部": forces["基层组织建设“3+1”专班"]}  # fmt: skip
    for n, (title, dept, source, deadline) in enumerate(KEY_TASKS):
        unit = departments[dept]
        data = {"title": title, "department": unit, "owner": rng.choice(by_dept[unit.pk]), "source": source,
                "assigned_on": dt.date(YEAR, 1, 6), "deadline": deadline, "task_force": force_of.get(dept)}  # fmt: skip
        if source == "notice":
            data["notice"] = "省科协、市委有关通知"
        task = services.task_create(actor=admin, data=data)
        services.task_note_add(
            actor=admin, task=task, text="已制定工作方案,明确责任分工", on=dt.date(YEAR, 2, 10)
        )
        late = n % 5 == 4  # about one in five key tasks finished a few working days late
        services.task_complete(
            actor=admin, task=task, done_on=deadline + dt.timedelta(days=6 if late else -3)
        )
    # a task grounded in the rulebook: the yearly check of reimbursements
    services.task_create(actor=admin, data={
        "title": "开展年度财务报销检查", "department": departments["办公室"], "owner": cadres["郭克鹏"], "source": "rule",
        "rule": rules[0], "assigned_on": dt.date(YEAR, 12, 1), "deadline": dt.date(YEAR + 1, 1, 29),
    })  # fmt: skip


def _meetings(admin, rng, city, departments, cadres) -> None:
    leaders = [c for c in cadres.values() if c.position in ("主任", "部长")]
    office = departments["办公室"]
    owners = [cadres["孙明远"], cadres["郭克鹏"]]
    for kind, title, held_on, decisions in MEETINGS:
        meeting = services.meeting_create(actor=admin, data={
            "unit": city, "kind": kind, "title": title, "held_on": held_on, "attendees": leaders,
            "minutes": f"{title}。会议传达学习上级精神,研究部署近期工作。", "decisions": decisions,
        })  # fmt: skip
        for decision in meeting.decisions.all():
            deadline = held_on + dt.timedelta(days=30)
            task = services.decision_to_task(actor=admin, decision=decision,
                                             data={"department": office, "owner": rng.choice(owners), "deadline": deadline})  # fmt: skip
            services.task_complete(
                actor=admin, task=task, done_on=deadline - dt.timedelta(days=rng.randrange(0, 10))
            )


def _assignments(personnel, cadres) -> None:
    for name in EPIDEMIC:
        services.assignment_add(actor=personnel, cadre=cadres[name], data={
            "kind": "epidemic", "title": "全市疫情防控党员突击队", "start_on": dt.date(YEAR, 2, 3), "end_on": dt.date(YEAR, 3, 31),
        })  # fmt: skip
    for name in FOUR_IN:
        services.assignment_add(actor=personnel, cadre=cadres[name], data={
            "kind": "four_in", "title": "“四进”攻坚行动", "start_on": dt.date(YEAR, 3, 9), "end_on": dt.date(YEAR, 6, 30),
        })  # fmt: skip
