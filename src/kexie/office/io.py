"""Import and export of the task list (任务清单) through the import framework.

An import assigns tasks kept in a spreadsheet (the party group's duty list, the year's key
work): each row names the task, its department (处室, by name), its owner (a cadre of that
department, by name), the source (制度规定 with the rule's title or number, 上级通知 with its
name, 年度重点工作; a meeting decision becomes a task from the meeting's page instead), the
assignment date and the deadline, optionally a task force. Every row is checked as
`office.services.task_create` would check it before anything is written; a bad cell is named
by row, column and reason in Chinese and nothing is written. A row equal to a task already
there (an exported list imported back) is left unchanged. The export lists the tasks the
user sees, in the same columns plus status and completion date."""

from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404

from kexie.core import references
from kexie.core.imports.columns import CellError, Column, Row, choice, labels, parse_date, text
from kexie.core.imports.engine import Context, KindSpec, check_duplicates
from kexie.directory.codes import Gender
from kexie.directory.services import person_update
from kexie.office import selectors, services
from kexie.office.models import Cadre, Task, TaskSource

IMPORTED_SOURCES = [(v, label) for v, label in TaskSource.choices if v != TaskSource.DECISION]
HEADERS = {"title": "任务", "department": "责任处室", "owner": "责任人", "source": "任务来源", "rule": "依据制度",
           "notice": "上级通知", "assigned_on": "交办日期", "deadline": "完成时限", "task_force": "专班"}  # fmt: skip


RULES = {"department": "office.Task.department", "owner": "office.Task.owner", "rule": "office.Task.rule",
         "task_force": "office.Task.task_force"}  # fmt: skip


class OfficeContext(Context):
    """The departments, cadres, rules and task forces a row may name: those the fields' reference
    rules offer the importing user (so a record outside them is refused as `check_rules` would)."""

    def __init__(self, actor):
        super().__init__(actor)
        self.departments, self.cadres, self.rules, self.task_forces = {}, {}, {}, {}
        if actor is None:
            return
        for unit in references.choices(RULES["department"], actor).order_by("pk"):
            self.departments.setdefault(unit.name, unit)
        for c in references.choices(RULES["owner"], actor).select_related("person").order_by("pk"):
            self.cadres.setdefault((c.person.unit_id, c.person.name), c)
        for r in references.choices(RULES["rule"], actor).order_by("pk"):
            self.rules.setdefault(r.title, r)
            if r.number:
                self.rules.setdefault(r.number, r)
        # Every visible task force, those still at work first: a stored task keeps a dissolved one,
        # and the service refuses naming one anew in its own words ("已于…撤销").
        for f in selectors.task_forces(actor).order_by(F("closed_on").asc(nulls_first=True), "pk"):
            self.task_forces.setdefault(f.name, f)


def parse_department(value: str, ctx: OfficeContext):
    unit = ctx.departments.get(value)
    if unit is None:
        raise CellError("处室不存在或不在您的管辖范围内(请填写处室全称)")
    return unit


def parse_rule(value: str, ctx: OfficeContext):
    rule = ctx.rules.get(value)
    if rule is None:
        raise CellError("制度汇编中没有该制度(请填写制度名称或文号)")
    return rule


def parse_task_force(value: str, ctx: OfficeContext):
    force = ctx.task_forces.get(value)
    if force is None:
        raise CellError("专班不存在或不在您的管辖范围内")
    return force


class TaskSpec(KindSpec):
    kind = "office_tasks"
    label = "任务清单"
    model = Task

    def columns(self) -> list[Column]:
        return [
            Column("任务", "title", text(300), required=True, width=40, example="制定年度科普工作要点"),
            Column("责任处室", "department", parse_department, required=True, fmt="处室全称", example="办公室",
                   rule=RULES["department"]),
            Column("责任人", "owner", text(50), required=True, fmt="该处室干部的姓名", example="张三",
                   rule=RULES["owner"]),
            Column("任务来源", "source", choice(TaskSource.choices), required=True, choices=labels(IMPORTED_SOURCES),
                   fmt="从下拉列表选择", example=str(TaskSource.PLAN.label)),
            Column("依据制度", "rule", parse_rule, fmt="制度名称或文号", help="任务来源为制度规定时必填",
                   rule=RULES["rule"]),
            Column("上级通知", "notice", text(200), fmt="通知名称或文号", help="任务来源为上级通知时必填"),
            Column("交办日期", "assigned_on", parse_date, required=True, fmt="YYYY-MM-DD", example="2020-03-02"),
            Column("完成时限", "deadline", parse_date, required=True, fmt="YYYY-MM-DD", example="2020-06-30"),
            Column("专班", "task_force", parse_task_force, fmt="专班名称", rule=RULES["task_force"]),
        ]  # fmt: skip

    def load_context(self, actor) -> OfficeContext:
        return OfficeContext(actor)

    def check_rows(self, rows: list[Row], ctx: OfficeContext, present: set[str]) -> None:
        stored, by_key = self._stored(ctx) if ctx.actor is not None else ({}, {})
        check_duplicates([r for r in rows if r.ok], "任务", self._row_key, shown=lambda key: key[0])
        for row in rows:
            if not row.ok:
                continue
            if ctx.actor is None:
                row.error("", "", "任务清单的导入须指定导入人(命令行 --as)")
                continue
            values = row.values
            owner = ctx.cadres.get((values["department"].pk, values["owner"]))
            if owner is None:
                row.error("责任人", values["owner"], "不是该处室的干部,或不在您的管辖范围内")
                continue
            values["owner"] = owner
            same = stored.get(self._full(values))
            if same is not None:  # the same task (an exported list imported back)
                row.action, row.instance = "unchanged", same
                continue
            matches = by_key.get(self._key(values), [])
            if len(matches) > 1:
                row.error(
                    "任务", values["title"], "有多项任务的任务名称、责任处室和交办日期相同,无法确定更新哪一项"
                )
                continue
            if matches:
                self._check_update(row, ctx, matches[0])
                continue
            if values["source"] == TaskSource.DECISION:
                row.error(
                    "任务来源", str(TaskSource.DECISION.label), "会议议定的任务请在会议页面由议定事项交办"
                )
                continue
            try:
                services.task_check(actor=ctx.actor, data=self._data(values))
            except PermissionDenied as exc:
                row.error("", "", str(exc) or "您没有交办任务的权限")
                continue
            except ValidationError as exc:
                self._errors(row, exc)
                continue
            row.action = "create"

    @staticmethod
    def _row_key(row: Row) -> tuple:
        """The natural key as the file gives it (checked for duplicates within the file)."""
        v = row.values
        return (v.get("title"), getattr(v.get("department"), "pk", None), v.get("assigned_on"))

    @staticmethod
    def _key(values: dict) -> tuple:
        """The natural key of a task (docs/import-formats.md): 任务、责任处室、交办日期. A row whose key
        is stored updates that task (a changed deadline, owner, source…)."""
        return (values["title"], values["department"].pk, values["assigned_on"])

    @staticmethod
    def _full(values: dict) -> tuple:
        pk = lambda obj: obj.pk if obj is not None else None  # noqa: E731
        return (values["title"], values["department"].pk, values["owner"].pk, values["source"],
                pk(values.get("rule")), values.get("notice") or "", values["assigned_on"], values["deadline"],
                pk(values.get("task_force")))  # fmt: skip

    @staticmethod
    def _stored(ctx: OfficeContext) -> tuple[dict[tuple, Task], dict[tuple, list[Task]]]:
        """The tasks the importer sees, by every column and by the natural key."""
        found, by_key = {}, {}
        for t in selectors.tasks(ctx.actor).order_by("pk"):
            full = (t.title, t.department_id, t.owner_id, t.source, t.rule_id, t.notice, t.assigned_on, t.deadline,
                    t.task_force_id)  # fmt: skip
            found.setdefault(full, t)
            by_key.setdefault((t.title, t.department_id, t.assigned_on), []).append(t)
        return found, by_key

    @staticmethod
    def _errors(row: Row, exc: ValidationError) -> None:
        values = row.values
        for field, messages in exc.message_dict.items():
            header = HEADERS.get(field, "")
            shown = values.get(field)
            row.error(header, str(shown if shown is not None else ""), ";".join(messages))

    def _check_update(self, row: Row, ctx: OfficeContext, task: Task) -> None:
        """A row naming a stored task with other values changes that task, as the task's edit page
        would (`services.task_update_check`): an open task only; a decision's task stays one."""
        values = row.values
        if (values["source"] == TaskSource.DECISION) != (task.source == TaskSource.DECISION):
            label = str(TaskSource(values["source"]).label)
            row.error("任务来源", label, "会议议定的任务与其他来源的任务不能互改来源")
            return
        try:
            services.task_update_check(actor=ctx.actor, task=task, data=self._update_data(values))
        except PermissionDenied as exc:
            row.error("", "", str(exc) or "您没有修改任务的权限")
            return
        except Http404:
            row.error("任务", values["title"], "任务不在您的管辖范围内")
            return
        except ValidationError as exc:
            self._errors(row, exc)
            return
        row.action, row.instance = "update", task

    @staticmethod
    def _update_data(values: dict) -> dict[str, Any]:
        """Every column of the row, a blank one clearing the stored value."""
        data = {k: values.get(k) for k in ("owner", "source", "rule", "task_force", "deadline")}
        data["notice"] = values.get("notice") or ""
        return data

    @staticmethod
    def _data(values: dict) -> dict[str, Any]:
        data = {k: values.get(k) for k in ("title", "department", "owner", "source", "rule", "notice",
                                           "assigned_on", "deadline", "task_force")}  # fmt: skip
        return {k: v for k, v in data.items() if v not in (None, "")}

    def write(self, rows: list[Row], ctx: OfficeContext) -> None:
        for row in rows:
            if row.action not in ("create", "update"):
                continue
            try:
                if row.action == "update":
                    services.task_update(
                        actor=ctx.actor, task=row.instance, data=self._update_data(row.values)
                    )
                else:
                    services.task_create(actor=ctx.actor, data=self._data(row.values))
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", [str(exc)])
                raise ValidationError(f"第{row.number}行:{';'.join(messages)}") from exc

    def export_objects(self, ctx: OfficeContext, year):
        qs = (
            selectors.tasks(ctx.actor)
            if ctx.actor is not None
            else Task.objects.unscoped(reason="a system export, no user")
        )
        if year:
            qs = qs.filter(deadline__year=year)
        return qs.select_related("department", "owner__person", "rule", "task_force").order_by(
            "deadline", "id"
        )

    def export_values(self, objs, ctx: OfficeContext) -> Iterator[Sequence[Any]]:
        for t in objs.iterator(chunk_size=2000):
            yield [
                t.title, t.department.name, t.owner.person.name, t.get_source_display(),
                (t.rule.number or t.rule.title) if t.rule_id else "", t.notice, t.assigned_on.isoformat(),
                t.deadline.isoformat(), t.task_force.name if t.task_force_id else "",
            ]  # fmt: skip


SPECS = {"office_tasks": TaskSpec()}


# ---------------------------------------------------------------- cadres (干部名册)


class CadreContext(Context):
    """The departments (by name) and the cadres (by department and name) the importer sees."""

    def __init__(self, actor):
        super().__init__(actor)
        self.departments, self.cadres = {}, {}
        if actor is None:
            return
        for d in selectors.departments(actor).order_by("pk"):
            self.departments.setdefault(d.unit.name, d.unit)
        for c in selectors.cadres(actor).order_by("pk"):
            self.cadres.setdefault((c.person.unit_id, c.person.name), []).append(c)


def parse_cadre_department(value: str, ctx: CadreContext):
    unit = ctx.departments.get(value)
    if unit is None:
        raise CellError("处室不存在或不在您的管辖范围内(请填写处室全称)")
    return unit


class CadreSpec(KindSpec):
    """The staff roll (干部名册): each row one cadre of a department, with the dates they took up
    and left their post, which the statistics count at 31 December (AK表1-1 机关在编人员). A row
    naming a cadre already there (same department and name) corrects their position and dates
    (`services.cadre_update`; a 离岗日期 given for one still in post records the leaving,
    `services.cadre_end`); a new name adds a cadre (`services.cadre_create`)."""

    kind = "cadres"
    label = "干部名册"
    model = Cadre

    def columns(self) -> list[Column]:
        return [
            Column("姓名", "name", text(50), required=True, example="李四"),
            Column("处室", "department", parse_cadre_department, required=True, fmt="处室全称", example="办公室"),
            Column("职务", "position", text(60), example="科员"),
            Column("性别", "gender", choice(Gender.choices), choices=labels(Gender.choices), fmt="从下拉列表选择",
                   example=str(Gender.FEMALE.label)),
            Column("到岗日期", "joined_on", parse_date, fmt="YYYY-MM-DD", example="2018-03-01"),
            Column("离岗日期", "left_on", parse_date, fmt="YYYY-MM-DD", help="仍在岗的留空;不能晚于今天"),
        ]  # fmt: skip

    def load_context(self, actor) -> CadreContext:
        return CadreContext(actor)

    def check_rows(self, rows: list[Row], ctx: CadreContext, present: set[str]) -> None:
        key = lambda row: (getattr(row.values.get("department"), "pk", None), row.values.get("name"))  # noqa: E731
        check_duplicates([r for r in rows if r.ok], "姓名", key, shown=lambda k: k[1])
        today = selectors.today()
        for row in rows:
            if not row.ok:
                continue
            if ctx.actor is None:
                row.error("", "", "干部名册的导入须指定导入人(命令行 --as)")
                continue
            v = row.values
            joined, left = v.get("joined_on"), v.get("left_on")
            if left and left > today:
                row.error("离岗日期", left.isoformat(), "离岗日期不能晚于今天(尚未离岗的请留空)")
                continue
            if joined and left and left < joined:
                row.error("离岗日期", left.isoformat(), "离岗日期不能早于到岗日期")
                continue
            found = ctx.cadres.get(key(row), [])
            if len(found) > 1:
                row.error("姓名", v["name"], "该处室有多名同名干部,无法确定更新哪一位")
                continue
            if not found:
                row.action = "create"
                continue
            cadre = row.instance = found[0]
            if not cadre.is_active and left is None:
                row.error("离岗日期", "", "该干部已离岗,离岗日期不能留空")
                continue
            if v.get("gender") and cadre.person.gender and v["gender"] != cadre.person.gender:
                row.error(
                    "性别", str(Gender(v["gender"]).label), "与人员信息中的性别不一致,请在人员信息中修改"
                )
                continue
            same = (cadre.position == (v.get("position") or "") and cadre.joined_on == joined
                    and cadre.left_on == left and (not v.get("gender") or cadre.person.gender))  # fmt: skip
            row.action = "unchanged" if same else "update"

    def write(self, rows: list[Row], ctx: CadreContext) -> None:
        for row in rows:
            if row.action not in ("create", "update"):
                continue
            v = row.values
            try:
                if row.action == "create":
                    cadre = services.cadre_create(
                        actor=ctx.actor, name=v["name"], department=v["department"],
                        position=v.get("position") or "", gender=v.get("gender") or "",
                        joined_on=v.get("joined_on"),
                    )  # fmt: skip
                else:
                    cadre = row.instance
                    data = {"position": v.get("position") or "", "joined_on": v.get("joined_on")}
                    if not cadre.is_active:  # a date corrected after the leaving
                        data["left_on"] = v.get("left_on")
                    cadre = services.cadre_update(actor=ctx.actor, cadre=cadre, data=data)
                    if v.get("gender") and not cadre.person.gender:
                        person_update(actor=ctx.actor, person=cadre.person, data={"gender": v["gender"]})
                if v.get("left_on") and cadre.is_active:
                    services.cadre_end(
                        actor=ctx.actor, cadre=cadre, reason="干部名册导入", left_on=v["left_on"]
                    )
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", [str(exc)])
                raise ValidationError(f"第{row.number}行:{';'.join(messages)}") from exc
            except Http404 as exc:
                raise ValidationError(f"第{row.number}行:干部不在您的管辖范围内") from exc

    def export_objects(self, ctx: CadreContext, year):
        qs = (
            selectors.cadres(ctx.actor)
            if ctx.actor is not None
            else Cadre.objects.unscoped(reason="a system export")
        )
        return qs.select_related("person", "person__unit").order_by("person__unit__name", "id")

    def export_values(self, objs, ctx: CadreContext) -> Iterator[Sequence[Any]]:
        for c in objs.iterator(chunk_size=2000):
            yield [
                c.person.name, c.person.unit.name, c.position, c.person.get_gender_display(),
                c.joined_on.isoformat() if c.joined_on else "", c.left_on.isoformat() if c.left_on else "",
            ]  # fmt: skip


SPECS["cadres"] = CadreSpec()
