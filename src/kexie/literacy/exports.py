"""The survey's tables as one xlsx workbook (openpyxl): every estimate, the sample, the weighting."""

from __future__ import annotations

import io

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kexie.core.imports.guard import guard_workbook
from kexie.literacy.codes import DOMAINS, Status
from kexie.literacy.selectors import response_summary

ESTIMATE_HEADER = ["分组", "类别", "有效样本量", "具备科学素质比例(%)", "标准误(百分点)", "95%置信区间下限(%)",
                   "95%置信区间上限(%)", "平均得分", "加权人口数"]  # fmt: skip


def _pct(value) -> float | None:
    return None if value is None else round(value * 100, 2)


def _estimate_row(row: dict) -> list:
    return [
        row["domain_label"], row["level"], row["n"], _pct(row["share"]), _pct(row["se"]), _pct(row["ci_low"]),
        _pct(row["ci_high"]), None if row.get("mean_score") is None else round(row["mean_score"], 2),
        None if row.get("population") is None else round(row["population"]),
    ]  # fmt: skip


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list], note: str = ""):
    ws = book.create_sheet(title)
    start = 1
    if note:
        ws.cell(row=1, column=1, value=note).alignment = Alignment(wrap_text=False)
        start = 3
    for j, name in enumerate(header, start=1):
        ws.cell(row=start, column=j, value=str(name)).font = Font(bold=True)
    for i, row in enumerate(rows, start=start + 1):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=str(value) if isinstance(value, Promise) else value)
    for j, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(12, len(name) * 2 + 2)
    ws.freeze_panes = ws.cell(row=start + 1, column=1)
    return ws


def results_workbook(survey, results: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    weighting = (
        "已按人口普查边际加权(县市区×性别、县市区×年龄段、县市区×城乡)"
        if results.get("weighted")
        else "未加权校准"
    )
    note = (
        f"{survey.name}:具备科学素质 = 得分 {survey.threshold_sign} {survey.literate_threshold:g} 分;{weighting};"
        "置信区间为 logit 法 95% 置信区间(比例为 0 或 100% 的分组用 Clopper-Pearson 精确法)"
    )
    overall = [_estimate_row(results["overall"])] if results.get("overall") else []
    _sheet(book, "总体", ESTIMATE_HEADER, overall, note)
    for name, label in DOMAINS:
        rows = [_estimate_row(r) for r in results.get("by_domain", {}).get(name, [])]
        _sheet(book, f"分{label}", ESTIMATE_HEADER, rows, note)
    summary = response_summary(survey)
    status_rows = [[label, n] for _, label, n in summary["status"]] + [["合计", summary["total"]]]
    _sheet(book, "样本情况", ["答卷状态", "份数"], status_rows, "只有“有效”答卷进入估计;其余答卷保留并计数")
    county_rows = [[county, *counts.values()] for county, counts in summary["by_county"].items()]
    _sheet(book, "分县市区样本", ["县市区", *Status.labels], county_rows)
    weight_rows = [[w["margin"], w["cell"], w["census"], w["weighted"]] for w in results.get("weighting", [])]
    _sheet(book, "加权校准", ["边际", "类别", "普查人口数", "加权样本合计"], weight_rows)
    buffer = io.BytesIO()
    guard_workbook(book).save(buffer)
    return buffer.getvalue()
