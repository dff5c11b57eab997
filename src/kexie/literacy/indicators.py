"""Indicators of the civic scientific literacy survey.

The figure of a period is that of the survey of that year within the user's scope, taking the
survey of the highest unit (the city's survey before a county's) and, among those, the latest.
Its estimates are read from the survey's cached results (recomputed only when its data
changed; a large survey's are recomputed by its job, never here: until then the figure is the
last estimate, with a note saying it is out of date): the literacy share is a design-based estimate (raked weights), not a count, so it
cannot be one SQL aggregate. When the scope is narrowed to a county, the county's estimate is
given. Records behind a figure: the survey's valid responses.
"""

from django.db.models import QuerySet
from django.db.models.functions import Length

from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.literacy.codes import DOMAINS, Status
from kexie.literacy.models import Response, Survey
from kexie.literacy.selectors import out_of_date_note, stored_results

MODULE = "literacy"
DIMENSIONS = dict(DOMAINS)


def survey_of(period: Period, scope: Scope) -> Survey | None:
    def find():
        qs = scope.restrict(Survey.objects.filter(year__in=list(period.years)), region=None, unit="unit")
        return qs.annotate(depth=Length("unit__path")).order_by("depth", "-year", "-id").first()

    return scope.memo(("literacy", "survey", period), find)


def _county(scope: Scope) -> str | None:
    region = getattr(scope, "region", None)
    return region.name if region is not None and region.level == "county" else None


def _loaded(period: Period, scope: Scope) -> tuple[dict | None, str]:
    """The survey's estimates and, when they are out of date (a large survey whose data changed:
    its job recomputes them, not this request), what the figure says about it."""

    def load():
        survey = survey_of(period, scope)
        if survey is None:
            return None, ""
        results, stale = stored_results(survey)
        return results, out_of_date_note(survey, results) if stale else ""

    return scope.memo(("literacy", "results", period), load)


def _results(period: Period, scope: Scope) -> dict | None:
    return _loaded(period, scope)[0]


def _note(period: Period, scope: Scope) -> str:
    return _loaded(period, scope)[1]


def _county_row(results: dict, county: str) -> dict | None:
    return next((r for r in results.get("by_domain", {}).get("county", []) if r["level"] == county), None)


def _pct(value) -> float | None:
    return None if value is None else round(value * 100, 2)


def _rate(results: dict | None, county: str | None) -> float | None:
    if not results or not results.get("overall"):
        return None
    row = _county_row(results, county) if county else results["overall"]
    return _pct(row["share"]) if row else None


def _rate_breakdown(results: dict | None) -> tuple[dict, dict]:
    breakdown, labels = {}, {}
    for name in DIMENSIONS:
        rows = (results or {}).get("by_domain", {}).get(name, [])
        breakdown[name] = {r["level"]: _pct(r["share"]) for r in rows}
        labels[name] = {r["level"]: r["level"] for r in rows}
    return breakdown, labels


def _literacy_rate(period: Period, scope: Scope) -> Result:
    county = _county(scope)
    results, previous = _results(period, scope), _results(period.previous(), scope)
    breakdown, labels = _rate_breakdown(results)
    prev_breakdown, _ = _rate_breakdown(previous)
    return Result(_rate(results, county), _rate(previous, county), breakdown, prev_breakdown, labels,
                  note=_note(period, scope))  # fmt: skip


def _sample_size_of(results: dict | None, county: str | None) -> int | None:
    if not results:
        return None
    if county:
        row = _county_row(results, county)
        return row["n"] if row else 0
    return results.get("n_valid", 0)


def _counties(results: dict | None) -> dict[str, int]:
    return {r["level"]: r["n"] for r in (results or {}).get("by_domain", {}).get("county", [])}


def _sample_size(period: Period, scope: Scope) -> Result:
    county = _county(scope)
    results, previous = _results(period, scope), _results(period.previous(), scope)
    cur, prev = _counties(results), _counties(previous)
    return Result(
        _sample_size_of(results, county), _sample_size_of(previous, county),
        {"county": cur}, {"county": prev}, {"county": {k: k for k in cur}}, note=_note(period, scope),
    )  # fmt: skip


def _county_count(period: Period, scope: Scope) -> Result:
    """Counties with valid responses; for a county's scope, 1 when it was sampled."""
    county = _county(scope)

    def count(results) -> int | None:
        counties = _counties(results)
        return (1 if county in counties else None) if county else (len(counties) or None)

    return Result(count(_results(period, scope)), count(_results(period.previous(), scope)),
                  note=_note(period, scope))  # fmt: skip


def _mean_score(period: Period, scope: Scope) -> Result:
    county = _county(scope)

    def value(results):
        if not results or not results.get("overall"):
            return None
        row = _county_row(results, county) if county else results["overall"]
        return round(row["mean_score"], 1) if row and row.get("mean_score") is not None else None

    return Result(value(_results(period, scope)), value(_results(period.previous(), scope)),
                  note=_note(period, scope))  # fmt: skip


def _records(period: Period, scope: Scope, dimension: str | None = None, key: str | None = None) -> QuerySet:
    survey = survey_of(period, scope)
    if survey is None:
        return Response.objects.none()
    responses = Response.objects.unscoped(reason="the responses of a survey found in scope")
    qs = responses.filter(survey=survey, status=Status.VALID).select_related("survey")
    county = _county(scope)
    if county:
        qs = qs.filter(county=county)
    if dimension in DIMENSIONS and key is not None:
        qs = qs.filter(**{dimension: key})
    return qs.order_by("id")


register_columns(
    "literacy.response",
    [("survey", "调查"), ("external_id", "原始编号"), ("county", "县市区"), ("sex", "性别"), ("age_group", "年龄段"),
     ("education", "文化程度"), ("urban_rural", "城乡"), ("score", "得分"), ("level_label", "素质水平")],
)  # fmt: skip

register(Indicator(
    "literacy.rate", "具备科学素质的公民比例", "%",
    "当年公民科学素质调查的加权估计:得分超过(或达到,按调查设置)分数线的公民所占比例;"
    "基础权重为入样概率的倒数,按人口普查边际(县市区×性别、年龄段、城乡)迭代加权;按县市区、性别、年龄段、文化程度、城乡分列",
    _literacy_rate, _records, DIMENSIONS, MODULE,
))  # fmt: skip
register(Indicator(
    "literacy.sample_size", "科学素质调查有效样本量", "份",
    "当年公民科学素质调查中状态为“有效”的答卷数(不完整、重复、超出范围的答卷不计),按县市区分列",
    _sample_size, _records, {"county": "县市区"}, MODULE,
))  # fmt: skip
register(Indicator(
    "literacy.county_count", "科学素质调查覆盖县市区数", "个",
    "当年公民科学素质调查中有有效样本的县市区个数", _county_count, _records, {}, MODULE,
))  # fmt: skip
register(Indicator(
    "literacy.mean_score", "科学素质调查平均得分", "分",
    "当年公民科学素质调查的加权平均得分(满分 100)", _mean_score, _records, {}, MODULE,
))  # fmt: skip
