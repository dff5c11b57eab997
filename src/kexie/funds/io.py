"""Import and export of project applications with their budget lines (`funds_projects`) through
the import framework: one row a budget line; the rows of one programme and project title make one
application, written through `services.project_apply` (under a programme with a call, an entry of
the call, submitted), so checks, scope and audit entries are those of the pages. A project
already applied for is matched by programme and title: its lines come back unchanged, and a line
it does not have is refused (a budget is changed on the project, not by import). Amounts are 元
with at most two decimals, kept in fen exactly (Decimal, never floats)."""

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from kexie.accounts.roles import EDIT
from kexie.calls.codes import CallStatus
from kexie.core import references
from kexie.core.imports.columns import CellError, Column, Row, text
from kexie.core.imports.engine import Context, KindSpec
from kexie.funds import services
from kexie.funds.forms import fen_of
from kexie.funds.models import BudgetLine, Programme, Project


def money(value: str, ctx) -> int:
    """元 (up to two decimals) → fen."""
    try:
        return fen_of(value)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def _programmes(ctx) -> list[Programme]:
    if ctx.actor is None:
        return []
    return list(Programme.objects.for_user(ctx.actor).select_related("call").order_by("-year", "name")[:200])


def _programme_names(ctx) -> list[str]:
    return [p.name for p in _programmes(ctx)]


def _first_programme(ctx) -> str:
    open_ones = [p for p in _programmes(ctx) if p.call_id is None or p.call.status == CallStatus.OPEN]
    return open_ones[0].name if open_ones else "2020年济宁市基层科普行动计划"


def _first_unit(ctx) -> str:
    unit = getattr(ctx.actor, "unit", None)
    return unit.name if unit is not None else "济宁市科学技术协会"


class ProjectLinesSpec(KindSpec):
    kind = "funds_projects"
    label = "科普项目申报预算"
    model = BudgetLine
    key_header = "项目名称"

    def check_permission(self, actor) -> None:
        super().check_permission(actor)
        if actor is not None and not actor.has_perm(EDIT):
            raise PermissionDenied("您没有申报项目的权限")

    def columns(self) -> list[Column]:
        return [
            Column("资金计划", "programme_name", text(200), required=True, example=_first_programme, width=28,
                   choices=_programme_names, fmt="从下拉列表选择"),
            Column("项目名称", "title", text(200), required=True, example="乡村科普大篷车巡展", width=28),
            Column("承担单位", "undertaker_name", text(200), required=True, example=_first_unit, width=24,
                   fmt="单位名称"),
            Column("项目负责人", "leader_name", text(50), example="王明"),
            Column("支出科目", "item", text(100), required=True, example="展品制作"),
            Column("金额(元)", "amount_fen", money, required=True, fmt="数字(元,最多两位小数)", example="15000.00"),
        ]  # fmt: skip

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        if ctx.actor is None:
            for row in rows:
                row.error("", "", "该类数据的导入须指定导入人(命令行 --as)")
            return
        programmes = {p.name: p for p in _programmes(ctx)}
        names = {row.values["undertaker_name"] for row in rows if row.ok}
        units: dict[str, list] = {}
        for org in references.choices_for_import("funds.Project.undertaker", ctx.actor).filter(
            name__in=names
        ):
            units.setdefault(org.name, []).append(org)
        existing = {
            (p.programme_id, p.title): p
            for p in Project.objects.for_user(ctx.actor).filter(programme__in=programmes.values())
        }
        lines: dict[int, list[tuple[str, int]]] = {}
        for line in BudgetLine.objects.unscoped(reason="the lines of the projects the user sees").filter(
            project__in=existing.values()
        ):
            lines.setdefault(line.project_id, []).append((line.item, line.amount_fen))
        groups: dict[tuple[int, str], dict] = {}
        for row in rows:
            if not row.ok:
                continue
            v = row.values
            programme = programmes.get(v["programme_name"])
            if programme is None:
                row.error("资金计划", v["programme_name"], "资金计划不存在或不在您的范围内")
                continue
            found = units.get(v["undertaker_name"], [])
            if len(found) != 1:
                reason = "单位不存在或不在可选范围内" if not found else "同名单位不止一个,请在网页上申报"
                row.error("承担单位", v["undertaker_name"], reason)
                continue
            key = (programme.pk, v["title"])
            project = existing.get(key)
            if project is not None:
                self._check_existing(row, project, found[0], lines.setdefault(project.pk, []))
                continue
            group = groups.setdefault(
                key, {"first": row, "undertaker": found[0], "leader": v.get("leader_name") or ""}
            )
            if group["undertaker"] != found[0]:
                row.error(
                    "承担单位", v["undertaker_name"], f"与第{group['first'].number}行同一项目的承担单位不一致"
                )
                continue
            if (v.get("leader_name") or "") != group["leader"]:
                row.error(
                    "项目负责人",
                    v.get("leader_name") or "",
                    f"与第{group['first'].number}行同一项目的负责人不一致",
                )
                continue
            call = programme.call
            if call is not None and call.status != CallStatus.OPEN:
                row.error("资金计划", v["programme_name"], f"项目征集“{call}”不在征集中,不能申报")
                continue
            row.extra.update(programme=programme, undertaker=found[0], key=key)
            row.action = "create"  # fmt: skip

    def _check_existing(self, row: Row, project: Project, undertaker, lines: list[tuple[str, int]]) -> None:
        v = row.values
        if project.undertaker_id != undertaker.pk:
            row.error(
                "承担单位", v["undertaker_name"], f"项目“{project}”已申报,承担单位为{project.undertaker}"
            )
            return
        line = (v["item"], v["amount_fen"])
        if line not in lines:
            row.error(
                "支出科目", v["item"], f"项目“{project}”已申报,预算明细不能通过导入修改,请在项目页面处理"
            )
            return
        lines.remove(line)  # each stored line matches one row
        row.instance = project
        row.action = "unchanged"

    def write(self, rows: list[Row], ctx: Context) -> None:
        groups: dict[tuple[int, str], list[Row]] = {}
        for row in rows:
            groups.setdefault(row.extra["key"], []).append(row)
        for group in groups.values():
            first = group[0]
            budget = [{"item": r.values["item"], "amount_fen": r.values["amount_fen"]} for r in group]
            try:
                services.project_apply(
                    actor=ctx.actor, programme=first.extra["programme"], title=first.values["title"],
                    undertaker=first.extra["undertaker"], budget_lines=budget,
                    leader_name=first.values.get("leader_name") or "",
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as exc:
                messages = getattr(exc, "messages", [str(exc)])
                raise ValidationError(f"第{first.number}行:{';'.join(messages)}") from exc

    def export_objects(self, ctx: Context, year):
        qs = (
            BudgetLine.objects.for_user(ctx.actor)
            if ctx.actor is not None
            else BudgetLine.objects.unscoped(reason="a system export, no user")
        )
        if year:
            qs = qs.filter(project__programme__year=year)
        return qs.select_related("project__programme", "project__undertaker").order_by(
            "project__programme__name", "project_id", "id"
        )

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        for line in objs:
            p = line.project
            yield [p.programme.name, p.title, p.undertaker.name, p.leader_name, line.item,
                   f"{Decimal(line.amount_fen) / 100:.2f}"]  # fmt: skip


SPECS = {"funds_projects": ProjectLinesSpec()}
