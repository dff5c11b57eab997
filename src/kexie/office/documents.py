"""Word documents of the office in the official layout (kexie.core.officialdoc, GB/T 9704):
a cadre's execution record and the compiled rulebook of the rules in force on a date."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from kexie.core.officialdoc import OfficialDocument, chinese_number
from kexie.office import records, selectors, services
from kexie.office.models import ExecutionRecord, Rule, TaskStatus


def _date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def record_docx(record: ExecutionRecord, *, on: dt.date) -> bytes:
    cadre = record.cadre
    tasks = (
        cadre.tasks.exclude(status=TaskStatus.CANCELLED)
        .filter(deadline__year=record.year)
        .order_by("deadline")
    )
    figures = records.task_figures(cadre.tasks.all(), year=record.year, on=on)
    doc = OfficialDocument(title=f"{cadre}{record.year}年度干部执行力档案", subject="干部执行力档案")
    doc.title(f"{record.year}年度干部执行力档案")
    doc.subtitle(f"{cadre.person.unit} {cadre.position} {cadre}")
    doc.heading1("一、任务完成情况")
    rate = f",按时完成率{figures.on_time_rate}%" if figures.on_time_rate is not None else ""
    doc.body(
        f"本年度承担任务{figures.total}项,按时完成{figures.on_time}项,逾期完成{figures.late}项,"
        f"尚未完成{figures.open}项(其中已逾期{figures.overdue}项){rate}。"
    )
    for n, task in enumerate(tasks, start=1):
        state = task.get_status_display()
        if task.status == TaskStatus.DONE:
            state = f"{_date(task.done_on)}完成" + ("(逾期)" if task.done_late else "")
        doc.body(f"{n}. {task.title}(时限{_date(task.deadline)},{state})")
    doc.heading1("二、外派任务")
    assignments = list(cadre.assignments.filter(start_on__year__lte=record.year).order_by("start_on"))
    if not assignments:
        doc.body("无。")
    for a in assignments:
        doc.body(f"{a.get_kind_display()}:{a.title}({_date(a.start_on)}至{_date(a.end_on)})")
    doc.heading1("三、个人小结")
    doc.body(record.own_notes or "(未填写)")
    doc.heading1("四、领导评价")
    doc.body(record.assessment or "(未评价)")
    if record.assessed_on:
        doc.body(f"评价人:{record.assessed_by or ''} {_date(record.assessed_on)}")
    return doc.to_bytes()


def rulebook_docx(rules: list[Rule], *, on: dt.date, unit_name: str) -> bytes:
    """The rules in force on `on`, each with the text of its version in force that day."""
    doc = OfficialDocument(title=f"{unit_name}制度汇编", subject="制度汇编")
    doc.title(f"{unit_name}制度汇编")
    doc.subtitle(f"(截至{_date(on)}现行有效)")
    in_force = [r for r in rules if r.in_force_on(on)]
    doc.heading1("目录")
    for n, rule in enumerate(in_force, start=1):
        doc.body(f"{n}. 《{rule.title}》{rule.number}")
    for n, rule in enumerate(in_force, start=1):
        version = services.version_in_force(rule, on)
        doc.heading1(f"{chinese_number(n)}、{rule.title}")
        doc.body(
            f"{rule.issuing_body} {rule.number} {_date(rule.issued_on)}印发,{_date(rule.effective_on)}施行"
        )
        for line in (version.text if version else "").splitlines():
            if line.strip():
                doc.body(line.strip())
    return doc.to_bytes()


def record_download(record: ExecutionRecord, *, on: dt.date) -> tuple[str, bytes]:
    """The file name and bytes of a record's Word download (the page's and the API's)."""
    return f"{record.cadre}{record.year}年度执行力档案.docx", record_docx(record, on=on)


def rulebook_download(user, *, on: dt.date) -> tuple[str, bytes]:
    """The file name and bytes of the rulebook the user sees, of the rules in force on `on`
    (the page's and the API's)."""
    rules = list(selectors.rules(user).order_by("issued_on", "id"))
    unit = user.unit.name if user.unit_id else _("本单位")
    return f"制度汇编-{on}.docx", rulebook_docx(rules, on=on, unit_name=unit)
