"""Pages of the statistical reports: the list (prepare a unit's tables), a report with its
tables (computed cells open their records, hand cells are typed in, overrides carry their
reason), the workflow buttons, a city's summary beside its 本级, exports and import. Scope as
everywhere: a county sees its own reports, the city every report below it; out of scope is 404."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.core.scoping import get_scoped_or_404, scoped
from kexie.core.views import _download, require, year_param
from kexie.directory.models import Organisation
from kexie.stats import checks, compute, definitions, exports, queries, services
from kexie.stats.models import StatsReport

ACTIONS = ("submit", "return", "accept", "reopen", "compute")


def _error(request, exc) -> None:
    messages.error(request, ";".join(getattr(exc, "messages", [str(exc)])))


@login_required
@require_GET
def report_list(request):
    try:
        year = year_param(request) or dt.date.today().year - 1
    except ValidationError as exc:
        _error(request, exc)
        year = dt.date.today().year - 1
    reports = (
        scoped(StatsReport, request.user)
        .filter(year=year)
        .select_related("unit")
        .order_by("form", "unit__path")
    )
    filed = {(r.unit_id, r.form) for r in reports}
    venues = definitions.venue_operators()
    units = []  # units with a form not yet filed (科普统计: venues file their own)
    for o in (scoped(Organisation, request.user).filter(is_active=True).order_by("path")
              .filter(Q(kind__in=("association", "society")) | Q(pk__in=venues))[:500]):  # fmt: skip
        if any(definitions.filer_kind(o, f, venues) and (o.pk, f) not in filed for f in definitions.FORMS):
            units.append(o)
    return render(request, "stats/report_list.html", {"reports": reports, "units": units, "year": year,
                                                      "forms": definitions.FORMS})  # fmt: skip


@login_required
@require_POST
def report_prepare(request):
    require(request.user, EDIT)
    unit = get_scoped_or_404(Organisation, request.user, pk=request.POST.get("unit") or 0)
    try:
        year = int(request.POST.get("year", ""))
        form = request.POST.get("form") or "kx"
        report = services.report_prepare(actor=request.user, unit=unit, year=year, form=form)
    except (ValueError, ValidationError, definitions.DefinitionError) as exc:
        _error(request, exc if isinstance(exc, ValidationError) else ValidationError(_("年度无效")))
        return redirect("stats:report_list")
    return redirect("stats:report_detail", pk=report.pk)


@login_required
@require_POST
def report_fill(request):
    """Fill the reports of the user's unit and of every filing unit below it for a year (those
    already submitted or accepted stay as they are). Two fills at once run one after the other."""
    require(request.user, EDIT)
    unit = get_scoped_or_404(Organisation, request.user, pk=request.user.unit_id or 0)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        _error(request, ValidationError(_("年度无效")))
        return redirect("stats:report_list")
    try:
        form = request.POST.get("form") or "kx"
        if form == "all":  # every form the unit files, the records read once for all
            form = tuple(f for f in definitions.FORMS if definitions.filer_kind(unit, f) is not None) or "kx"
        reports = services.fill_city(actor=request.user, city=unit, year=year, form=form)
    except (ValidationError, definitions.DefinitionError) as exc:
        _error(request, exc if isinstance(exc, ValidationError) else ValidationError(_("年度无效")))
    else:
        messages.success(request, _("已从记录取数:%(n)s 份报表") % {"n": len(reports)})
    return redirect(f"{reverse('stats:report_list')}?year={year}")


def _tables(report: StatsReport, summary: dict | None):
    tables = compute.report_tables(report)
    cells = compute.report_cells(report, tables)
    out = []
    for t in tables:
        rows = []
        for rcode, label, unit in t.rows:
            items = []
            for ccode, _clabel in t.columns:
                d = t.cells.get(f"{rcode}-{ccode}")
                cell = cells.get((t.code, d.code)) if d else None
                items.append({
                    "d": d, "cell": cell,
                    "url": compute.records_url(report.unit, report.year, d, report.pk) if d and d.computed else "",
                    "total": None if summary is None or d is None else summary.get((t.code, d.code)),
                })  # fmt: skip
            rows.append({"code": rcode, "label": label, "unit": unit, "cells": items})
        out.append({"t": t, "rows": rows})
    return out


@login_required
@require_GET
def report_detail(request, pk):
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), request.user, pk=pk)
    summary = None
    if compute.counties_of(report.unit):
        summary, _problems = checks.summary(report)
    context = {
        "report": report, "tables": _tables(report, summary), "summary": summary is not None,
        "problems": checks.check_report(report), "own": report.unit_id == request.user.unit_id,
        "may_review": request.user.has_perm(REVIEW) and (report.unit_id != request.user.unit_id
                                                          or report.unit.parent_id is None),
    }  # fmt: skip
    return render(request, "stats/report_detail.html", context)


@login_required
@require_POST
def report_save(request, pk):
    """Hand cells (fields `c:<table>:<cell>`), changes' explanations (`n:…`) and the report's text."""
    report = get_scoped_or_404(StatsReport, request.user, pk=pk)
    require(request.user, EDIT)
    errors = []
    hand = compute.report_cells(report)
    try:
        for name, value in request.POST.items():
            kind, _sep, rest = name.partition(":")
            if kind not in ("c", "n") or ":" not in rest:
                continue
            table, code = rest.rsplit(":", 1)
            cell = hand.get((table, code))
            if cell is None:
                continue
            try:
                if kind == "c" and cell.source == "hand" and value.strip() != cell.display:
                    services.cell_enter(actor=request.user, report=report, table=table, code=code, text=value)
                elif kind == "n" and value.strip() != cell.note:
                    services.cell_explain(
                        actor=request.user, report=report, table=table, code=code, note=value
                    )
            except ValidationError as exc:
                errors.extend(exc.messages)
        data = {f: request.POST[f].strip() for f in services.REPORT_FIELDS if f in request.POST}
        if data:
            services.report_update(actor=request.user, report=report, data=data)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        messages.error(request, ";".join(errors))
    else:
        messages.success(request, _("已保存"))
    return redirect("stats:report_detail", pk=report.pk)


@login_required
@require_POST
def cell_override(request, pk):
    report = get_scoped_or_404(StatsReport, request.user, pk=pk)
    require(request.user, EDIT)
    table, code = request.POST.get("table", "")[:20], request.POST.get("code", "")[:20]
    try:
        if request.POST.get("restore"):
            services.cell_restore(actor=request.user, report=report, table=table, code=code)
        else:
            services.cell_override(actor=request.user, report=report, table=table, code=code,
                                   text=request.POST.get("value", ""), reason=request.POST.get("reason", ""))  # fmt: skip
    except ValidationError as exc:
        _error(request, exc)
    return redirect("stats:report_detail", pk=report.pk)


@login_required
@require_POST
def report_action(request, pk, action):
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), request.user, pk=pk)
    if action not in ACTIONS:
        raise Http404
    require(request.user, EDIT if action in ("submit", "compute") else REVIEW)
    seen = request.POST.get("seen") or report.status
    reason = request.POST.get("reason", "")
    try:
        if action == "compute":
            services.report_compute(actor=request.user, report=report)
        elif action == "submit":
            services.report_submit(actor=request.user, report=report, seen=seen)
        elif action == "return":
            services.report_return(actor=request.user, report=report, reason=reason, seen=seen)
        elif action == "accept":
            services.report_accept(actor=request.user, report=report, seen=seen)
        else:
            services.report_reopen(actor=request.user, report=report, reason=reason, seen=seen)
    except (ValidationError, PermissionDenied) as exc:
        _error(request, exc)
    else:
        messages.success(request, _("统计报表:%(s)s") % {"s": report.get_status_display()})
    return redirect("stats:report_detail", pk=report.pk)


@login_required
@require_GET
def report_xlsx(request, pk):
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), request.user, pk=pk)
    return _download(exports.workbook_bytes(report), f"{report.unit.name}{report.year}年科协综合统计.xlsx")


@login_required
@require_GET
def report_json(request, pk):
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), request.user, pk=pk)
    data = json.dumps(exports.json_data(report), ensure_ascii=False).encode()
    return _download(data, f"{report.unit.name}{report.year}年科协综合统计.json", "application/json")


@login_required
@require_POST
def report_import(request, pk):
    report = get_scoped_or_404(StatsReport, request.user, pk=pk)
    require(request.user, EDIT)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择文件"))
        return redirect("stats:report_detail", pk=report.pk)
    try:
        n = exports.import_workbook(actor=request.user, report=report, data=upload.read())
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已导入,%(n)s 个单元格有变化") % {"n": n})
    return redirect("stats:report_detail", pk=report.pk)


@login_required
@require_GET
def cell_records(request, pk, table, code):
    """The records behind a computed cell: the indicator's drill-down, or the named query's list."""
    report = get_scoped_or_404(StatsReport.objects.select_related("unit"), request.user, pk=pk)
    d = next((c for t in compute.report_tables(report) if t.code == table
              for c in t.cell_list() if c.code == code), None)  # fmt: skip
    if d is None or not d.computed:
        raise Http404
    if d.indicator:
        return redirect(compute.records_url(report.unit, report.year, d))
    from kexie.core.indicators import Period, Scope

    scope = Scope(request.user, org_id=report.unit_id)
    qs = queries.get(d.query).records(Period.year(report.year), scope, dict(d.params))
    records = list(qs.order_by("-pk")[:500])
    return render(request, "stats/cell_records.html", {"report": report, "d": d, "records": records,
                                                       "query": queries.get(d.query)})  # fmt: skip
