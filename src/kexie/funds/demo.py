"""Funded projects of the demo city in 2020, as in the seed review, through the services:

- 215万元 of the provincial 科普行动计划 won for 16 projects (15 × 13万元 + 1 × 20万元);
- 7 provincial 科普示范工程 projects with 63万元 (9万元 each);
- 40万元 of the city's matching 基层科普行动计划 given to 16 农技协 and bases (2.5万元 each),
  through the city's call (18 applied, 16 chosen after review and 立项公示).

Each approved project has its agreement and first tranche; a few run to acceptance and closing."""

from __future__ import annotations

import datetime as dt
import random

from kexie.calls import notice
from kexie.calls import services as calls
from kexie.funds import services

SEED = 20201231 + 13
YEAR = 2020
WAN = 1_000_000  # fen in 1万元
TOPICS = [
    "科普惠农",
    "乡村科普e站",
    "青少年科技教育",
    "应急科普",
    "健康科普",
    "科普大篷车",
    "科普展教提升",
    "农业技术培训",
]


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users["admin"]
    units = sorted(context.orgs["rural_tech_associations"] + context.orgs["bases"], key=lambda o: o.pk)
    provincial = _won(admin, "2020年省级科普行动计划", "provincial_action", [13] * 15 + [20], units, rng)
    _won(admin, "2020年省级科普示范工程", "demonstration", [9] * 7, units, rng)
    grassroots = _given(admin, context, units, rng)
    for project in provincial[:3] + grassroots[:3]:
        _run_to_close(admin, project)


def _lines(amount_fen: int) -> list[dict]:
    equipment = amount_fen * 3 // 5
    return [
        {"item": "展品与设备", "amount_fen": equipment},
        {"item": "培训与活动", "amount_fen": amount_fen - equipment},
    ]


def _agree(admin, project, on) -> None:
    first = project.granted_fen // 2
    services.project_agree(actor=admin, project=project, agreement_no=f"JNKP-{YEAR}-{project.pk:03d}", on=on,
                           tranches=[{"amount_fen": first, "condition": "none"},
                                     {"amount_fen": project.granted_fen - first, "condition": "milestone"}])  # fmt: skip
    services.tranche_pay(actor=admin, tranche=project.tranches.get(seq=1), amount_fen=first,
                         paid_on=on + dt.timedelta(days=10), voucher_no=f"付{project.pk:04d}")  # fmt: skip


def _won(admin, name, kind, amounts_wan, units, rng):
    programme = services.programme_create(actor=admin, data={
        "name": name, "kind": kind, "direction": "won", "year": YEAR, "source_body": "山东省科学技术协会",
        "budget_fen": sum(amounts_wan) * WAN})  # fmt: skip
    projects = []
    for n, (amount, unit) in enumerate(zip(amounts_wan, rng.sample(units, len(amounts_wan)), strict=True), 1):
        project = services.project_apply(actor=admin, programme=programme, title=f"{unit.short_name or unit.name}{rng.choice(TOPICS)}项目",
                                         undertaker=unit, budget_lines=_lines(amount * WAN), leader_name="")  # fmt: skip
        services.project_approve(actor=admin, project=project, on=dt.date(YEAR, 6, 10),
                                 document_no=f"鲁科协字〔{YEAR}〕{40 + n}号")  # fmt: skip
        _agree(admin, project, dt.date(YEAR, 7, 1))
        projects.append(project)
    return projects


def _given(admin, context, units, rng):
    programme = services.programme_create(
        actor=admin,
        data={"name": "2020年济宁市基层科普行动计划", "kind": "grassroots", "direction": "given", "year": YEAR,
              "budget_fen": 40 * WAN, "note": "配套省级科普行动计划"},
        call_data={"title": "2020年济宁市基层科普行动计划项目征集", "opens_on": dt.date(YEAR, 4, 1),
                   "closes_on": dt.date(YEAR, 5, 15), "notice_days": 5},
    )  # fmt: skip
    calls.call_open(actor=admin, call=programme.call)
    chosen = rng.sample(units, 18)
    applied = [
        services.project_apply(
            actor=admin,
            programme=programme,
            title=f"{u.name}{rng.choice(TOPICS)}",
            undertaker=u,
            budget_lines=_lines(25 * WAN // 10),
        )  # fmt: skip
        for u in chosen
    ]
    services.conflict_declare(actor=admin, project=applied[0], name="评审专家甲", relation="曾任该单位技术顾问",
                              on=dt.date(YEAR, 5, 20))  # fmt: skip
    for n, project in enumerate(applied):
        calls.entry_accept(actor=admin, entry=project.entry)
        if n < 16:
            calls.entry_decide(actor=admin, entry=project.entry, outcome="award", votes_for=7)
        else:
            calls.entry_decide(
                actor=admin, entry=project.entry, outcome="no_award", votes_for=2, votes_against=5
            )
    calls.call_close(actor=admin, call=programme.call)
    notice.call_notice_start(actor=admin, call=programme.call, starts_on=dt.date(YEAR, 5, 25))
    notice.call_finalise(actor=admin, call=programme.call, today=dt.date(YEAR, 6, 8))
    approved = services.programme_approve_from_call(actor=admin, programme=programme, on=dt.date(YEAR, 6, 9))
    for project in approved:
        _agree(admin, project, dt.date(YEAR, 6, 20))
    return approved


def _run_to_close(admin, project) -> None:
    half = project.tranches.get(seq=1).amount_fen
    report = services.report_submit(actor=admin, project=project, kind="milestone", period_end=dt.date(YEAR, 9, 30),
                                    text="完成展品制作和首批培训")  # fmt: skip
    services.report_accept(actor=admin, report=report)
    services.tranche_pay(actor=admin, tranche=project.tranches.get(seq=2), amount_fen=project.granted_fen - half,
                         paid_on=dt.date(YEAR, 10, 15))  # fmt: skip
    services.report_accept(actor=admin, report=services.report_submit(
        actor=admin, project=project, kind="financial", period_end=dt.date(YEAR, 11, 30), text="项目决算",
        spent_fen=project.granted_fen))  # fmt: skip
    services.report_submit(
        actor=admin, project=project, kind="final", period_end=dt.date(YEAR, 11, 30), text="结题报告"
    )
    services.project_accept(actor=admin, project=project, result="passed", on=dt.date(YEAR, 12, 10))
    services.project_close(actor=admin, project=project, on=dt.date(YEAR, 12, 20))
