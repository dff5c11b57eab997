"""The rules of the statistics system, run over a filled report:

- every cell holds a whole number ≥ 0 (0 where nothing happened: an empty cell fails);
- "-" only in the cells whose definition allows it;
- the table's sums (`sum`) and parts (`le`);
- a change above the table's threshold against last year's report needs a written
  explanation (the cell's 变动说明, or the 报表说明 naming the cell);
- an overridden cell needs its reason;
- with fresh figures: a computed, not overridden cell equals the records' figure now;
- for a city: its summary (本级 + counties) against the city's figure, cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from kexie.stats import definitions
from kexie.stats.definitions import YOY_MIN_CHANGE, TableDef


@dataclass(frozen=True)
class Problem:
    table: str
    cell: str
    reason: str
    unit: str = ""

    def as_dict(self) -> dict:
        return {"unit": self.unit, "table": self.table, "cell": self.cell, "reason": self.reason}

    def __str__(self):
        where = f"{self.unit} " if self.unit else ""
        return f"{where}{self.table} {self.cell}:{self.reason}"


def _num(cell) -> int | None:
    if cell is None or cell.is_dash:
        return None
    return cell.value


def check_cells(
    tables: list[TableDef],
    cells: dict,
    *,
    previous: dict | None = None,
    explanation: str = "",
    fresh: dict | None = None,
    unit: str = "",
) -> list[Problem]:
    """`cells`: (table, code) → StatsCell (or any object with value/is_dash/overridden/
    override_reason/note/source); `previous`: (table, code) → last year's value."""
    problems: list[Problem] = []

    def add(t, c, reason):
        problems.append(Problem(t, c, reason, unit))

    for t in tables:
        for d in t.cell_list():
            cell = cells.get((t.code, d.code))
            label = f"{d.code} {d.label}"
            if cell is None or (cell.value is None and not cell.is_dash):
                add(t.code, label, "未填写(本年无数据时填0)")
                continue
            if cell.is_dash and not d.dash:
                add(t.code, label, "此单元格不允许填“-”")
                continue
            if cell.value is not None and cell.value < 0:
                add(t.code, label, "须为非负整数")
            if cell.overridden and not (cell.override_reason or "").strip():
                add(t.code, label, "改写自动取数须写明原因")
            if fresh is not None and d.computed and not cell.overridden:
                now = fresh.get((t.code, d.code))
                if now is not None and now != cell.value:
                    add(t.code, label, f"与记录不一致:报表 {cell.value},记录现为 {now}(请重新取数)")
            if previous and cell.value is not None:
                before = previous.get((t.code, d.code))
                if before and abs(cell.value - before) >= YOY_MIN_CHANGE:
                    change = (cell.value - before) / before
                    explained = (
                        (cell.note or "").strip() or d.code in explanation or d.row_label in explanation
                    )
                    if abs(change) > t.yoy_threshold and not explained:
                        add(
                            t.code,
                            label,
                            f"较上年({before})变动{change:+.0%},超过{t.yoy_threshold:.0%},须在报表说明中说明",
                        )
        for rule in t.checks:
            whole = _num(cells.get((t.code, rule.cell)))
            parts = [_num(cells.get((t.code, o))) for o in rule.of]
            if whole is None or any(p is None for p in parts):
                continue
            if rule.kind == "sum" and whole != sum(parts):
                add(t.code, rule.cell, f"应等于 {'+'.join(rule.of)} 之和({sum(parts)}),现为 {whole}")
            if rule.kind == "le" and whole > parts[0]:
                add(t.code, rule.cell, f"不应大于 {rule.of[0]}({parts[0]}),现为 {whole}")
    return problems


def check_report(report, *, fresh: bool = False) -> list[Problem]:
    """Every failed rule of a report (with `fresh`, also computed cells against the records now)."""
    from kexie.stats import compute
    from kexie.stats.models import StatsReport

    tables = compute.report_tables(report)
    cells = compute.report_cells(report, tables)
    last = (
        StatsReport.objects.unscoped(reason="last year's report of the same unit")
        .filter(unit_id=report.unit_id, year=report.year - 1, form=report.form)
        .first()
    )
    previous = None
    if last is not None:
        previous = {(c.table, c.code): c.value for c in last.cells.all() if not c.is_dash}
    figures = compute.own_figures(report.unit, report.year, tables, form=report.form) if fresh else None
    problems = check_cells(tables, cells, previous=previous, explanation=report.explanation,
                           fresh=figures, unit=str(report.unit))  # fmt: skip
    if compute.counties_of(report.unit):
        problems += summary(report)[1]
    return problems


def summary(report) -> tuple[dict, list[Problem]]:
    """A city's summary table: its own report plus its counties' reports, cell by cell; and the
    problems: a county that has not filed or submitted, a computed cell (overridden nowhere)
    whose sum differs from the city's figure."""
    from kexie.stats import compute
    from kexie.stats.models import StatsReport

    tables = compute.report_tables(report)
    counties = compute.counties_of(report.unit)
    reports = {r.unit_id: r for r in StatsReport.objects.unscoped(reason="the counties a city's summary adds up")
               .filter(unit__in=counties, year=report.year, form=report.form).prefetch_related("cells")}  # fmt: skip
    parts = [report] + [reports[c.pk] for c in counties if c.pk in reports]
    problems = [Problem("", "", f"{c} 尚未填报", str(report.unit)) for c in counties if c.pk not in reports]
    problems += [Problem("", "", f"{r.unit} 尚未上报({r.get_status_display()})", str(report.unit))
                 for r in parts[1:] if r.status in ("draft", "returned")]  # fmt: skip
    totals: dict[tuple[str, str], int | None] = {}
    overridden: set[tuple[str, str]] = set()
    for part in parts:
        for key, c in compute.report_cells(part, tables).items():
            if c.overridden:
                overridden.add(key)
            if c.is_dash or c.value is None:
                totals.setdefault(key, None)
                continue
            totals[key] = (totals.get(key) or 0) + c.value
    figures = compute.form_figures(report.unit, report.year, tables, report.form)
    for t in tables:
        for d in t.cell_list():
            key = (t.code, d.code)
            if (
                d.computed
                and key not in overridden
                and totals.get(key) is not None
                and totals[key] != figures[key]
            ):
                problems.append(Problem(t.code, f"{d.code} {d.label}",
                                        f"汇总 {totals[key]} 与全市记录 {figures[key]} 不一致", str(report.unit)))  # fmt: skip
    return totals, problems


__all__ = ["Problem", "check_cells", "check_report", "definitions", "summary"]
