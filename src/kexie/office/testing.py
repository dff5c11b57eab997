"""A small office for tests and the permission matrix: two departments of the city association
(办公室 led by 分管领导 leader, 学会部 under another leader), a department head, a personnel
officer, two cadres of 办公室 with logins (cadre_a, cadre_b) and one of 学会部, a meeting whose
decision became cadre_a's task, a rule, and the cadres' execution records for 2020."""

import datetime as dt

from kexie.accounts.roles import Role


def build_office(users: dict, orgs: dict) -> dict:
    from kexie.office import services
    from kexie.testing import _user

    admin, city = users["city_admin"], orgs["city"]
    leader = _user("office_leader", city, [Role.DIVISION_LEADER])
    other_leader = _user("society_leader", city, [Role.DIVISION_LEADER])
    personnel = _user("office_personnel", city, [Role.PERSONNEL])
    office = services.department_create(actor=admin, name="办公室", parent=city, leader=leader, order=1)
    society_dept = services.department_create(
        actor=admin, name="学会部", parent=city, leader=other_leader, order=2
    )
    head = _user("office_head", office.unit, [Role.DEPARTMENT_HEAD])
    user_a = _user("cadre_a", office.unit, [Role.EDITOR])
    user_b = _user("cadre_b", office.unit, [Role.EDITOR])
    cadre_head = services.cadre_create(
        actor=admin, name="周主任", department=office.unit, position="主任", user=head
    )
    cadre_a = services.cadre_create(
        actor=admin, name="王干部", department=office.unit, position="一级科员", user=user_a
    )
    cadre_b = services.cadre_create(
        actor=admin, name="李干部", department=office.unit, position="一级科员", user=user_b
    )
    cadre_c = services.cadre_create(
        actor=admin, name="赵干部", department=society_dept.unit, position="副部长"
    )
    meeting = services.meeting_create(
        actor=admin,
        data={"unit": city, "kind": "party_group", "title": "2020年第3次党组会", "held_on": dt.date(2020, 3, 10),
              "minutes": "研究制度建设", "attendees": [cadre_head, cadre_a], "decisions": ["修订财务报销制度", "建立干部执行力档案"]},
    )  # fmt: skip
    decision, spare_decision = meeting.decisions.order_by("order")
    task = services.decision_to_task(
        actor=admin,
        decision=decision,
        data={"department": office.unit, "owner": cadre_a, "deadline": dt.date(2020, 4, 30)},
    )
    task_b = services.task_create(
        actor=admin,
        data={"title": "整理2019年度档案", "department": office.unit, "owner": cadre_b, "source": "plan",
              "assigned_on": dt.date(2020, 1, 6), "deadline": dt.date(2020, 3, 31)},
    )  # fmt: skip
    task_c = services.task_create(
        actor=admin,
        data={"title": "学会年检", "department": society_dept.unit, "owner": cadre_c, "source": "notice",
              "notice": "鲁科协发〔2020〕5号", "assigned_on": dt.date(2020, 3, 2), "deadline": dt.date(2020, 6, 30)},
    )  # fmt: skip
    rule = services.rule_create(
        actor=admin,
        data={"unit": city, "title": "济宁市科协财务报销制度", "number": "济科协发〔2020〕8号", "issuing_body": "济宁市科学技术协会",
              "issued_on": dt.date(2020, 4, 1), "effective_on": dt.date(2020, 4, 1), "text": "第一条 为规范财务报销……"},
    )  # fmt: skip
    task_force = services.task_force_create(
        actor=admin,
        data={"name": "制度建设专班", "department": office.unit, "purpose": "梳理完善制度文件", "lead": cadre_head,
              "members": [cadre_head, cadre_a, cadre_b]},
    )  # fmt: skip
    record_a = services.record_open(actor=admin, cadre=cadre_a, year=2020)
    record_b = services.record_open(actor=admin, cadre=cadre_b, year=2020)
    record_c = services.record_open(actor=admin, cadre=cadre_c, year=2020)
    return {
        "office": office, "society_dept": society_dept, "leader": leader, "other_leader": other_leader,
        "personnel": personnel, "head": head, "user_a": user_a, "user_b": user_b, "cadre_head": cadre_head,
        "cadre_a": cadre_a, "cadre_b": cadre_b, "cadre_c": cadre_c, "meeting": meeting, "decision": decision,
        "spare_decision": spare_decision, "task": task, "task_b": task_b, "task_c": task_c, "rule": rule, "task_force": task_force,
        "record_a": record_a, "record_b": record_b, "record_c": record_c,
    }  # fmt: skip
