"""Writes of the office: keyword-only, atomic, audited (kexie.core.audit).

Departments are directory organisations (kind "other") below the association, created here
(never by a directory migration). Tasks come from a meeting decision, a rule, a superior's
notice or the year's key work; a deadline may be given as a date or as a number of working
days from the assignment (kexie.core.workdays).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT, OFFICE_LEAD, OFFICE_RECORDS
from kexie.core import audit, references, workdays
from kexie.core.notifications import notify
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    lock_for_update,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
    transition,
)
from kexie.directory.codes import OrgKind
from kexie.directory.services import organisation_create, organisation_update, person_create, person_update
from kexie.office import selectors
from kexie.office.models import (
    Cadre,
    Decision,
    Department,
    ExecutionRecord,
    Meeting,
    OutsideAssignment,
    ProgressNote,
    Rule,
    RuleVersion,
    Task,
    TaskForce,
    TaskSource,
    TaskStatus,
)

TASK_FIELDS = ("title", "department", "owner", "task_force", "assigned_on", "deadline", "source", "decision",
               "rule", "notice")  # fmt: skip
MEETING_FIELDS = ("unit", "kind", "title", "held_on", "minutes")
RULE_FIELDS = ("unit", "title", "number", "issuing_body", "issued_on", "effective_on")
ASSIGNMENT_FIELDS = ("kind", "title", "start_on", "end_on")


def _today() -> dt.date:
    return timezone.localdate()


def check_reference(actor, key: str, value, *, field: str, label: str) -> None:
    """The field's reference rule (the system, with no user, has no rule to ask)."""
    if actor is not None:
        references.check(key, actor, value, field=field, label=label)


def check_many(key: str, actor, values, *, field: str, label: str) -> None:
    if actor is not None:
        references.check_many(key, actor, values, field=field, label=label)


def _require_department_visible(actor, unit, field: str = "department") -> None:
    """A write names a department the actor may see (a 分管领导: one they lead)."""
    if unit is None:
        raise ValidationError({field: _("责任处室:请选择")})
    if actor is not None and not selectors.departments(actor).filter(unit=unit).exists():
        raise ValidationError({field: _("处室“%(d)s”不存在或不在您的管辖范围内") % {"d": unit}})


# ---------------------------------------------------------------- departments and cadres


@transaction.atomic
def department_create(*, actor, name: str, parent=None, leader=None, order: int = 0) -> Department:
    """A 处室 below the association: a directory organisation and its Department row."""
    require_perm(actor, EDIT)
    parent = parent or getattr(actor, "unit", None)
    if parent is None or parent.kind != OrgKind.ASSOCIATION:
        raise ValidationError({"parent": _("上级单位:处室须设在科协之下")})
    if leader is not None:  # naming a 分管领导 is the office-wide right, as in department_update
        require_perm(actor, OFFICE_RECORDS)
        check_reference(actor, "office.Department.leader", leader, field="leader", label=_("分管领导"))
    unit = organisation_create(
        actor=actor, data={"name": name, "kind": OrgKind.OTHER, "parent": parent, "region": parent.region}
    )
    department = Department.objects.create(unit=unit, leader=leader, order=order)
    audit.log(
        actor=actor, action="kexie.department.created", obj=department, after=audit.snapshot(department)
    )
    return department


@transaction.atomic
def department_set_leader(*, actor, department: Department, leader) -> Department:
    require_perm(actor, OFFICE_RECORDS)
    require_obj_in_scope(actor, department)
    before = audit.snapshot(department)
    department.leader = leader
    department.save(update_fields=["leader"])
    audit.log(actor=actor, action="kexie.department.changed", obj=department, before=before,
              after=audit.snapshot(department))  # fmt: skip
    return department


@transaction.atomic
def cadre_create(
    *, actor, name: str, department, position: str = "", user=None, gender: str = "", joined_on=None
) -> Cadre:
    """A cadre: a directory person tagged 干部 in the department, linked to their login; `joined_on`
    the day they took up the post (到岗日期, for the staff the statistics count at year end)."""
    require_perm(actor, EDIT)
    _require_department_visible(actor, department)
    data = {"name": name, "unit": department, "is_cadre": True}
    if gender:
        data["gender"] = gender
    person = person_create(actor=actor, data=data)
    cadre = Cadre(person=person, user=user, position=position, joined_on=joined_on)
    full_clean_chinese(cadre)
    cadre.save()
    audit.log(actor=actor, action="kexie.cadre.created", obj=cadre, after=audit.snapshot(cadre))
    return cadre


def _visible(qs, obj):
    """The record as the actor's selector gives it, or 404 (out of scope, or not theirs)."""
    if not qs.filter(pk=obj.pk).exists():
        raise Http404
    return obj


@transaction.atomic
def department_update(*, actor, department: Department, data: dict[str, Any]) -> Department:
    """Rename a department (its directory organisation), reorder it or name its 分管领导. Naming
    the 分管领导 needs the office-wide right (an administrator or personnel), as
    `department_set_leader` does."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, department)
    _visible(selectors.departments(actor), department)
    data = dict(data)
    unknown = set(data) - {"name", "leader", "order"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), _("不允许修改此字段")))
    before = {**audit.snapshot(department), "name": department.unit.name}
    name = (data.pop("name", None) or "").strip()
    if name and name != department.unit.name:
        organisation_update(actor=actor, org=department.unit, data={"name": name})
    if "leader" in data and data["leader"] != department.leader:
        require_perm(actor, OFFICE_RECORDS)
        check_reference(
            actor, "office.Department.leader", data["leader"], field="leader", label=_("分管领导")
        )
        department.leader = data["leader"]
    if "order" in data and data["order"] is not None:
        department.order = data["order"]
    full_clean_chinese(department)
    department.save()
    after = {**audit.snapshot(department), "name": department.unit.name}
    audit.log(actor=actor, action="kexie.department.changed", obj=department, before=before, after=after)
    return department


CADRE_FIELDS = ("position", "user", "joined_on", "left_on")


@transaction.atomic
def cadre_update(*, actor, cadre: Cadre, data: dict[str, Any]) -> Cadre:
    """A cadre's name (their directory person's), position, login and dates (到岗/离岗日期: a date
    corrected after the fact; leaving itself is cadre_end)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, cadre)
    _visible(selectors.cadres(actor), cadre)
    data = dict(data)
    name = (data.pop("name", None) or "").strip()
    before = {**audit.snapshot(cadre), "name": cadre.person.name}
    if name and name != cadre.person.name:
        person_update(actor=actor, person=cadre.person, data={"name": name})
    if "user" in data and data["user"] != cadre.user and data["user"] is not None:
        check_reference(actor, "office.Cadre.user", data["user"], field="user", label=_("登录账号"))
    apply_fields(cadre, data, CADRE_FIELDS)
    full_clean_chinese(cadre)
    cadre.save()
    audit.log(actor=actor, action="kexie.cadre.changed", obj=cadre, before=before,
              after={**audit.snapshot(cadre), "name": cadre.person.name})  # fmt: skip
    return cadre


@transaction.atomic
def cadre_end(*, actor, cadre: Cadre, reason: str = "", left_on=None) -> Cadre:
    """A cadre leaves the office (离岗) on `left_on` (default today): kept with their tasks and
    records, no longer offered as an owner, attendee or member. Their open tasks stay theirs
    until reassigned."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, cadre)
    _visible(selectors.cadres(actor), cadre)
    cadre = lock_for_update(cadre)
    if not cadre.is_active:
        raise ValidationError({"is_active": _("该干部已离岗")})
    cadre.is_active, cadre.left_on = False, left_on or selectors.today()
    full_clean_chinese(cadre)
    cadre.save(update_fields=["is_active", "left_on"])
    audit.log(actor=actor, action="kexie.cadre.ended", obj=cadre, before={"is_active": True, "left_on": None},
              after={"is_active": False, "left_on": cadre.left_on.isoformat()}, note=(reason or "").strip()[:200])  # fmt: skip
    return cadre


# ---------------------------------------------------------------- task forces


@transaction.atomic
def task_force_create(*, actor, data: dict[str, Any]) -> TaskForce:
    require_perm(actor, EDIT)
    data = dict(data)
    members = list(data.pop("members", []))
    force = TaskForce()
    apply_fields(force, data, ("name", "department", "purpose", "lead", "set_up_on"))
    _require_department_visible(actor, force.department if force.department_id else None)
    check_reference(actor, "office.TaskForce.lead", force.lead, field="lead", label=_("专班负责人"))
    check_many("office.TaskForce.members", actor, members, field="members", label=_("成员"))
    full_clean_chinese(force)
    force.save()
    force.members.set(members)
    audit.log(actor=actor, action="kexie.task_force.created", obj=force, after=audit.snapshot(force))
    return force


TASK_FORCE_FIELDS = ("name", "department", "purpose", "lead", "set_up_on")


@transaction.atomic
def task_force_update(*, actor, force: TaskForce, data: dict[str, Any]) -> TaskForce:
    """Change a task force that still works: name, lead department, purpose, leader, members."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, force)
    _visible(selectors.task_forces(actor), force)
    force = lock_for_update(force)
    if force.closed_on is not None:
        raise ValidationError({"closed_on": _("该专班已于%(d)s撤销,不能修改") % {"d": force.closed_on}})
    data = dict(data)
    members = data.pop("members", None)
    before = {**audit.snapshot(force), "members": sorted(force.members.values_list("pk", flat=True))}
    apply_fields(force, data, TASK_FORCE_FIELDS)
    _require_department_visible(actor, force.department if force.department_id else None)
    if force.lead_id != before["lead_id"]:
        check_reference(actor, "office.TaskForce.lead", force.lead, field="lead", label=_("专班负责人"))
    if members is not None:
        added = [m for m in members if m.pk not in before["members"]]
        check_many("office.TaskForce.members", actor, added, field="members", label=_("成员"))
    full_clean_chinese(force)
    force.save()
    if members is not None:
        force.members.set(members)
    after = {**audit.snapshot(force), "members": sorted(force.members.values_list("pk", flat=True))}
    audit.log(actor=actor, action="kexie.task_force.changed", obj=force, before=before, after=after)
    return force


@transaction.atomic
def task_force_close(*, actor, force: TaskForce, closed_on: dt.date | None = None) -> TaskForce:
    """Dissolve (撤销) a task force on a day, once; its tasks keep naming it."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, force)
    _visible(selectors.task_forces(actor), force)
    force = lock_for_update(force)
    closed_on = closed_on or _today()
    if force.closed_on is not None:
        raise ValidationError({"closed_on": _("该专班已于%(d)s撤销") % {"d": force.closed_on}})
    if closed_on < force.set_up_on:
        raise ValidationError({"closed_on": _("撤销日期:不能早于成立日期")})
    force.closed_on = closed_on
    force.save(update_fields=["closed_on"])
    audit.log(actor=actor, action="kexie.task_force.closed", obj=force, after={"closed_on": str(closed_on)})
    return force


# ---------------------------------------------------------------- tasks


def _deadline(data: dict) -> None:
    """`working_days` (from the assignment date) stands for a deadline in working days."""
    n = data.pop("working_days", None)
    data.setdefault("assigned_on", _today())
    if n is not None:
        if int(n) < 1:
            raise ValidationError({"working_days": _("完成时限:工作日数须大于0")})
        data["deadline"] = workdays.add_working_days(data["assigned_on"], int(n))


def _check_task(actor, task: Task, original: Task | None = None) -> None:
    """A task's checks. On a change (`original` given) a reference the task already holds is
    kept unchecked: a task keeps its departed (离岗) owner or dissolved task force until changed."""
    _require_department_visible(actor, task.department if task.department_id else None)
    if task.task_force_id and (original is None or original.task_force_id != task.task_force_id):
        force = TaskForce.objects.unscoped(reason="whether the named task force is dissolved").get(
            pk=task.task_force_id
        )  # from the database: the caller's copy may predate its dissolution
        if force.is_dissolved:
            raise ValidationError({"task_force": _("专班“%(n)s”已于%(d)s撤销,不能再交办任务")
                                   % {"n": force.name, "d": force.closed_on}})  # fmt: skip
    for name, label in (("owner", _("责任人")), ("task_force", _("专班")), ("decision", _("会议议定事项")),
                        ("rule", _("依据制度"))):  # fmt: skip
        if original is not None and getattr(task, f"{name}_id") == getattr(original, f"{name}_id"):
            continue
        check_reference(actor, f"office.Task.{name}", getattr(task, name), field=name, label=label)
    if task.deadline and task.assigned_on and task.deadline < task.assigned_on:
        raise ValidationError({"deadline": _("完成时限:不能早于交办日期")})
    if task.source == TaskSource.DECISION and task.decision_id is None:
        raise ValidationError({"decision": _("任务来源为会议议定时,请选择议定事项")})
    if task.source == TaskSource.RULE and task.rule_id is None:
        raise ValidationError({"rule": _("任务来源为制度规定时,请选择依据制度")})
    if task.source == TaskSource.NOTICE and not task.notice.strip():
        raise ValidationError({"notice": _("任务来源为上级通知时,请填写通知名称或文号")})


def task_check(*, actor, data: dict[str, Any]) -> Task:
    """What `task_create` checks, without saving (an import checks every row first)."""
    require_perm(actor, EDIT)
    data = dict(data)
    _deadline(data)
    task = Task(created_by=actor if getattr(actor, "pk", None) else None)
    apply_fields(task, data, TASK_FIELDS)
    _check_task(actor, task)
    full_clean_chinese(task, exclude=("created_by",))
    return task


@transaction.atomic
def task_create(*, actor, data: dict[str, Any]) -> Task:
    task = task_check(actor=actor, data=data)
    task.save()
    audit.log(actor=actor, action="kexie.task.created", obj=task, after=audit.snapshot(task))
    return task


TASK_UPDATE_FIELDS = ("title", "department", "owner", "task_force", "assigned_on", "deadline", "source", "rule",
                      "notice")  # fmt: skip


def task_update_check(*, actor, task: Task, data: dict[str, Any]) -> Task:
    """What `task_update` checks, on an unsaved copy (an import checks every row first): an open
    task in the actor's sight, changed by an editor; a decision's task keeps its decision."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, task)
    if actor is not None and not selectors.tasks(actor).filter(pk=task.pk).exists():
        raise Http404
    changed = Task.objects.unscoped(reason="a copy of the task to check").get(pk=task.pk)
    original = Task.objects.unscoped(reason="the task as it was, to tell what changes").get(pk=task.pk)
    if not changed.is_open:
        raise ValidationError({"status": _("任务%(s)s,不能再修改") % {"s": changed.get_status_display()}})
    data = dict(data)
    if data.get("working_days") is not None:
        data.setdefault("assigned_on", changed.assigned_on)
        _deadline(data)
    data.pop("working_days", None)
    was_decision = changed.source == TaskSource.DECISION
    apply_fields(changed, data, TASK_UPDATE_FIELDS)
    if (changed.source == TaskSource.DECISION) != was_decision:
        raise ValidationError(
            {"source": _("任务来源:会议议定的任务不能改为其他来源,其他任务也不能改为会议议定")}
        )
    _check_task(actor, changed, original)
    full_clean_chinese(changed, exclude=("created_by",))
    return changed


@transaction.atomic
def task_update(*, actor, task: Task, data: dict[str, Any]) -> Task:
    """Change an open task (its deadline, owner, department…): audited with before and after."""
    before = audit.snapshot(lock_for_update(task))
    changed = task_update_check(actor=actor, task=task, data=data)
    changed.save()
    task.refresh_from_db()
    audit.log(actor=actor, action="kexie.task.changed", obj=task, before=before, after=audit.snapshot(task))
    return task


def _may_work_on(actor, task: Task) -> None:
    """The owner reports on their own task; otherwise editors of a visible department."""
    require_obj_in_scope(actor, task)
    if not selectors.tasks(actor).filter(pk=task.pk).exists():
        raise Http404
    if task.owner.user_id == getattr(actor, "pk", None):
        return
    require_perm(actor, EDIT)


@transaction.atomic
def task_note_add(*, actor, task: Task, text: str, on: dt.date | None = None, evidence=None,
                  evidence_note: str = "") -> ProgressNote:  # fmt: skip
    _may_work_on(actor, task)
    if not (text or "").strip():
        raise ValidationError({"text": _("进展情况:请填写")})
    note = ProgressNote(task=task, on=on or _today(), text=text.strip(), evidence_note=evidence_note,
                        author=actor if getattr(actor, "pk", None) else None)  # fmt: skip
    if evidence:
        note.evidence = evidence
    full_clean_chinese(note, exclude=("author",))
    note.save()
    audit.log(actor=actor, action="kexie.task.noted", obj=task, after={"note": note.text[:200]})
    return note


@transaction.atomic
def task_complete(*, actor, task: Task, done_on: dt.date | None = None, seen: str | None = None) -> Task:
    _may_work_on(actor, task)
    done_on = done_on or _today()
    if done_on < task.assigned_on:
        raise ValidationError({"done_on": _("完成日期:不能早于交办日期")})
    transition(task, seen=seen or task.status, to=TaskStatus.DONE, allowed_from=(TaskStatus.OPEN,),
               values={"done_on": done_on})  # fmt: skip
    audit.log(actor=actor, action="kexie.task.completed", obj=task, after={"done_on": str(done_on)})
    return task


@transaction.atomic
def task_cancel(*, actor, task: Task, reason: str, seen: str | None = None) -> Task:
    require_perm(actor, EDIT)
    _may_work_on(actor, task)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("撤销原因:请填写")})
    transition(task, seen=seen or task.status, to=TaskStatus.CANCELLED, allowed_from=(TaskStatus.OPEN,))
    audit.log(actor=actor, action="kexie.task.cancelled", obj=task, note=reason.strip()[:200])
    return task


def task_reminders(*, on: dt.date | None = None) -> int:
    """Remind the owners of overdue and at-risk tasks (one notification each); returns how many
    were sent. Run daily by the job workers (kexie/office/schedules.py) and by `kexie office
    remind`."""
    on = on or _today()
    everything = Task.objects.unscoped(reason="the reminders go to every task's owner")
    sent = 0
    for label, qs in (
        (_("已逾期"), selectors.overdue(everything, on)),
        (_("临近时限"), selectors.at_risk(everything, on)),
    ):
        for task in qs.select_related("owner__user"):
            user = task.owner.user
            if user is None:
                continue
            text = _("任务“%(t)s”%(s)s,完成时限 %(d)s") % {
                "t": task.title[:60],
                "s": label,
                "d": task.deadline,
            }
            sent += len(notify(users=[user], text=text, link=f"/office/tasks/{task.pk}/", kind="office.task"))
    return sent


# ---------------------------------------------------------------- meetings


@transaction.atomic
def meeting_create(*, actor, data: dict[str, Any]) -> Meeting:
    """A meeting with its attendees and decisions (a list of texts, in order)."""
    require_perm(actor, EDIT)
    data = dict(data)
    attendees = list(data.pop("attendees", []))
    decisions = [d.strip() for d in data.pop("decisions", []) if d and d.strip()]
    meeting = Meeting(created_by=actor if getattr(actor, "pk", None) else None)
    apply_fields(meeting, data, MEETING_FIELDS)
    if not meeting.unit_id and actor is not None:
        meeting.unit = actor.unit
    require_unit_in_scope(actor, meeting.unit if meeting.unit_id else None, "unit")
    check_many("office.Meeting.attendees", actor, attendees, field="attendees", label=_("参会人员"))
    full_clean_chinese(meeting, exclude=("created_by",))
    meeting.save()
    meeting.attendees.set(attendees)
    for n, text in enumerate(decisions, start=1):
        Decision.objects.create(meeting=meeting, text=text, order=n)
    audit.log(actor=actor, action="kexie.meeting.created", obj=meeting,
              after={**audit.snapshot(meeting), "decisions": decisions})  # fmt: skip
    return meeting


@transaction.atomic
def decision_add(*, actor, meeting: Meeting, text: str) -> Decision:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, meeting)
    if not (text or "").strip():
        raise ValidationError({"text": _("议定事项:请填写")})
    order = meeting.decisions.count() + 1
    decision = Decision.objects.create(meeting=meeting, text=text.strip(), order=order)
    audit.log(
        actor=actor, action="kexie.meeting.decided", obj=meeting, after={"decision": decision.text[:200]}
    )
    return decision


@transaction.atomic
def decision_to_task(*, actor, decision: Decision, data: dict[str, Any]) -> Task:
    """The one step from a meeting's decision to a task: the decision's text is the title unless
    one is given; the meeting's date is the assignment date."""
    require_obj_in_scope(actor, decision)
    lock_for_update(decision)  # two conversions at once: the second waits, then sees the task
    if Task.objects.unscoped(reason="a decision becomes one task only").filter(decision=decision).exists():
        raise ValidationError({"decision": _("该议定事项已转为任务")})
    data = {"title": decision.text[:300], "assigned_on": decision.meeting.held_on, **data,
            "source": TaskSource.DECISION, "decision": decision}  # fmt: skip
    return task_create(actor=actor, data=data)


# ---------------------------------------------------------------- execution records


def _require_record_reader(actor, cadre: Cadre) -> None:
    """The cadre themself, or a leader or personnel who sees them; anyone else: 404."""
    if cadre.user_id == getattr(actor, "pk", None):
        return
    if not (actor.has_perm(OFFICE_LEAD) or actor.has_perm(OFFICE_RECORDS)):
        raise Http404
    if not selectors.cadres(actor).filter(pk=cadre.pk).exists():
        raise Http404


require_record_reader = _require_record_reader


@transaction.atomic
def record_open(*, actor, cadre: Cadre, year: int) -> ExecutionRecord:
    """The cadre's record for the year (made on first use)."""
    _require_record_reader(actor, cadre)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("年度:须在2000—2100之间")})
    record, created = ExecutionRecord.objects.unscoped(reason="one record per cadre and year").get_or_create(
        cadre=cadre, year=year
    )
    if created:
        audit.log(actor=actor, action="kexie.execution_record.created", obj=record)
    return record


@transaction.atomic
def record_notes_set(*, actor, record: ExecutionRecord, text: str) -> ExecutionRecord:
    """The cadre's own notes: only the cadre writes them."""
    if record.cadre.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("个人小结只能由本人填写"))
    before = audit.snapshot(record)
    record.own_notes = (text or "").strip()
    record.save(update_fields=["own_notes"])
    audit.log(actor=actor, action="kexie.execution_record.noted", obj=record, before=before,
              after=audit.snapshot(record))  # fmt: skip
    return record


@transaction.atomic
def record_assess(*, actor, record: ExecutionRecord, text: str) -> ExecutionRecord:
    if not selectors.records(actor).filter(pk=record.pk).exists():
        raise Http404
    if not selectors.may_assess(actor, record):
        raise PermissionDenied(_("只有分管领导、处室负责人或人事干部可以评价,且不能评价本人"))
    if not (text or "").strip():
        raise ValidationError({"assessment": _("领导评价:请填写")})
    before = audit.snapshot(record)
    record.assessment, record.assessed_by, record.assessed_on = text.strip(), actor, _today()
    record.save(update_fields=["assessment", "assessed_by", "assessed_on"])
    audit.log(actor=actor, action="kexie.execution_record.assessed", obj=record, before=before,
              after=audit.snapshot(record))  # fmt: skip
    return record


@transaction.atomic
def assignment_add(*, actor, cadre: Cadre, data: dict[str, Any]) -> OutsideAssignment:
    """Work outside the office (the epidemic task force, 四进): entered by personnel or a leader."""
    if not (actor.has_perm(OFFICE_RECORDS) or actor.has_perm(OFFICE_LEAD)):
        raise PermissionDenied(_("只有人事干部或处室负责人可以登记外派任务"))
    _require_record_reader(actor, cadre)
    assignment = OutsideAssignment(cadre=cadre)
    apply_fields(assignment, data, ASSIGNMENT_FIELDS)
    full_clean_chinese(assignment)
    if assignment.end_on and assignment.end_on < assignment.start_on:
        raise ValidationError({"end_on": _("结束日期:不能早于开始日期")})
    assignment.save()
    audit.log(actor=actor, action="kexie.cadre.assigned", obj=cadre,
              after={"kind": assignment.kind, "title": assignment.title})  # fmt: skip
    return assignment


# ---------------------------------------------------------------- rulebook


@transaction.atomic
def rule_create(*, actor, data: dict[str, Any]) -> Rule:
    """A rule with its first version (its text, in force from the rule's effective date)."""
    require_perm(actor, EDIT)
    data = dict(data)
    text = (data.pop("text", "") or "").strip()
    if not text:
        raise ValidationError({"text": _("全文:请填写")})
    rule = Rule()
    apply_fields(rule, data, RULE_FIELDS)
    if not rule.unit_id and actor is not None:
        rule.unit = actor.unit
    require_unit_in_scope(actor, rule.unit if rule.unit_id else None, "unit")
    full_clean_chinese(rule)
    if rule.effective_on < rule.issued_on:
        raise ValidationError({"effective_on": _("施行日期:不能早于印发日期")})
    rule.save()
    RuleVersion.objects.create(rule=rule, version=1, effective_on=rule.effective_on, text=text)
    audit.log(actor=actor, action="kexie.rule.created", obj=rule, after=audit.snapshot(rule))
    return rule


@transaction.atomic
def rule_revise(*, actor, rule: Rule, text: str, effective_on: dt.date, note: str = "") -> RuleVersion:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, rule)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("全文:请填写")})
    last = rule.versions.order_by("-version").first()
    if last is not None and effective_on <= last.effective_on:
        raise ValidationError(
            {"effective_on": _("本版施行日期:须晚于上一版(%(d)s)") % {"d": last.effective_on}}
        )
    if rule.repealed_on is not None:
        raise ValidationError({"rule": _("该制度已废止,不能修订")})
    version = RuleVersion.objects.create(rule=rule, version=(last.version if last else 0) + 1,
                                         effective_on=effective_on, text=text, note=note.strip())  # fmt: skip
    rule.save(update_fields=["updated_at"])
    audit.log(
        actor=actor, action="kexie.rule.revised", obj=rule, after={"version": version.version, "note": note}
    )
    return version


@transaction.atomic
def rule_repeal(*, actor, rule: Rule, repealed_on: dt.date) -> Rule:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, rule)
    if rule.repealed_on is not None:
        raise ValidationError({"repealed_on": _("该制度已于%(d)s废止") % {"d": rule.repealed_on}})
    if repealed_on <= rule.effective_on:
        raise ValidationError({"repealed_on": _("废止日期:须晚于施行日期")})
    rule.repealed_on = repealed_on
    rule.save(update_fields=["repealed_on", "updated_at"])
    audit.log(actor=actor, action="kexie.rule.repealed", obj=rule, after={"repealed_on": str(repealed_on)})
    return rule


def version_in_force(rule: Rule, day: dt.date) -> RuleVersion | None:
    return rule.versions.filter(effective_on__lte=day).order_by("-version").first()
