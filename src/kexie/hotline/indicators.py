"""Indicators of the hotline: consultations by channel and by topic, the farmers' phone and
WeChat consultations the review states, answered within the service level, satisfaction (per
expert), field visits and breaches. Each is one aggregate over the consultations received in
the period and the same period a year earlier (conditional aggregates give both at once)."""

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from kexie.activities.models import Status as ActivityStatus
from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.hotline.codes import FARM_TOPICS, Channel, Topic
from kexie.hotline.models import Consultation

MODULE = "hotline"
RESOLVED = Q(resolved=True)


def _in(period: Period) -> Q:
    return Q(received_on__gte=period.start, received_on__lt=period.end)


def _rows(scope: Scope) -> QuerySet:
    return scope.restrict(Consultation.objects.all(), region="region", unit="ticket__unit")


def _both(period: Period, scope: Scope, where: Q = Q()) -> QuerySet:
    return _rows(scope).filter(where).filter(_in(period) | _in(period.previous()))


def _records(where: Q = Q()):
    def records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
        qs = _rows(scope).filter(where).filter(_in(period)).select_related("ticket")
        field = {"channel": "channel", "topic": "topic", "expert": "expert_id", "sla": None}.get(
            dimension or ""
        )
        if dimension == "sla" and key in ("within", "breached"):
            return qs.filter(within_sla=key == "within")
        return qs.filter(**{field: key}) if field and key is not None else qs

    return records


# Two grouped queries, one per period, give every figure with the channel, topic and expert
# breakdowns: GROUP BY (channel, topic, expert) over the consultation rows alone, whose service-level
# outcome is stored on them (kexie.hotline.outcomes keeps it in step with the ticket; no join). The
# covering index `hotline_cons_figures` holds exactly the grouped and summed columns in group order,
# so the database streams it (SQLite: no temporary sort; PostgreSQL: a hash aggregate); the date
# filter goes through COALESCE so that the planner scans that index rather than jumping through the
# date index to every row and sorting. The farm line is a sum of (channel, topic) groups. Field visits
# (few rows, a join to the ledger) and the experts' names are two small queries more. The
# indicators share it through the scope's memo.
FIGURES = {
    "late": Q(breached=True),
    "done": RESOLVED,
    "ok": Q(within_sla=True),
}
FARM_CHANNELS = {str(Channel.PHONE), str(Channel.WECHAT)}
FARM_TOPIC_CODES = {str(t) for t in FARM_TOPICS}
FIELD_VISIT = Q(field_visit__isnull=False, field_visit__status=ActivityStatus.APPROVED)
SUMMED = (*FIGURES, "n", "sat_sum", "sat_n")


def _groups(rows: QuerySet, period: Period, cur: bool) -> list[dict]:
    day = Coalesce("received_on", Value(period.start))
    groups = list(
        rows.alias(day=day)
        .filter(day__gte=period.start, day__lt=period.end)
        .values("channel", "topic", "expert_id")
        .annotate(
            n=Count("id"),
            sat_sum=Sum("satisfaction"),
            sat_n=Count("satisfaction"),
            **{name: Count("id", filter=where) for name, where in FIGURES.items()},
        )
        .order_by()
    )
    for group in groups:
        group["cur"], group["ch"], group["tp"] = cur, group["channel"] or "", group["topic"] or ""
    return groups


def _summary(period: Period, scope: Scope) -> dict:
    def run():
        rows = _rows(scope)
        groups = _groups(rows, period, True) + _groups(rows, period.previous(), False)
        totals = {f"{name}_{key}": 0 for name in (*SUMMED, "farm") for key in ("cur", "prev")}
        for group in groups:
            key = "cur" if group["cur"] else "prev"
            for name in SUMMED:
                totals[f"{name}_{key}"] += group[name] or 0
            if group["ch"] in FARM_CHANNELS and group["tp"] in FARM_TOPIC_CODES:
                totals[f"farm_{key}"] += group["n"]
        visits = rows.filter(FIELD_VISIT).aggregate(
            cur=Count("id", filter=_in(period)), prev=Count("id", filter=_in(period.previous()))
        )
        totals["field_cur"], totals["field_prev"] = visits["cur"], visits["prev"]
        for key in ("cur", "prev"):
            totals[f"sat_{key}"] = (
                totals[f"sat_sum_{key}"] / totals[f"sat_n_{key}"] if totals[f"sat_n_{key}"] else None
            )
        return {"totals": totals, "groups": groups, "experts": _expert_means(groups)}

    return scope.memo((MODULE, period), run)


def _expert_means(groups: list[dict]) -> list[dict]:
    """The mean satisfaction of each expert's rated consultations of the period, by name."""
    from kexie.directory.models import Person

    sums: dict[int, list[int]] = {}
    for group in groups:
        if group["cur"] and group["expert_id"] and group["sat_n"]:
            total = sums.setdefault(group["expert_id"], [0, 0])
            total[0] += group["sat_sum"]
            total[1] += group["sat_n"]
    names = dict(
        Person.objects.unscoped(reason="names of experts counted in scope")
        .filter(pk__in=sums)
        .values_list("pk", "name")
    )
    means = [
        {"expert_id": pk, "expert__name": names.get(pk, ""), "mean": s / n} for pk, (s, n) in sums.items()
    ]
    return sorted(means, key=lambda e: (e["expert__name"], e["expert_id"]))


GROUP_KEYS = {"channel": "ch", "topic": "tp"}


def _counted(name: str, dimension: str | None = None, labels=()):
    """A count of consultations (one of FIGURES), optionally broken down by channel or topic."""

    def compute(period: Period, scope: Scope) -> Result:
        summary = _summary(period, scope)
        totals = summary["totals"]
        result = Result(value=totals[f"{name}_cur"], previous=totals[f"{name}_prev"])
        if dimension:
            names = dict(labels)
            cur, prev = dict.fromkeys(names, 0), dict.fromkeys(names, 0)
            for group in summary["groups"]:
                target = cur if group["cur"] else prev
                value = group[GROUP_KEYS[dimension]]
                target[value] = target.get(value, 0) + group["n"]
            result.breakdown = {dimension: cur}
            result.previous_breakdown = {dimension: prev}
            result.labels = {dimension: {k: str(v) for k, v in names.items()}}
        return result

    return compute


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def within_service_level(period: Period, scope: Scope) -> Result:
    t = _summary(period, scope)["totals"]
    return Result(
        value=_share(t["ok_cur"], t["done_cur"]), previous=_share(t["ok_prev"], t["done_prev"]),
        breakdown={"sla": {"within": t["ok_cur"], "breached": t["done_cur"] - t["ok_cur"]}},
        previous_breakdown={"sla": {"within": t["ok_prev"], "breached": t["done_prev"] - t["ok_prev"]}},
        labels={"sla": {"within": "时限内解决", "breached": "超时解决"}},
    )  # fmt: skip


def _mean(value) -> float | None:
    return round(value, 2) if value is not None else None


def satisfaction(period: Period, scope: Scope) -> Result:
    summary = _summary(period, scope)
    t, experts = summary["totals"], summary["experts"]
    return Result(
        value=_mean(t["sat_cur"]), previous=_mean(t["sat_prev"]),
        breakdown={"expert": {str(e["expert_id"]): _mean(e["mean"]) for e in experts}},
        labels={"expert": {str(e["expert_id"]): e["expert__name"] for e in experts}},
    )  # fmt: skip


CHANNELS = tuple((str(v), str(label)) for v, label in Channel.choices)
TOPICS = tuple((str(v), str(label)) for v, label in Topic.choices)
FARM_LINE = Q(channel__in=[Channel.PHONE, Channel.WECHAT], topic__in=FARM_TOPICS)
BREACHED = FIGURES["late"]

register(Indicator(
    "hotline.consultations", "咨询服务", "人次", "受理时间在期间内的咨询数(各渠道、各类别),按渠道分列",
    _counted("n", "channel", CHANNELS), _records(), {"channel": "渠道"}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.consultations_by_topic", "咨询服务(按类别)", "人次", "受理时间在期间内的咨询数,按咨询类别分列",
    _counted("n", "topic", TOPICS), _records(), {"topic": "咨询类别"}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.farm_consultations", "电话、微信农技咨询", "人次",
    "受理时间在期间内、经电话或微信受理的种植、养殖、水产、林果、农机咨询数",
    _counted("farm"), _records(FARM_LINE), {}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.within_service_level", "时限内解决率", "%",
    "受理时间在期间内且已解决的咨询中,解决用时(工作时间,扣除等待来电人的时间)未超过时限的比例",
    within_service_level, _records(RESOLVED), {"sla": "服务时限"}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.satisfaction", "咨询满意度", "分",
    "受理时间在期间内且已评价的咨询的平均满意度(1–5分,保留两位小数),按解答专家分列",
    satisfaction, _records(Q(satisfaction__isnull=False)), {"expert": "解答专家"}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.field_visits", "咨询转现场服务", "次",
    "受理时间在期间内、转为现场服务且该活动已审核通过的咨询数(每次现场服务即活动台账中的一条活动)",
    _counted("field"), _records(FIELD_VISIT), {}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.breached", "超时咨询", "件", "受理时间在期间内、首次响应或解决超过时限的咨询数",
    _counted("late"), _records(BREACHED), {}, MODULE, better="down",
))  # fmt: skip

register_columns("hotline.consultation", [
    ("ticket_id", "受理编号"), ("received_at", "受理时间"), ("get_channel_display", "渠道"), ("get_topic_display", "类别"),
    ("region", "所在区划"), ("expert", "解答专家"),
])  # fmt: skip
