"""Writes of the statistics module, each audited: preparing and re-computing a unit's tables,
entering, overriding and explaining cells, and the workflow (county fills and submits; the unit
above returns with a reason or accepts; an accepted report is locked until a correction reopens
it with a reason)."""

from __future__ import annotations

import functools
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT, REVIEW
from kexie.core import audit
from kexie.core.scoping import path_ids
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    require_obj_in_scope,
    require_perm,
    require_state_unchanged,
    save_with_audit,
    transition,
    unique_or_refuse,
)
from kexie.stats import checks, compute, definitions
from kexie.stats.models import (
    EDITABLE,
    REOPENABLE,
    REVIEWABLE,
    CellSource,
    StatsCell,
    StatsReport,
    StatsStatus,
)

REPORT_FIELDS = ("explanation", "head", "preparer", "phone")
MAX_VALUE = 10**15
_NUMBER = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def parse_cell(text: Any, cell: definitions.CellDef) -> tuple[int | None, bool]:
    """A typed or imported cell: (value, is_dash). Empty → (None, False); "-" where allowed."""
    if text is None:
        return None, False
    if isinstance(text, bool):
        raise ValidationError(_("须为整数"))
    if isinstance(text, int):
        value = text
    elif isinstance(text, float):
        if not text.is_integer():
            raise ValidationError(_("须为整数,不能有小数"))
        value = int(text)
    else:
        s = str(text).strip().replace(",", ",")
        if s == "":
            return None, False
        if s in ("-", "-", "—"):
            if not cell.dash:
                raise ValidationError(_("此单元格不允许填“-”,无数据时填0"))
            return None, True
        if s.endswith(".0"):
            s = s[:-2]
        if not _NUMBER.match(s):
            raise ValidationError(_("“%(s)s”不是非负整数") % {"s": s[:20]})
        value = int(s.replace(",", ""))
    if value < 0:
        raise ValidationError(_("须为非负整数"))
    if value >= MAX_VALUE:
        raise ValidationError(_("数值过大"))
    return value, False


def _require_editable(report: StatsReport) -> None:
    if not report.is_editable:
        raise ValidationError(_("报表已上报或已通过,不能修改;如需更正,请上级单位退回或重新打开"))


def _require_reviewer(actor, report: StatsReport) -> None:
    """Reviews come from a unit above; a unit at the top of kexie's tree accepts its own."""
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, report)
    if actor is None or actor.is_superuser:
        return
    if report.unit_id == actor.unit_id and report.unit.parent_id is not None:
        raise PermissionDenied(_("本单位的报表须由上级单位审核"))


def _definitions(report: StatsReport, kind: str | None = None) -> dict[tuple[str, str], definitions.CellDef]:
    """The cells of a report's tables; `kind`: the unit's filer kind when the caller knows it
    (a city's fill has every unit's), else looked up (for a venue's 科普统计: one query)."""
    if kind is None:
        kind = definitions.filer_kind(report.unit, report.form)
    return _definitions_of(kind, report.year, report.form)


@functools.lru_cache(maxsize=64)
def _definitions_of(
    kind: str | None, year: int, form: str = "kx"
) -> dict[tuple[str, str], definitions.CellDef]:
    if kind is None:
        return {}
    return {(t.code, c.code): c for t in definitions.tables_for(year, kind, form) for c in t.cell_list()}


def _form(form: str) -> str:
    if form not in definitions.FORMS:
        raise ValidationError({"form": _("报表制度无效")})
    return form


def _not_a_filer(form: str) -> ValidationError:
    if form == "kp":
        return ValidationError({"unit": _("只有市、县级科协和科普场馆的运营单位填报科普统计报表")})
    return ValidationError({"unit": _("只有市、县级科协和学会填报科协综合统计报表")})


# ---------------------------------------------------------------------- filling


def _lock_units(unit) -> None:
    """Lock the rows of `unit` and of the units above it (top down, so never a deadlock) until the
    transaction ends: a unit's reports are created by its own preparation and by the fill of any
    unit above it, so two of these that touch the same reports run one after the other (the
    second then finds the first one's reports). PostgreSQL: SELECT … FOR UPDATE; SQLite already
    runs one write transaction at a time."""
    from kexie.directory.models import Organisation

    pks = path_ids(unit.path) or [unit.pk]
    list(Organisation._base_manager.select_for_update().filter(pk__in=pks).order_by("path").values_list("pk"))


def _created(make):
    """Run `make` (a creation); a unique-constraint clash, were one still possible, is refused
    with a message instead of a server error."""
    return unique_or_refuse(make, ValidationError(_("其他用户正在为同一单位取数填报,请稍后刷新页面查看")))


def write_figures(report: StatsReport, figures: dict[tuple[str, str], int]) -> tuple[int, int]:
    """Put computed figures into a report's cells: a computed cell not stored is created when its
    figure is not 0 (else it reads 0: compute.report_cells), a stored one takes the figure unless
    overridden (the override stays, its `computed` follows the records); hand cells are never
    touched (one is stored when first entered: _cell). Returns (created, updated)."""
    existing = {(t, c): (pk, computed, value, overridden) for pk, t, c, computed, value, overridden
                in report.cells.values_list("pk", "table", "code", "computed", "value", "overridden")}  # fmt: skip
    new, changed = _plan_figures(report.pk, _definitions(report), figures, existing)
    _write_cells(new, changed)
    return len(new), len(changed)


_CELL_COLUMNS = ("report", "table", "code", "source", "value", "is_dash", "computed", "overridden",
                 "override_reason", "note")  # fmt: skip


def _plan_figures(report_pk: int, cells: dict, figures: dict, existing: dict) -> tuple[list, list]:
    """What write_figures (and a city's fill) writes for one report: the rows of the cells to
    create (in _CELL_COLUMNS order) and the (figure, overridden, pk) of those to change.
    `cells`: the report's cell definitions; `existing`: (table, code) → (pk, computed, value,
    overridden) of the cells it has."""
    new, changed = [], []
    source, get = CellSource.COMPUTED, figures.get
    if not existing:  # a new report (the common case of a city's fill): its computed cells not 0
        for table, code in _computed_keys(cells):
            value = get((table, code))
            if value:
                new.append((report_pk, table, code, source, value, False, value, False, "", ""))
        return new, changed
    for key in _computed_keys(cells):
        cell = existing.get(key)
        if cell is None:
            value = get(key)
            if value:  # a cell not stored reads 0 (compute.report_cells)
                new.append((report_pk, key[0], key[1], source, value, False, value, False, "", ""))
        else:
            pk, computed, value, overridden = cell
            figure = get(key)
            if computed != figure or (not overridden and value != figure):
                changed.append((figure, overridden, pk))
    return new, changed


_COMPUTED: dict[int, tuple] = {}


def _computed_keys(cells: dict) -> tuple:
    """The (table, code) of the computed cells among a report's cell definitions, worked out once
    per set of definitions (_definitions_of caches them; the entry keeps the dict alive, so its id
    stays its own)."""
    entry = _COMPUTED.get(id(cells))
    if entry is None or entry[0] is not cells:
        if len(_COMPUTED) > 256:
            _COMPUTED.clear()
        entry = _COMPUTED[id(cells)] = (cells, tuple(key for key, d in cells.items() if d.computed))
    return entry[1]


def _write_cells(new: list, changed: list) -> None:
    """Create and change cells in a few statements (executemany of plain rows: a city's fill
    writes tens of thousands; model instances and bulk_update's CASE cost more than the
    figures). The service that calls this checks the rights, the state and writes the audit."""
    from django.db import connection

    quote = connection.ops.quote_name
    fields = [StatsCell._meta.get_field(name) for name in _CELL_COLUMNS]
    table = quote(StatsCell._meta.db_table)
    with connection.cursor() as cursor:
        if new:
            columns = ", ".join(quote(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", new)
        # a cell that is not overridden shows the figure; an overridden one keeps its value
        take = [(figure, figure, False, pk) for figure, overridden, pk in changed if not overridden]
        keep = [(figure, pk) for figure, overridden, pk in changed if overridden]
        computed, value, dash, pk = (quote(StatsCell._meta.get_field(n).column)
                                     for n in ("computed", "value", "is_dash", "id"))  # fmt: skip
        if take:
            cursor.executemany(
                f"UPDATE {table} SET {computed} = %s, {value} = %s, {dash} = %s WHERE {pk} = %s", take
            )
        if keep:
            cursor.executemany(f"UPDATE {table} SET {computed} = %s WHERE {pk} = %s", keep)


def _create_reports(city, units: list, year: int, form: str, now) -> list[StatsReport]:
    """New draft reports of `units` (within `city`, which have none) in one executemany of plain
    rows (model instances cost more than the insert at a city's twelve thousand societies), read
    back for their ids."""
    from django.db import connection

    if not units:
        return []
    values = {"year": year, "form": form, "status": StatsStatus.DRAFT, "explanation": "", "head": "",
              "preparer": "", "phone": "", "return_reason": "", "computed_at": now, "created_at": now,
              "updated_at": now}  # fmt: skip
    fields = [StatsReport._meta.get_field(name) for name in ("unit", *values)]
    row = [f.get_db_prep_save(values[f.name], connection) for f in fields[1:]]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(StatsReport._meta.db_table)} ({columns}) VALUES ({marks})",
            [(u.pk, *row) for u in units],
        )
    by_unit = {u.pk: u for u in units}
    made = []
    for pk, unit_id in (
        StatsReport.objects.within(city).filter(year=year, form=form).values_list("pk", "unit_id")
    ):
        if unit_id not in by_unit:
            continue
        report = StatsReport(pk=pk, unit=by_unit[unit_id], year=year, form=form, computed_at=now,
                             created_at=now, updated_at=now)  # fmt: skip
        report._state.adding = False
        made.append(report)
    return made


@transaction.atomic
def report_prepare(*, actor, unit, year: int, figures: dict | None = None, form: str = "kx") -> StatsReport:
    """The unit's report of `form` (科协综合统计, 科普统计) for the year, created and filled if absent."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, unit)
    if definitions.filer_kind(unit, _form(form)) is None:
        raise _not_a_filer(form)
    definitions.version_for(year)
    _lock_units(unit)
    report = StatsReport.objects.within(unit).filter(unit=unit, year=year, form=form).first()
    if report is not None:
        return report
    report = StatsReport(unit=unit, year=year, form=form)
    full_clean_chinese(report)
    _created(report.save)
    tables = compute.tables_of(unit, year, form)
    write_figures(
        report, figures if figures is not None else compute.own_figures(unit, year, tables, form=form)
    )
    report.computed_at = timezone.now()
    report.save(update_fields=["computed_at"])
    audit.log(actor=actor, action="kexie.stats_report.created", obj=report, after=audit.snapshot(report))
    return report


@transaction.atomic
def report_compute(*, actor, report: StatsReport, figures: dict | None = None) -> tuple[int, int]:
    """Take the computed cells again from the records (hand cells and overrides stay)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    require_state_unchanged(report)
    _require_editable(report)
    tables = compute.report_tables(report)
    counts = write_figures(report, figures if figures is not None else compute.own_figures(
        report.unit, report.year, tables, form=report.form))  # fmt: skip
    StatsReport._base_manager.filter(pk=report.pk).update(computed_at=timezone.now())
    audit.log(actor=actor, action="kexie.stats_report.computed", obj=report,
              after={"created": counts[0], "updated": counts[1]})  # fmt: skip
    return counts


@transaction.atomic
def report_update(*, actor, report: StatsReport, data: dict[str, Any]) -> StatsReport:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    require_state_unchanged(report)
    _require_editable(report)
    before = audit.snapshot(report)
    apply_fields(report, data, REPORT_FIELDS)
    return save_with_audit(obj=report, actor=actor, action="kexie.stats_report.changed", before=before,
                           validate=full_clean_chinese)  # fmt: skip


def _cell(report: StatsReport, table: str, code: str) -> tuple[StatsCell, definitions.CellDef]:
    """A cell of the report and its definition; one the report has not stored (a hand cell not
    entered yet, a computed 0) comes unsaved (compute.unstored_cell), stored by its first write."""
    d = _definitions(report).get((table, code))
    cell = report.cells.filter(table=table, code=code).first()
    if cell is None and d is not None:
        cell = compute.unstored_cell(report, d)
    if d is None or cell is None:
        raise ValidationError(_("单元格“%(t)s:%(c)s”不存在") % {"t": table, "c": code})
    return cell, d


def _cell_write(actor, report, cell, action, before, note=""):
    if cell.pk is None:
        _created(cell.save)
    else:
        cell.save()
    audit.log(actor=actor, action=action, obj=report, before=before,
              after={"cell": str(cell), **audit.snapshot(cell, ["value", "is_dash", "overridden",
                                                                "override_reason", "note"])}, note=note)  # fmt: skip
    return cell


@transaction.atomic
def cell_enter(*, actor, report: StatsReport, table: str, code: str, text: Any) -> StatsCell:
    """A hand-entered cell: a whole number, empty, or "-" where allowed."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    _require_editable(report)
    cell, d = _cell(report, table, code)
    if d.computed:
        raise ValidationError(_("%(c)s 为自动取数,如需改写请写明原因") % {"c": d.label})
    try:
        value, dash = parse_cell(text, d)
    except ValidationError as exc:
        raise ValidationError({f"{table}:{code}": [f"{d.label}:{m}" for m in exc.messages]}) from None
    before = {"cell": str(cell), **audit.snapshot(cell, ["value", "is_dash"])}
    cell.value, cell.is_dash = value, dash
    return _cell_write(actor, report, cell, "kexie.stats_cell.entered", before)


@transaction.atomic
def cell_override(*, actor, report: StatsReport, table: str, code: str, text: Any, reason: str) -> StatsCell:
    """Replace a computed figure, with a written reason; shown as overridden and left out of the
    equality with the records."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    _require_editable(report)
    cell, d = _cell(report, table, code)
    if not d.computed:
        raise ValidationError(_("%(c)s 为手工填报单元格,直接填写即可") % {"c": d.label})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("改写自动取数须写明原因")})
    try:
        value, dash = parse_cell(text, d)
    except ValidationError as exc:
        raise ValidationError({f"{table}:{code}": [f"{d.label}:{m}" for m in exc.messages]}) from None
    if value is None and not dash:
        raise ValidationError({f"{table}:{code}": _("改写值不能为空")})
    before = {
        "cell": str(cell),
        **audit.snapshot(cell, ["value", "is_dash", "overridden", "override_reason"]),
    }
    cell.value, cell.is_dash, cell.overridden, cell.override_reason = value, dash, True, reason[:500]
    return _cell_write(actor, report, cell, "kexie.stats_cell.overridden", before, note=reason)


@transaction.atomic
def cell_restore(*, actor, report: StatsReport, table: str, code: str) -> StatsCell:
    """Undo an override: the cell shows the computed figure again."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    _require_editable(report)
    cell, d = _cell(report, table, code)
    before = {"cell": str(cell), **audit.snapshot(cell, ["value", "overridden", "override_reason"])}
    cell.value, cell.is_dash, cell.overridden, cell.override_reason = cell.computed, False, False, ""
    return _cell_write(actor, report, cell, "kexie.stats_cell.restored", before)


@transaction.atomic
def cell_explain(*, actor, report: StatsReport, table: str, code: str, note: str) -> StatsCell:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    _require_editable(report)
    cell, _d = _cell(report, table, code)
    before = {"cell": str(cell), "note": cell.note}
    cell.note = (note or "").strip()[:500]
    return _cell_write(actor, report, cell, "kexie.stats_cell.explained", before)


# ---------------------------------------------------------------------- workflow


def _step(report, *, actor, seen, allowed_from, to, action, values, note="", refused=None):
    before = transition(report, seen=seen or report.status, to=to, allowed_from=allowed_from, values=values,
                        refused=refused)  # fmt: skip
    audit.log(
        actor=actor, action=action, obj=report, before={"status": before}, after={"status": to}, note=note
    )
    return report


@transaction.atomic
def report_submit(*, actor, report: StatsReport, seen: str | None = None) -> StatsReport:
    """Submit to the unit above: refused while any rule fails (the messages list them)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, report)
    if (seen or report.status) in EDITABLE:
        problems = [p for p in checks.check_report(report) if p.table]  # the summary's waits do not block
        if problems:
            raise ValidationError([str(p) for p in problems[:50]])
    return _step(report, actor=actor, seen=seen, allowed_from=EDITABLE, to=StatsStatus.SUBMITTED,
                 action="kexie.stats_report.submitted",
                 values={"submitted_at": timezone.now(), "return_reason": ""})  # fmt: skip


@transaction.atomic
def report_return(*, actor, report: StatsReport, reason: str, seen: str | None = None) -> StatsReport:
    _require_reviewer(actor, report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回时必须填写原因")})
    return _step(report, actor=actor, seen=seen, allowed_from=REVIEWABLE, to=StatsStatus.RETURNED,
                 action="kexie.stats_report.returned", note=reason,
                 values={"return_reason": reason[:500], "reviewed_at": timezone.now(), "reviewed_by": _user(actor)})  # fmt: skip


@transaction.atomic
def report_accept(*, actor, report: StatsReport, seen: str | None = None) -> StatsReport:
    _require_reviewer(actor, report)
    return _step(report, actor=actor, seen=seen, allowed_from=REVIEWABLE, to=StatsStatus.ACCEPTED,
                 action="kexie.stats_report.accepted",
                 values={"reviewed_at": timezone.now(), "reviewed_by": _user(actor)})  # fmt: skip


@transaction.atomic
def report_reopen(*, actor, report: StatsReport, reason: str, seen: str | None = None) -> StatsReport:
    """A correction of an accepted (locked) report: back to the unit, with the reason."""
    _require_reviewer(actor, report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("重新打开须写明更正原因")})
    return _step(report, actor=actor, seen=seen, allowed_from=REOPENABLE, to=StatsStatus.RETURNED,
                 action="kexie.stats_report.reopened", note=reason,
                 refused=_("只有已通过的报表需要重新打开"),
                 values={"return_reason": reason[:500], "reviewed_at": timezone.now(), "reviewed_by": _user(actor)})  # fmt: skip


# ---------------------------------------------------------------------- every unit of a city


@transaction.atomic
def fill_city(*, actor, city, year: int, form: str | tuple[str, ...] = "kx") -> list[StatsReport]:
    """Prepare (or re-compute, where still editable) the reports of a city, its counties and the
    societies (科普统计: venue operators) under it, in bulk, for one form or several (`form`:
    ("kx", "kp") fills every table of every unit, reading the records once for both): the subtree
    figures of every unit come from one grouped query per source (compute.forms_figures); each
    unit's report then holds compute.form_figures of them (the venue rule), the city's its 本级
    (compute.own_figures); the reports of a form are created in one statement, the cells of all
    in a few (`_write_cells`), and one audit entry a form records the fill (with how many reports
    were created and re-computed). Returns the reports by unit, then form."""
    from functools import reduce
    from operator import or_

    from kexie.directory.models import Organisation

    forms = (form,) if isinstance(form, str) else tuple(dict.fromkeys(form))
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, city)
    venues = definitions.venue_operators() if "kp" in [_form(f) for f in forms] else None
    for f in forms:
        if definitions.filer_kind(city, f, venues) is None:
            raise _not_a_filer(f)
    definitions.version_for(year)
    _lock_units(city)
    below = list(
        Organisation.objects.within(city)
        .exclude(pk=city.pk)
        .filter(reduce(or_, (definitions.filers_q(f, venues) for f in forms)), is_active=True)
        .order_by("path")
    )
    filers = {f: _filers(city, below, f, venues) for f in forms}
    figures = compute.forms_figures(city, {f: units for f, (units, _kinds) in filers.items()}, year, venues)
    now, new, changed, reports = timezone.now(), [], [], []
    for f in forms:
        filled = _fill_form(actor, city, year, f, *filers[f], figures[f], venues, now)
        reports += filled[0]
        new += filled[1]
        changed += filled[2]
    _write_cells(new, changed)
    return sorted(reports, key=lambda r: (r.unit.path, r.form))


def _filers(city, below: list, form: str, venues) -> tuple[list, dict]:
    """The units of a city that file `form` (the city first, then `below` in path order) and the
    filer kind of each."""
    kinds = {city.pk: definitions.filer_kind(city, form, venues)}
    units = [city]
    for o in below:
        kind = definitions.filer_kind(o, form, venues)
        if kind is not None:
            kinds[o.pk] = kind
            units.append(o)
    return units, kinds


def _fill_form(actor, city, year, form, units, kinds, subtree, venues, now) -> tuple[list, list, list]:
    """One form of fill_city: its reports (created or found), and the cells to create and change."""
    operators = [u for u in units if kinds[u.pk] == "venue"]
    by_unit = {
        u.pk: compute.form_figures(
            u, year, compute.tables_of(u, year, form, venues), form, known=subtree, operators=operators
        )
        for u in units[1:]
    }
    by_unit[city.pk] = compute.own_figures(
        city, year, compute.tables_of(city, year, form, venues), form, known=subtree, operators=operators
    )
    existing = {
        r.unit_id: r
        for r in StatsReport.objects.within(city).filter(year=year, form=form).select_related("unit")
    }
    made = _created(
        lambda: _create_reports(city, [u for u in units if u.pk not in existing], year, form, now)
    )
    editable = [r for r in existing.values() if r.is_editable]
    cells: dict[int, dict] = {r.pk: {} for r in editable}
    for pk, report_pk, table, code, computed, value, overridden in (
        StatsCell.objects.unscoped(reason="statistics: the city's fill reads its own reports")
        .filter(report__in=StatsReport.objects.within(city).filter(year=year, form=form, status__in=EDITABLE))
        .values_list("pk", "report_id", "table", "code", "computed", "value", "overridden")
    ):
        if report_pk in cells:
            cells[report_pk][(table, code)] = (pk, computed, value, overridden)
    units_by_pk = {u.pk: u for u in units}
    new, changed = [], []
    for report in [*made, *editable]:
        report.unit = units_by_pk.get(report.unit_id, report.unit)
        defs = _definitions_of(kinds.get(report.unit_id), year, form)
        n, c = _plan_figures(report.pk, defs, by_unit.get(report.unit_id, {}), cells.get(report.pk, {}))
        new += n
        changed += c
    if editable:
        StatsReport._base_manager.filter(pk__in=[r.pk for r in editable]).update(computed_at=now)
    audit.log(actor=actor, action="kexie.stats_report.filled", unit=city, object_repr=f"{city} {year}",
              after={"year": year, "form": form, "created": len(made), "computed": len(editable), "cells": len(new),
                     "updated": len(changed)})  # fmt: skip
    return [*made, *existing.values()], new, changed
