"""Dashboard, drill-down lists and the annual review page. Every number links to its records."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kexie.core import indicators
from kexie.directory.selectors import counties_in_scope
from kexie.reports import drilldown
from kexie.reports.params import from_query

CARDS = [
    "activities.by_county", "activities.participants", "activities.beneficiaries", "activities.volunteers",
    "activities.outreach", "directory.new_outreach_bases", "directory.party_coverage", "activities.pending",
    "activities.returned",
]  # fmt: skip
CAMPAIGN_CODES = [
    "activities.campaign_activities", "activities.campaign_counties", "activities.campaign_units",
    "activities.campaign_departments",
]  # fmt: skip
COUNTY_CODES = [
    "activities.by_county",
    "activities.participants",
    "activities.beneficiaries",
    "activities.pending",
]
DASHBOARD_CODES = sorted(
    {*CARDS, *CAMPAIGN_CODES, *COUNTY_CODES, "activities.by_month", "activities.by_kind"}
)


def records_url(code: str, period, scope, dimension: str | None = None, key: str | None = None) -> str:
    params = {**period.query(), **scope.query()}
    if dimension is not None and key is not None:
        params.update(dimension=dimension, key=key)
    return f"{reverse('reports:records', args=[code])}?{urlencode(params)}"


def _change(value, previous) -> float | None:
    if value is None or not previous:
        return None
    return round(100 * (value - previous) / previous, 1)


def _points(value, previous) -> float | None:
    """The change of a percentage, in percentage points (77% → 100%: +23.3 个百分点)."""
    if value is None or previous is None:
        return None
    return round(value - previous, 1)


def _tone(code: str, change: float | None) -> str:
    """The colour of a change: green when it is good news for this indicator, red when bad."""
    better = indicators.get(code).better
    if not change or not better:
        return "text-muted"
    return "text-success" if (change > 0) == (better == "up") else "text-danger"


def _card(row: dict, period, scope) -> dict:
    percent = row["unit"] == "%"
    change = _points(row["value"], row["previous"]) if percent else _change(row["value"], row["previous"])
    return {
        **row,
        "change": change,
        "tone": _tone(row["code"], change),
        "change_unit": _("个百分点") if percent else "%",
        "url": records_url(row["code"], period, scope),
        "previous_url": records_url(row["code"], period.previous(), scope)
        if row["previous"] is not None
        else "",
    }


def _items(row: dict, dimension: str, period, scope) -> list[dict]:
    labels = row["labels"].get(dimension, {})
    previous = row["previous_breakdown"].get(dimension, {})
    return [
        {"key": key, "label": labels.get(key, key), "value": value, "previous": previous.get(key),
         "url": records_url(row["code"], period, scope, dimension, key)}
        for key, value in row["breakdown"].get(dimension, {}).items()
    ]  # fmt: skip


def _filters_context(request, period, scope) -> dict:
    counties = list(counties_in_scope(request.user).values_list("code", "name"))
    year, this_year = period.last.year, dt.date.today().year
    query = urlencode({**period.query(), **scope.query()})
    return {
        "period": period,
        "scope": scope,
        "county_options": counties,
        "years": range(max(year, this_year), min(year, this_year) - 6, -1),
        "query": query,
    }


def _bad_request(exc: ValidationError) -> HttpResponse:
    return HttpResponseBadRequest(";".join(exc.messages))


@login_required
def dashboard(request):
    try:
        period, scope = from_query(request.user, request.GET)
    except ValidationError as exc:
        return _bad_request(exc)
    values = {row["code"]: row for row in indicators.evaluate(period, scope, DASHBOARD_CODES)}
    counties = _county_table(values, period, scope)
    campaigns = _campaign_table(values, period, scope)
    month = _items(values["activities.by_month"], "month", period, scope)
    kind = _items(values["activities.by_kind"], "kind", period, scope)
    charts = {
        "month": {"labels": [i["label"] for i in month], "values": [i["value"] for i in month],
                  "urls": [i["url"] for i in month]},
        "county": {"labels": [c["label"] for c in counties], "values": [c["cells"][0]["value"] for c in counties],
                   "previous": [c["cells"][0]["previous"] for c in counties], "urls": [c["cells"][0]["url"] for c in counties]},
        "kind": [{"name": i["label"], "value": i["value"], "url": i["url"]} for i in kind],
    }  # fmt: skip
    context = {
        **_filters_context(request, period, scope),
        "cards": [_card(values[c], period, scope) for c in CARDS],
        "county_headers": [values[c]["name"] for c in COUNTY_CODES],
        "counties": counties,
        "campaigns": campaigns,
        "campaign_headers": [values[c]["name"] for c in CAMPAIGN_CODES],
        "pending": _items(values["activities.pending"], "county", period, scope),
        "pending_total": _card(values["activities.pending"], period, scope),
        "charts": charts,
    }
    return render(request, "reports/dashboard.html", context)


def _county_table(values: dict, period, scope) -> list[dict]:
    rows: dict[str, dict] = {}
    for index, code in enumerate(COUNTY_CODES):
        for item in _items(values[code], "county", period, scope):
            row = rows.setdefault(
                item["key"], {"key": item["key"], "label": item["label"], "cells": [None] * len(COUNTY_CODES)}
            )
            change = _change(item["value"], item["previous"])
            row["cells"][index] = {**item, "change": change, "tone": _tone(code, change)}
    for row in rows.values():
        row["cells"] = [
            cell or {"value": 0, "previous": 0, "change": None,
                     "url": records_url(COUNTY_CODES[i], period, scope, "county", row["key"])}
            for i, cell in enumerate(row["cells"])
        ]  # fmt: skip
    return sorted(rows.values(), key=lambda r: r["key"])


def _campaign_table(values: dict, period, scope) -> list[dict]:
    first = values[CAMPAIGN_CODES[0]]
    names = first["labels"].get("campaign", {})
    table = []
    for key, name in sorted(names.items(), key=lambda kv: kv[1]):
        cells = []
        for code in CAMPAIGN_CODES:
            value = values[code]["breakdown"].get("campaign", {}).get(key, 0)
            cells.append({"value": value, "url": records_url(code, period, scope, "campaign", key)})
        table.append({"key": key, "name": name, "cells": cells})
    return table


@login_required
def indicator_list(request):
    try:
        period, scope = from_query(request.user, request.GET)
    except ValidationError as exc:
        return _bad_request(exc)
    rows = []
    for indicator, row in zip(indicators.all_indicators(), indicators.evaluate(period, scope), strict=True):
        rows.append({**_card(row, period, scope), "description": indicator.description,
                     "parts": {d: _items(row, d, period, scope) for d in indicator.dimensions}})  # fmt: skip
    return render(
        request, "reports/indicator_list.html", {**_filters_context(request, period, scope), "rows": rows}
    )


@login_required
def records(request, code: str):
    try:
        period, scope = from_query(request.user, request.GET)
        after = int(request.GET["after"]) if request.GET.get("after") else None
    except (ValidationError, ValueError) as exc:
        return _bad_request(exc if isinstance(exc, ValidationError) else ValidationError(_("分页参数无效")))
    indicator = indicators.get(code)
    dimension, key = request.GET.get("dimension") or None, request.GET.get("key") or None
    try:
        result = drilldown.page(drilldown.records(code, period, scope, dimension, key), after=after)
    except ValidationError as exc:
        return _bad_request(exc)
    value = indicator.compute(period, scope)
    shown = value.value
    if dimension:
        shown = value.breakdown.get(dimension, {}).get(key, 0)
    label = value.labels.get(dimension, {}).get(key, key) if dimension else ""
    next_url = None
    if result.next_after:
        params = request.GET.copy()
        params["after"] = str(result.next_after)
        next_url = f"?{params.urlencode()}"
    context = {
        **_filters_context(request, period, scope), "indicator": indicator, "page": result, "value": shown,
        "dimension_label": indicator.dimensions.get(dimension or "", ""), "key_label": label, "next_url": next_url,
        "first_url": records_url(code, period, scope, dimension, key) if after else None,
    }  # fmt: skip
    for row, url in zip(result.rows, _detail_urls(result), strict=True):
        row["url"] = url
    return render(request, "reports/records.html", context)


DETAIL_URLS = {
    "activities.activity": "activities:activity_detail",
    "directory.organisation": "directory:org_detail",
    "directory.person": "directory:person_detail",
}


def _figure_text(figure) -> str:
    """A figure of the review as the page shows it: counts with their digits grouped by thousands
    (the Word document keeps the figures as written, see docs/review.md)."""
    value = figure.value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return figure.text


def _detail_urls(result) -> list[str | None]:
    name = DETAIL_URLS.get(result.model_label)
    urls = []
    for row in result.rows:
        try:
            urls.append(reverse(name, args=[row["id"]]) if name else None)
        except Exception:  # noqa: BLE001 - the detail page is optional
            urls.append(None)
    return urls


@login_required
def review(request):
    from kexie.core.officialdoc import title_font_note
    from kexie.reports.charts import chart_title
    from kexie.reports.review import build_review

    try:
        period, scope = from_query(request.user, request.GET)
    except ValidationError as exc:
        return _bad_request(exc)
    result = build_review(period, scope)
    blocks, charts = [], {}
    for block in result.blocks:
        if block.kind == "chart":
            row = result.values[block.chart]
            dimension = next(iter(row["breakdown"]), None)
            if not row["breakdown"].get(dimension):
                continue  # as in Word: no chart of an empty breakdown
            charts[block.chart] = _items(row, dimension, period, scope)
            blocks.append({"kind": "chart", "chart": block.chart, "title": chart_title(row)})
            continue
        segments = [
            {"text": _figure_text(s), "url": records_url(s.code, period, scope, s.dimension, s.key) if not s.previous
             else records_url(s.code, period.previous(), scope, s.dimension, s.key)} if hasattr(s, "code")
            else {"text": s, "url": None}
            for s in block.segments
        ]  # fmt: skip
        blocks.append({"kind": block.kind, "segments": segments})
    download = f"{reverse('reports:review_docx')}?{urlencode({**period.query(), **scope.query()})}"
    context = {**_filters_context(request, period, scope), "blocks": blocks, "download_url": download,
               "title_font_note": title_font_note(),
               "charts": {k: {"labels": [i["label"] for i in v], "values": [i["value"] for i in v],
                              "urls": [i["url"] for i in v]} for k, v in charts.items()}}  # fmt: skip
    return render(request, "reports/review.html", context)


@login_required
def review_docx(request):
    """The review as a Word document, written by a background job (it computes every indicator of
    the scope): the page answers with the job's progress page, which offers the file when done."""
    from kexie.core.jobs import job_start
    from kexie.reports.jobs import review_params

    try:
        period, scope = from_query(request.user, request.GET)
    except ValidationError as exc:
        return _bad_request(exc)
    job = job_start(
        actor=request.user,
        kind="review",
        title=_("生成工作综述(%(period)s · %(scope)s)") % {"period": period.label, "scope": scope.label},
        params=review_params(request.GET),
    )
    return redirect("core:job", job_id=job.pk)
