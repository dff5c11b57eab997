"""API of reports: indicator values for a period and scope, and the records behind each.

GET /api/v1/reports/indicators?year=2020[&start=&end=][&region=370811|&org=12][&code=…]
GET /api/v1/reports/indicators/{code}/records?year=2020[&dimension=county&key=370811][&after=ID&limit=50]
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from kexie.core import indicators
from kexie.core.api_base import actor
from kexie.core.schemas import Id, Limit, Year
from kexie.reports import drilldown
from kexie.reports.params import period_from, scope_from

router = Router(tags=["统计"])


class Filters(Schema):
    year: Year | None = Field(None, description="年度(默认为本范围内有已审核记录的最近年度,没有则为今年)")
    start: dt.date | None = Field(None, description="开始日期 YYYY-MM-DD(与 end 一起代替 year)")
    end: dt.date | None = Field(None, description="结束日期 YYYY-MM-DD(含)")
    region: Annotated[str, Field(max_length=12)] | None = Field(None, description="行政区划代码,含下级区划")
    org: Id | None = Field(None, description="单位编号,含下级单位")


class IndicatorOut(Schema):
    code: str
    name: str
    value: float | int | None
    unit: str
    previous: float | int | None
    breakdown: dict[str, dict[str, Any]]
    labels: dict[str, dict[str, str]]
    records_url: str


class IndicatorsOut(Schema):
    period: dict[str, Any]
    scope: dict[str, Any]
    indicators: list[IndicatorOut]


class RecordsOut(Schema):
    indicator: str
    model: str
    headers: list[dict[str, str]]
    items: list[dict[str, Any]]
    next: str | None


def _context(request: HttpRequest, f: Filters):
    scope = scope_from(actor(request), f.region, f.org)
    return period_from(f.year, f.start, f.end, scope=scope), scope


@router.get("/indicators", response=IndicatorsOut, summary="指标值(含上年同期与分列)")
def indicator_values(request: HttpRequest, filters: Query[Filters], code: list[str] = Query(None)):
    period, scope = _context(request, filters)
    rows = indicators.evaluate(period, scope, code)
    query = "&".join(f"{k}={v}" for k, v in {**period.query(), **scope.query()}.items())
    base = reverse("api:indicator_records", kwargs={"code": "CODE"})
    for row in rows:
        row["records_url"] = f"{base.replace('CODE', row['code'])}?{query}"
    return {"period": period.as_dict(), "scope": scope.as_dict(), "indicators": rows}


@router.get("/indicators/{code}/records", response=RecordsOut, url_name="indicator_records",
            summary="指标背后的记录(与指标相同的筛选条件)")  # fmt: skip
def indicator_records(
    request: HttpRequest, code: str, filters: Query[Filters], dimension: str | None = None, key: str | None = None,
    after: Id | None = None, limit: Limit = drilldown.DEFAULT_LIMIT,
):  # fmt: skip
    period, scope = _context(request, filters)
    result = drilldown.page(drilldown.records(code, period, scope, dimension, key), after=after, limit=limit)
    items = [{"id": r["id"], **dict(zip(result.fields, r["cells"], strict=True))} for r in result.rows]
    headers = [{"field": f, "label": h} for f, h in zip(result.fields, result.headers, strict=True)]
    nxt = None
    if result.next_after:
        params = request.GET.copy()
        params["after"] = str(result.next_after)
        nxt = f"{request.path}?{params.urlencode()}"
    return {"indicator": code, "model": result.model_label, "headers": headers, "items": items, "next": nxt}
