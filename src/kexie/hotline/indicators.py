"""Indicators of the hotline: consultations by channel and by topic, the farmers' phone and
WeChat consultations the review states, answered within the service level, satisfaction (per
expert), field visits and breaches. Each is one aggregate over the consultations received in
the period and the same period a year earlier (conditional aggregates give both at once)."""

from django.db.models import Avg, Count, Q, QuerySet

from kexie.activities.models import Status as ActivityStatus
from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.hotline.codes import FARM_TOPICS, Channel, Topic
from kexie.hotline.models import Consultation

MODULE = "hotline"
RESOLVED = Q(ticket__status="resolved")


def _in(period: Period) -> Q:
    return Q(received_at__date__gte=period.start, received_at__date__lt=period.end)


def _rows(scope: Scope) -> QuerySet:
    return scope.restrict(Consultation.objects.all(), region="region", unit="ticket__unit")


def _both(period: Period, scope: Scope, where: Q = Q()) -> QuerySet:
    return _rows(scope).filter(where).filter(_in(period) | _in(period.previous()))


def _records(where: Q = Q()):
    def records(period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
        qs = _rows(scope).filter(where).filter(_in(period)).select_related("ticket")
        field = {"channel": "channel", "topic": "topic", "expert": "expert_id"}.get(dimension or "")
        return qs.filter(**{field: key}) if field and key is not None else qs

    return records


def _counted(where: Q = Q(), dimension: str | None = None, labels=()):
    """A count of consultations, optionally broken down by a field with its labels."""

    def compute(period: Period, scope: Scope) -> Result:
        qs = _both(period, scope, where)
        counts = {"cur": Count("id", filter=_in(period)), "prev": Count("id", filter=_in(period.previous()))}
        total = qs.aggregate(**counts)
        result = Result(value=total["cur"], previous=total["prev"])
        if dimension:
            groups = {g[dimension]: g for g in qs.values(dimension).annotate(**counts).order_by()}
            names = dict(labels)
            result.breakdown = {dimension: {k: groups.get(k, {}).get("cur", 0) for k in names}}
            result.previous_breakdown = {dimension: {k: groups.get(k, {}).get("prev", 0) for k in names}}
            result.labels = {dimension: {k: str(v) for k, v in names.items()}}
        return result

    return compute


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def within_service_level(period: Period, scope: Scope) -> Result:
    qs = _both(period, scope, RESOLVED)
    agg = qs.aggregate(
        done=Count("id", filter=_in(period)), ok=Count("id", filter=_in(period) & Q(ticket__resolution_breached=False)),
        done_prev=Count("id", filter=_in(period.previous())),
        ok_prev=Count("id", filter=_in(period.previous()) & Q(ticket__resolution_breached=False)),
    )  # fmt: skip
    return Result(
        value=_share(agg["ok"], agg["done"]), previous=_share(agg["ok_prev"], agg["done_prev"]),
        breakdown={"sla": {"within": agg["ok"], "breached": agg["done"] - agg["ok"]}},
        previous_breakdown={"sla": {"within": agg["ok_prev"], "breached": agg["done_prev"] - agg["ok_prev"]}},
        labels={"sla": {"within": "时限内解决", "breached": "超时解决"}},
    )  # fmt: skip


def _mean(value) -> float | None:
    return round(value, 2) if value is not None else None


def satisfaction(period: Period, scope: Scope) -> Result:
    rated = Q(ticket__satisfaction__isnull=False)
    qs = _both(period, scope, rated)
    agg = qs.aggregate(
        cur=Avg("ticket__satisfaction", filter=_in(period)),
        prev=Avg("ticket__satisfaction", filter=_in(period.previous())),
    )
    experts = (
        qs.filter(_in(period), expert__isnull=False)
        .values("expert_id", "expert__name")
        .annotate(mean=Avg("ticket__satisfaction"))
        .order_by("expert__name")
    )
    return Result(
        value=_mean(agg["cur"]), previous=_mean(agg["prev"]),
        breakdown={"expert": {str(e["expert_id"]): _mean(e["mean"]) for e in experts}},
        labels={"expert": {str(e["expert_id"]): e["expert__name"] for e in experts}},
    )  # fmt: skip


CHANNELS = tuple((str(v), str(label)) for v, label in Channel.choices)
TOPICS = tuple((str(v), str(label)) for v, label in Topic.choices)
FARM_LINE = Q(channel__in=[Channel.PHONE, Channel.WECHAT], topic__in=FARM_TOPICS)
FIELD_VISIT = Q(field_visit__isnull=False, field_visit__status=ActivityStatus.APPROVED)
BREACHED = Q(ticket__first_response_breached=True) | Q(ticket__resolution_breached=True)

register(Indicator(
    "hotline.consultations", "咨询服务", "人次", "受理时间在期间内的咨询数(各渠道、各类别),按渠道分列",
    _counted(dimension="channel", labels=CHANNELS), _records(), {"channel": "渠道"}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.consultations_by_topic", "咨询服务(按类别)", "人次", "受理时间在期间内的咨询数,按咨询类别分列",
    _counted(dimension="topic", labels=TOPICS), _records(), {"topic": "咨询类别"}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.farm_consultations", "电话、微信农技咨询", "人次",
    "受理时间在期间内、经电话或微信受理的种植、养殖、水产、林果、农机咨询数",
    _counted(FARM_LINE), _records(FARM_LINE), {}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.within_service_level", "时限内解决率", "%",
    "受理时间在期间内且已解决的咨询中,解决用时(工作时间,扣除等待来电人的时间)未超过时限的比例",
    within_service_level, _records(RESOLVED), {"sla": "服务时限"}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.satisfaction", "咨询满意度", "分",
    "受理时间在期间内且已评价的咨询的平均满意度(1–5分,保留两位小数),按解答专家分列",
    satisfaction, _records(Q(ticket__satisfaction__isnull=False)), {"expert": "解答专家"}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.field_visits", "咨询转现场服务", "次",
    "受理时间在期间内、转为现场服务且该活动已审核通过的咨询数(每次现场服务即活动台账中的一条活动)",
    _counted(FIELD_VISIT), _records(FIELD_VISIT), {}, MODULE,
))  # fmt: skip
register(Indicator(
    "hotline.breached", "超时咨询", "件", "受理时间在期间内、首次响应或解决超过时限的咨询数",
    _counted(BREACHED), _records(BREACHED), {}, MODULE, better="down",
))  # fmt: skip

register_columns("hotline.consultation", [
    ("ticket_id", "受理编号"), ("received_at", "受理时间"), ("get_channel_display", "渠道"), ("get_topic_display", "类别"),
    ("region", "所在区划"), ("expert", "解答专家"),
])  # fmt: skip
