"""Indicators of the activity ledger. Only approved activities count, except in the
pending/returned indicators. An activity belongs to the period of its start date and to
the region where it took place; the user's scope is that of its reporting unit.

Each figure comes from one GROUP BY query over the activities of the period and of the
same period a year earlier (conditional aggregates give both at once). Indicators that
read the same query share it through `Scope.memo`.
"""

import hashlib
from collections import defaultdict

from django.core.cache import cache
from django.db.models import CharField, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, Substr

from kexie.activities.models import Activity, ActivityKind, Campaign, Status
from kexie.core.indicators import CITY_LEVEL, Indicator, Period, Result, Scope, register, register_columns
from kexie.core.models import AuditEntry
from kexie.directory.models import Organisation

METRICS = ("n", "participants", "volunteers", "beneficiaries")
SOURCES = {
    "approved": Q(status=Status.APPROVED),
    "workflow": Q(status__in=[Status.SUBMITTED, Status.RETURNED]),
}
GROUPS = {
    "region": ("region_id",),
    "kind": ("kind_id",),
    "month": ("month",),
    "status_region": ("status", "region_id"),
    "campaign_region": ("campaign_id", "region_id"),
}
MODULE = "activities"


def _in_periods(period: Period) -> Q:
    prev = period.previous()
    if prev.end == period.start:
        return Q(start_date__gte=prev.start, start_date__lt=period.end)
    return Q(start_date__gte=prev.start, start_date__lt=prev.end) | Q(
        start_date__gte=period.start, start_date__lt=period.end
    )


def _aggregates(period: Period, sums: bool = True) -> dict:
    """Count (and sums) for the period and for the previous one, as conditional aggregates."""
    cur, prev = Q(start_date__gte=period.start), Q(start_date__lt=period.start)
    aggs = {"n_cur": Count("id", filter=cur), "n_prev": Count("id", filter=prev)}
    for metric in METRICS[1:] if sums else ():
        aggs[f"{metric}_cur"] = Sum(metric, filter=cur)
        aggs[f"{metric}_prev"] = Sum(metric, filter=prev)
    return aggs


# The approved activities' groupings all come from one scan: GROUP BY region, kind, month and
# campaign (a few thousand rows whatever the number of activities), folded in Python into each
# grouping: one index-only scan of activity_indicators instead of one per grouping.
FACT_KEYS = ("region_id", "kind_id", "month", "campaign_id")


def _scan(period: Period, scope: Scope, source: str, keys: tuple[str, ...]) -> list[dict]:
    qs = scope.restrict(
        Activity.objects.filter(SOURCES[source]).filter(_in_periods(period)),
        region="region",
        unit="reporting_unit",
    )
    if "month" in keys:
        qs = qs.annotate(month=Substr(Cast("start_date", CharField()), 6, 2))
    return list(qs.values(*keys).annotate(**_aggregates(period, source == "approved")).order_by())


def _regroup(rows: list[dict], keys: tuple[str, ...]) -> list[dict]:
    columns = [c for c in rows[0] if c.endswith(("_cur", "_prev"))] if rows else []
    folded: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        into = folded.get(key)
        if into is None:
            folded[key] = {**dict(zip(keys, key, strict=True)), **{c: row[c] or 0 for c in columns}}
        else:
            for c in columns:
                into[c] += row[c] or 0
    return list(folded.values())


SCAN_TTL = 600  # seconds; the data version below already tells when a cached scan is stale


def data_version() -> str:
    """Changes with every activity added (highest id), saved (latest updated_at) or changed in any
    other audited way (latest audit entry: bulk updates, deletes). Three index look-ups."""
    everything = Activity.objects.unscoped(reason="the data version covers every row")
    latest = everything.order_by("-id").values_list("id", flat=True).first()
    touched = everything.order_by("-updated_at").values_list("updated_at", flat=True).first()
    audited = (
        AuditEntry.objects.unscoped(reason="the data version covers every row")
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return f"{latest}|{touched}|{audited}"


def _cached_scan(period: Period, scope: Scope, source: str, keys: tuple[str, ...]) -> list[dict]:
    """A scan shared across requests until the data changes: the dashboard of a city with a
    million activities answers from it in milliseconds."""
    version = scope.memo("activity_data_version", data_version)  # once per request
    text = f"{source}|{keys}|{period.start}|{period.end}|{scope.key()}|{version}"
    key = "kexie:activity-scan:" + hashlib.sha1(text.encode()).hexdigest()
    rows = cache.get(key)
    if rows is None:
        rows = _scan(period, scope, source, keys)
        cache.set(key, rows, SCAN_TTL)
    return rows


def grouped(period: Period, scope: Scope, source: str, group: str) -> list[dict]:
    """Rows of the group's keys with each metric for the period and the previous one."""
    rows = scope.cache.get(("activities", source, group, period))
    if rows is not None:  # the common case: asked again within a request (or seeded by a fill)
        return rows
    keys = GROUPS[group]
    if source != "approved":
        return scope.memo(
            ("activities", source, group, period), lambda: _cached_scan(period, scope, source, keys)
        )

    def regroup():
        facts = scope.memo(
            ("activities", "facts", period), lambda: _cached_scan(period, scope, source, FACT_KEYS)
        )
        return _regroup(facts, keys)

    return scope.memo(("activities", source, group, period), regroup)


def _fold(rows, key_of, metric: str) -> tuple[dict, dict]:
    cur: dict[str, int] = defaultdict(int)
    prev: dict[str, int] = defaultdict(int)
    this, last = f"{metric}_cur", f"{metric}_prev"
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        cur[key] += row[this] or 0
        prev[key] += row[last] or 0
    return dict(cur), dict(prev)


def _kinds(scope: Scope) -> dict[int, tuple[str, str]]:
    return scope.memo(
        "activity_kinds",
        lambda: {k.pk: (k.code, str(k)) for k in ActivityKind.objects.select_related("parent")},
    )


def _kind_labels(scope: Scope) -> dict[str, str]:
    """Activity kind code → its name, once per scope."""
    return scope.memo("activity_kind_labels", lambda: {code: label for code, label in _kinds(scope).values()})


def _result(cur: dict, prev: dict, dimension: str | None, labels: dict | None = None, total=None) -> Result:
    value = sum(cur.values()) if total is None else total[0]
    previous = sum(prev.values()) if total is None else total[1]
    if dimension is None:
        return Result(value=value, previous=previous)
    cur = {k: v for k, v in sorted(cur.items()) if v or prev.get(k)}
    return Result(
        value=value, previous=previous, breakdown={dimension: cur},
        previous_breakdown={dimension: {k: prev.get(k, 0) for k in cur}},
        labels={dimension: {k: (labels or {}).get(k, k) for k in cur}},
    )  # fmt: skip


# ---------------------------------------------------------------- drill-down


def _base_records(period: Period, scope: Scope, source_q: Q) -> QuerySet:
    qs = scope.restrict(
        Activity.objects.filter(source_q, start_date__gte=period.start, start_date__lt=period.end),
        region="region",
        unit="reporting_unit",
    )
    return qs.select_related("kind", "kind__parent", "region", "reporting_unit")


def _dimension_filter(scope: Scope, dimension: str | None, key: str | None) -> Q:
    if dimension is None or key is None:
        return Q()
    if dimension == "county":
        return Q(region__in=scope.county_regions(key))
    if dimension == "kind":
        return Q(kind__code=key) | Q(kind__code__startswith=f"{key}.")
    if dimension == "month":
        return Q(start_date__month=int(key))
    if dimension == "campaign":
        return Q(campaign_id=int(key))
    if dimension == "status":
        return Q(status=key)
    raise ValueError(dimension)


def _activity_records(source_q: Q):
    def records(period, scope, dimension=None, key=None):
        return _base_records(period, scope, source_q).filter(_dimension_filter(scope, dimension, key))

    return records


# ---------------------------------------------------------------- approved activities


def _by_county(metric: str):
    def compute(period: Period, scope: Scope) -> Result:
        county_of = scope.county_of_region()
        cur, prev = _fold(
            grouped(period, scope, "approved", "region"), lambda r: county_of.get(r["region_id"]), metric
        )
        return _result(cur, prev, "county", scope.county_labels(cur))

    return compute


def _by_kind(period: Period, scope: Scope) -> Result:
    kinds = _kinds(scope)
    cur, prev = _fold(grouped(period, scope, "approved", "kind"), lambda r: kinds[r["kind_id"]][0], "n")
    return _result(cur, prev, "kind", _kind_labels(scope))


def _by_month(period: Period, scope: Scope) -> Result:
    cur, prev = _fold(grouped(period, scope, "approved", "month"), lambda r: r["month"], "n")
    return _result(cur, prev, "month", {m: f"{int(m)}月" for m in cur})


def kind_tree(scope: Scope, code: str) -> frozenset[int]:
    """The ids of the activity kind `code` and its sub-kinds, worked out once per scope (a
    statistics fill hands its thousands of unit scopes one shared table of them)."""
    trees = scope.memo("activity_kind_trees", dict)
    tree = trees.get(code)
    if tree is None:
        tree = trees[code] = frozenset(
            pk for pk, (c, _) in _kinds(scope).items() if c == code or c.startswith(f"{code}.")
        )
    return tree


def _kind_subtree(code: str):
    def compute(period: Period, scope: Scope) -> Result:
        kinds = _kinds(scope)
        in_tree = kind_tree(scope, code)
        rows = [r for r in grouped(period, scope, "approved", "kind") if r["kind_id"] in in_tree]
        cur, prev = _fold(rows, lambda r: kinds[r["kind_id"]][0], "n")
        return _result(cur, prev, "kind", _kind_labels(scope))

    return compute


APPROVED = SOURCES["approved"]
_COUNTY = {"county": "县市区"}

for _code, _name, _unit, _metric, _desc in [
    ("activities.by_county", "活动场次(按县市区)", "场次", "n", "已通过审核的活动数,按活动所在县市区分列"),
    (
        "activities.participants",
        "参与人数",
        "人次",
        "participants",
        "已通过审核的活动的参与人数之和,按县市区分列",
    ),
    (
        "activities.volunteers",
        "志愿者人数",
        "人次",
        "volunteers",
        "已通过审核的活动的志愿者人数之和,按县市区分列",
    ),
    (
        "activities.beneficiaries",
        "受益人数",
        "人次",
        "beneficiaries",
        "已通过审核的活动的受益人数之和,按县市区分列",
    ),
]:
    register(
        Indicator(
            _code, _name, _unit, _desc, _by_county(_metric), _activity_records(APPROVED), _COUNTY, MODULE
        )
    )

register(Indicator(
    "activities.by_kind", "活动场次(按类型)", "场次", "已通过审核的活动数,按活动类型(末级)分列",
    _by_kind, _activity_records(APPROVED), {"kind": "活动类型"}, MODULE,
))  # fmt: skip
register(Indicator(
    "activities.by_month", "活动场次(按月份)", "场次", "已通过审核的活动数,按开始日期所在月份分列",
    _by_month, _activity_records(APPROVED), {"month": "月份"}, MODULE,
))  # fmt: skip

for _code, _kind, _name, _desc in [
    ("activities.outreach", "outreach", "科普活动场次", "已通过审核的科普活动(类型“科普活动”及其下级)数"),
    (
        "activities.volunteer_service",
        "outreach.volunteer",
        "科普志愿服务场次",
        "已通过审核的科普志愿服务活动数",
    ),
    ("activities.academic_exchange", "academic_exchange", "学术交流活动次数", "已通过审核的学术交流活动数"),
    ("activities.anti_cult", "performance.anti_cult", "反邪教宣传演出场次", "已通过审核的反邪教宣传演出数"),
    ("activities.training", "training", "培训场次", "已通过审核的培训活动数"),
]:
    register(Indicator(
        _code, _name, "场次", _desc, _kind_subtree(_kind),
        (lambda k: lambda p, s, d=None, key=None: _activity_records(APPROVED)(p, s, "kind", key or k))(_kind),
        {"kind": "活动类型"}, MODULE,
    ))  # fmt: skip


# ---------------------------------------------------------------- workflow (pending, returned)


def _workflow(status: str):
    def compute(period: Period, scope: Scope) -> Result:
        county_of = scope.county_of_region()
        rows = [
            r for r in grouped(period, scope, "workflow", "status_region") if r["status"] == status
        ]  # counts
        cur, prev = _fold(rows, lambda r: county_of.get(r["region_id"]), "n")
        return _result(cur, prev, "county", scope.county_labels(cur))

    return compute


register(Indicator(
    "activities.pending", "待审核活动", "条", "已上报、尚待上级审核的活动数(按开始日期计入期间),按县市区分列",
    _workflow(Status.SUBMITTED), _activity_records(Q(status=Status.SUBMITTED)), _COUNTY, MODULE, better="down",
))  # fmt: skip
register(Indicator(
    "activities.returned", "被退回活动", "条", "审核退回、尚未重新上报的活动数,按县市区分列",
    _workflow(Status.RETURNED), _activity_records(Q(status=Status.RETURNED)), _COUNTY, MODULE, better="down",
))  # fmt: skip


# ---------------------------------------------------------------- campaigns


def _campaign_rows(period: Period, scope: Scope) -> list[dict]:
    return [r for r in grouped(period, scope, "approved", "campaign_region") if r["campaign_id"] is not None]


def _overlaps(period: Period, prefix: str = "") -> Q:
    """A campaign is of a period when its dates overlap it."""
    return Q(**{f"{prefix}start_date__lt": period.end, f"{prefix}end_date__gte": period.start})


def _participants(scope: Scope) -> QuerySet:
    """The participating units within the scope: the user's scope ∩ the region subtree (where the
    unit is) ∩ the organisation subtree — one meaning whether the scope is an organisation or a region."""
    return scope.restrict(Organisation.objects.all(), region="region", unit="")


def _campaigns_of(period: Period, scope: Scope, ids) -> dict[str, str]:
    """Names of the campaigns of the period that the scope takes part in: hosted in it, with
    participating units in it, or met in its activities (`ids`)."""

    def run():
        hosted = scope.restrict(Campaign.objects.all(), region=None, unit="host_unit")
        joined = _participants(scope).filter(_overlaps(period, "campaigns__")).values("campaigns__id")
        rows = Campaign.objects.unscoped(reason="campaigns hosted, joined or met in the scope").filter(
            Q(pk__in=hosted.filter(_overlaps(period)).values("pk")) | Q(pk__in=joined) | Q(pk__in=list(ids))
        )
        return {str(pk): name for pk, name in rows.filter(_overlaps(period)).values_list("pk", "name")}

    return scope.memo(("campaign_names", period, tuple(sorted(ids))), run)


def _campaign_activities(period: Period, scope: Scope) -> Result:
    rows = _campaign_rows(period, scope)
    cur, prev = _fold(rows, lambda r: str(r["campaign_id"]), "n")
    names = _campaigns_of(period, scope, {r["campaign_id"] for r in rows})
    cur = {k: cur.get(k, 0) for k in names}
    return Result(value=sum(cur.values()), previous=sum(prev.values()), breakdown={"campaign": cur},
                  labels={"campaign": names})  # fmt: skip


def _campaign_counties(period: Period, scope: Scope) -> Result:
    rows = _campaign_rows(period, scope)
    county_of = scope.county_of_region()
    counties, all_cur, all_prev = defaultdict(set), set(), set()
    for row in rows:
        county = county_of.get(row["region_id"])
        if county in (None, CITY_LEVEL):  # only county-level divisions are counties
            continue
        if row["n_cur"]:
            counties[str(row["campaign_id"])].add(county)
            all_cur.add(county)
        if row["n_prev"]:
            all_prev.add(county)
    names = _campaigns_of(period, scope, {r["campaign_id"] for r in rows})
    return Result(value=len(all_cur), previous=len(all_prev),
                  breakdown={"campaign": {k: len(counties.get(k, ())) for k in names}}, labels={"campaign": names})  # fmt: skip


def _participating(kind: str | None):
    def compute(period: Period, scope: Scope) -> Result:
        prev = period.previous()

        def run():
            # From the (small) participation table, narrowed to the units in scope only when the
            # scope narrows anything: a scan of every organisation costs more than the join.
            through = Campaign.participating_units.through
            qs = through.objects.filter(_overlaps(period, "campaign__") | _overlaps(prev, "campaign__"))
            units = _participants(scope)
            if units.query.has_filters():
                qs = qs.filter(organisation__in=units.values("pk"))
            counts = {
                "cur": Count("id", filter=_overlaps(period, "campaign__")),
                "prev": Count("id", filter=_overlaps(prev, "campaign__")),
            }
            return list(qs.values("campaign_id", kind=F("organisation__kind")).annotate(**counts).order_by())

        rows = [r for r in scope.memo(("campaign_units", period), run) if kind is None or r["kind"] == kind]
        cur: dict[str, int] = defaultdict(int)
        for row in rows:
            cur[str(row["campaign_id"])] += row["cur"]
        names = _campaigns_of(period, scope, set())
        cur = {k: cur.get(k, 0) for k in names}
        return Result(
            value=sum(cur.values()),
            previous=sum(r["prev"] for r in rows),
            breakdown={"campaign": cur},
            labels={"campaign": names},
        )

    return compute


def _participant_records(kind: str | None):
    def records(period, scope, dimension=None, key=None):
        campaigns = Campaign.objects.unscoped(reason="the participants below are scoped").filter(
            _overlaps(period)
        )
        if dimension == "campaign" and key is not None:
            campaigns = campaigns.filter(pk=int(key))
        qs = _participants(scope).filter(campaigns__in=campaigns).distinct()
        return qs.filter(kind=kind) if kind else qs

    return records


_CAMPAIGN = {"campaign": "专项活动"}
_CAMPAIGN_ACTIVITIES = Q(status=Status.APPROVED, campaign__isnull=False)
register(Indicator(
    "activities.campaign_activities", "专项活动开展活动场次", "场次",
    "各专项活动(全国科普日、全国科技工作者日等)下已通过审核的活动数,按专项活动分列",
    _campaign_activities, _activity_records(_CAMPAIGN_ACTIVITIES), _CAMPAIGN, MODULE,
))  # fmt: skip
register(Indicator(
    "activities.campaign_counties", "专项活动覆盖县市区", "个",
    "有已通过审核的专项活动的县市区数;分列为每个专项活动覆盖的县市区数",
    _campaign_counties, _activity_records(_CAMPAIGN_ACTIVITIES), _CAMPAIGN, MODULE,
))  # fmt: skip
register(Indicator(
    "activities.campaign_units", "专项活动参与单位", "家", "期间内各专项活动登记的参与单位数,按专项活动分列",
    _participating(None), _participant_records(None), _CAMPAIGN, MODULE,
))  # fmt: skip
register(Indicator(
    "activities.campaign_departments", "专项活动协作部门", "家",
    "期间内各专项活动登记的参与单位中政府部门的数量,按专项活动分列",
    _participating("government_department"), _participant_records("government_department"), _CAMPAIGN, MODULE,
))  # fmt: skip

register_columns("activities.activity", [
    ("code", "编号"), ("title", "活动名称"), ("kind", "类型"), ("start_date", "开始日期"), ("region", "所在区划"),
    ("reporting_unit", "填报单位"), ("participants", "参与人数"), ("get_status_display", "状态"),
])  # fmt: skip
