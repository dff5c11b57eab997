"""Indicators of 宣传与舆情: items monitored (by sentiment), clusters of reposted items, negative
items, alerts and those handled on time, informants' submissions; articles published (by
channel) and their reads. Each figure is one aggregate over the period and the same period a
year earlier; a breakdown is one GROUP BY more."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from kexie.core.indicators import Indicator, Period, Result, Scope, register, register_columns
from kexie.opinion.models import Alert, Article, Channel, Cluster, Item, Sentiment
from kexie.tickets.models import Status

MODULE = "opinion"
DIMENSION_LABELS = {"sentiment": "情感倾向", "channel": "渠道"}
CHOICES = {"sentiment": dict(Sentiment.choices), "channel": dict(Channel.choices)}


@dataclass(frozen=True)
class Counter:
    model: type
    date_field: str  # a DateField, or a DateTimeField with "__date"
    unit: str
    region: str
    where: Q = Q()
    total: str | None = None
    dimension: str | None = None
    labels: dict = field(default_factory=dict)

    def within(self, period: Period) -> Q:
        return Q(**{f"{self.date_field}__gte": period.start, f"{self.date_field}__lt": period.end})

    def measure(self, q: Q = Q()):
        return Sum(self.total, filter=q) if self.total else Count("id", filter=q)

    def rows(self, period: Period, scope: Scope) -> QuerySet:
        qs = self.model.objects.filter(self.where)
        return scope.restrict(qs, region=self.region, unit=self.unit)

    def compute(self, period: Period, scope: Scope) -> Result:
        def run():
            now, before = self.within(period), self.within(period.previous())
            qs = self.rows(period, scope).filter(now | before)
            if not self.dimension:
                return qs.aggregate(cur=self.measure(now), prev=self.measure(before)), {}
            # One grouped query for both periods; the totals are the sums over the groups.
            groups = list(
                qs.values(self.dimension)
                .annotate(cur=self.measure(now), prev=self.measure(before), rows_now=Count("id", filter=now))
                .order_by(self.dimension)
            )
            total = {"cur": sum(g["cur"] or 0 for g in groups), "prev": sum(g["prev"] or 0 for g in groups)}
            shown = {g[self.dimension]: g["cur"] or 0 for g in groups if g["rows_now"]}
            return total, {self.dimension: shown}

        total, breakdown = scope.memo((MODULE, id(self), period), run)
        labels = (
            {self.dimension: {str(k): str(v) for k, v in CHOICES[self.dimension].items()}}
            if self.dimension
            else {}
        )
        return Result(
            value=total["cur"] or 0, previous=total["prev"] or 0, breakdown=breakdown, labels=labels
        )

    def records(self, period: Period, scope: Scope, dimension=None, key=None) -> QuerySet:
        qs = self.rows(period, scope).filter(self.within(period))
        if dimension and dimension == self.dimension and key is not None:
            qs = qs.filter(**{dimension: key})
        return qs


def _register(code, name, unit, description, counter: Counter, better: str = "up") -> None:
    dimensions = {counter.dimension: DIMENSION_LABELS[counter.dimension]} if counter.dimension else {}
    register(
        Indicator(
            code, name, unit, description, counter.compute, counter.records, dimensions, MODULE, better=better
        )
    )


ITEM = {"unit": "unit", "region": "unit__region"}
ALERT = {"unit": "rule__unit", "region": "rule__unit__region"}
ARTICLE = {"unit": "unit", "region": "unit__region"}

_register("opinion.items_monitored", "监测信息", "条", "期间内发布的监测信息条数(含转载副本,按情感分)", Counter(
    Item, "published_at__date", dimension="sentiment", **ITEM,
), better="")  # fmt: skip
_register("opinion.clusters", "重复传播的信息", "组", "期间内首次出现、有两条及以上副本的相似聚类数", Counter(
    Cluster, "first_seen__date", where=Q(copies__gte=2), **ITEM,
), better="")  # fmt: skip
_register("opinion.negative_items", "负面信息", "条", "期间内发布的负面监测信息条数", Counter(
    Item, "published_at__date", where=Q(sentiment=Sentiment.NEGATIVE), **ITEM,
), better="down")  # fmt: skip
_register("opinion.alerts", "舆情预警", "条", "期间内触发的预警数(每条预警一张工单)", Counter(
    Alert, "raised_at__date", **ALERT,
), better="down")  # fmt: skip
_register("opinion.handled_on_time", "按时处置的预警", "条", "期间内触发、已在处理时限内办结的预警数", Counter(
    Alert, "raised_at__date", where=Q(ticket__status=Status.RESOLVED, ticket__resolution_breached=False), **ALERT,
))  # fmt: skip
_register("opinion.informant_items", "信息员报送", "条", "期间内舆情信息员报送的信息条数", Counter(
    Item, "published_at__date", where=Q(submitted_by__isnull=False), **ITEM,
))  # fmt: skip
_register("opinion.articles", "宣传稿件", "篇", "期间内发布的宣传稿件篇数(按渠道)", Counter(
    Article, "published_on", dimension="channel", **ARTICLE,
))  # fmt: skip
_register("opinion.article_reads", "宣传稿件阅读量", "次", "期间内发布的宣传稿件的阅读量之和(按渠道)", Counter(
    Article, "published_on", total="reads", dimension="channel", **ARTICLE,
))  # fmt: skip

register_columns("opinion.item", [("title", "标题"), ("source", "来源"), ("published_at", "发布时间"),
                                  ("get_sentiment_display", "情感"), ("reach", "阅读量")])  # fmt: skip
register_columns(
    "opinion.cluster", [("title", "标题"), ("copies", "副本数"), ("sources", "来源数"), ("heat", "热度")]
)
register_columns("opinion.alert", [("item", "信息"), ("reason", "原因"), ("raised_at", "预警时间")])
register_columns("opinion.article", [("title", "标题"), ("get_channel_display", "渠道"), ("published_on", "发布日期"),
                                     ("reads", "阅读量")])  # fmt: skip
