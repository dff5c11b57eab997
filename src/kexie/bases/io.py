"""Import and export of bases' yearly assessment figures and venues' monthly visitors through
the import framework. Each row goes through the services (assessment_record scores it against
the scheme in force; venue_visitors_record replaces a month's figure), so checks, scope and
audit entries are those of the pages. An import needs an acting user (`--as`)."""

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from kexie.bases import services
from kexie.bases.codes import FIGURES
from kexie.bases.models import Assessment, BaseDesignation, Venue, VenueMonth
from kexie.core.imports.columns import CellError, Column, Row, choice, integer, labels, text
from kexie.core.imports.engine import Context, KindSpec
from kexie.directory.codes import DesignationLevel

MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]\s*\d{1,2}\s*日?)?(?:[ T]00:00(?::00)?)?$")


def parse_month(value: str, ctx) -> dt.date:
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1949 <= int(match.group(1)) <= 2100:
        raise CellError("月份格式应为 YYYY-MM")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


EXAMPLE_FIGURES = {"open_days": 260, "student_free_days": 80, "visitors": 20000, "exhibition_area": 1200,
                   "staff": 8, "volunteers": 20, "activities": 24}  # fmt: skip


def _venue_names(ctx) -> list[str]:
    if ctx.actor is None:
        return []
    return list(Venue.objects.for_user(ctx.actor).order_by("name").values_list("name", flat=True)[:200])


def _first_venue(ctx) -> str:
    names = _venue_names(ctx)
    return names[0] if names else "邹城市科技馆"


def _first_base(ctx) -> str:
    if ctx.actor is not None:
        record = (
            BaseDesignation.objects.for_user(ctx.actor).filter(status="valid").order_by("-valid_from").first()
        )
        if record is not None:
            return record.designation.organisation.name
    return "济宁市科技馆"


def _require_actor(rows: list[Row], ctx: Context) -> bool:
    if ctx.actor is None:
        for row in rows:
            row.error("", "", "该类数据的导入须指定导入人(命令行 --as)")
        return False
    return True


def _write(row: Row, call) -> None:
    try:
        call()
    except (ValidationError, PermissionDenied) as exc:
        messages = getattr(exc, "messages", [str(exc)])
        raise ValidationError(f"第{row.number}行:{';'.join(messages)}") from exc


class VenueVisitorsSpec(KindSpec):
    kind = "venue_visitors"
    label = "场馆月度观众"
    model = VenueMonth
    key_header = "场馆"

    def columns(self) -> list[Column]:
        return [
            Column("场馆", "venue_name", text(200), required=True, example=_first_venue, width=24,
                   choices=_venue_names, fmt="从下拉列表选择"),
            Column("月份", "month", parse_month, required=True, fmt="YYYY-MM", example="2020-09", text=True),
            Column("观众人次", "visitors", integer(0, 10_000_000), required=True, fmt="整数", example=3200),
        ]  # fmt: skip

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        if not _require_actor(rows, ctx):
            return
        allowed = ctx.rule_ids("bases.VenueMonth.venue")
        venues = {v.name: v for v in Venue.objects.for_user(ctx.actor) if v.pk in allowed}
        existing = {
            (venue_id, month): visitors
            for venue_id, month, visitors in VenueMonth.objects.for_user(ctx.actor).values_list(
                "venue", "month", "visitors"
            )
        }
        seen = set()
        for row in rows:
            if not row.ok:
                continue
            venue = venues.get(row.values["venue_name"])
            if venue is None:
                row.error("场馆", row.values["venue_name"], "场馆不存在或不在您的范围内")
                continue
            key = (venue.pk, row.values["month"])
            if key in seen:
                row.error("月份", f"{row.values['month']:%Y-%m}", "与前面的行重复")
                continue
            seen.add(key)
            row.instance = venue
            stored = existing.get(key)
            row.action = (
                "create"
                if stored is None
                else ("unchanged" if stored == row.values["visitors"] else "update")
            )

    def write(self, rows: list[Row], ctx: Context) -> None:
        for row in (r for r in rows if r.action in ("create", "update")):
            _write(row, lambda row=row: services.venue_visitors_record(
                actor=ctx.actor, venue=row.instance, month=row.values["month"], visitors=row.values["visitors"]))  # fmt: skip

    def export_objects(self, ctx: Context, year):
        qs = (
            VenueMonth.objects.for_user(ctx.actor)
            if ctx.actor is not None
            else VenueMonth.objects.unscoped(reason="a system export, no user")
        )
        if year:
            qs = qs.filter(month__year=year)
        return qs.select_related("venue").order_by("venue__name", "month")

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        for m in objs:
            yield [m.venue.name, f"{m.month:%Y-%m}", m.visitors]


class AssessmentSpec(KindSpec):
    kind = "base_assessments"
    label = "基地年度考核数据"
    model = Assessment
    key_header = "基地"

    def columns(self) -> list[Column]:
        figures = [
            Column(
                label,
                name,
                integer(0, 100_000_000),
                required=name == "open_days",
                fmt=f"整数({unit})",
                example=EXAMPLE_FIGURES[name],
            )
            for name, (label, unit) in FIGURES.items()
        ]
        return [
            Column("基地", "base_name", text(200), required=True, example=_first_base, width=24),
            Column("命名级别", "level", choice(DesignationLevel.choices), required=True,
                   choices=labels(DesignationLevel.choices), fmt="从下拉列表选择", example="市级"),
            Column("考核年度", "year", integer(1949, 2100), required=True, fmt="整数", example=2020),
            *figures,
        ]  # fmt: skip

    def check_rows(self, rows: list[Row], ctx: Context, present: set[str]) -> None:
        if not _require_actor(rows, ctx):
            return
        allowed = ctx.rule_ids("bases.Assessment.base_designation")
        records: dict[tuple[str, str], list[BaseDesignation]] = {}
        qs = BaseDesignation.objects.for_user(ctx.actor).select_related("designation__organisation")
        for record in qs:
            if record.pk in allowed:
                key = (record.designation.organisation.name, record.designation.level)
                records.setdefault(key, []).append(record)
        assessments = {(a.base_designation_id, a.year): a for a in Assessment.objects.for_user(ctx.actor)}
        seen = set()
        for row in rows:
            if not row.ok:
                continue
            year = row.values["year"]
            found = [
                r for r in records.get((row.values["base_name"], row.values["level"]), [])
                if services.held_during(r, year)
            ]  # fmt: skip
            if not found:
                row.error("基地", row.values["base_name"], f"{year}年没有该级别的有效命名,或不在您的范围内")
                continue
            key = (found[0].pk, year)
            if key in seen:
                row.error("考核年度", str(year), "与前面的行重复")
                continue
            seen.add(key)
            row.instance = found[0]
            stored = assessments.get(key)
            figures = {name: row.values.get(name) or 0 for name in FIGURES}
            if stored is None:
                row.action = "create"
            elif all(getattr(stored, name) == value for name, value in figures.items()):
                row.action = "unchanged"
            elif stored.is_decided:
                row.error("考核年度", str(year), "该年度考核已审定,不能修改")
            else:
                row.action = "update"

    def write(self, rows: list[Row], ctx: Context) -> None:
        for row in (r for r in rows if r.action in ("create", "update")):
            figures = {name: row.values.get(name) or 0 for name in FIGURES}
            _write(row, lambda row=row, figures=figures: services.assessment_record(
                actor=ctx.actor, base_designation=row.instance, year=row.values["year"], figures=figures))  # fmt: skip

    def export_objects(self, ctx: Context, year):
        qs = (
            Assessment.objects.for_user(ctx.actor)
            if ctx.actor is not None
            else Assessment.objects.unscoped(reason="a system export, no user")
        )
        if year:
            qs = qs.filter(year=year)
        return qs.select_related("base_designation__designation__organisation").order_by("year", "id")

    def export_values(self, objs, ctx) -> Iterator[Sequence[Any]]:
        levels = dict(DesignationLevel.choices)
        for a in objs:
            d = a.base_designation.designation
            yield [d.organisation.name, str(levels[d.level]), a.year, *(getattr(a, name) for name in FIGURES)]


SPECS = {"venue_visitors": VenueVisitorsSpec(), "base_assessments": AssessmentSpec()}
