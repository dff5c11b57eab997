"""Daily and weekly briefs (舆情日报/周报) as Word documents in the official layout
(kexie.core.officialdoc): counts, top clusters, negative items, handling status and a chart of
the items by sentiment (kexie.reports.charts, as in the annual review)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from kexie.core.officialdoc import OfficialDocument, chinese_number
from kexie.opinion.models import Alert, Cluster, Item, Sentiment
from kexie.tickets.models import Status

KINDS = {"daily": ("舆情日报", 1), "weekly": ("舆情周报", 7)}
TOP = 10


@dataclass(frozen=True)
class BriefData:
    title: str
    start: dt.date
    end: dt.date  # exclusive
    items: int
    by_sentiment: dict[str, int]
    sources: int
    informant_items: int
    top_clusters: list
    negative: list
    alerts: int
    handled: int
    open_alerts: int


def period(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The day itself, or the Monday-to-Sunday week holding it; end exclusive."""
    if kind == "weekly":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    return day, day + dt.timedelta(days=1)


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _read(model, user):
    """The user's records; with no user (`kexie opinion brief` without --as), every unit's."""
    if user is None:
        return model.objects.unscoped(reason="a brief run by the system covers every unit")
    return model.objects.for_user(user)


def brief_data(user, kind: str, day: dt.date) -> BriefData:
    start, end = period(kind, day)
    when = Q(published_at__gte=_moment(start), published_at__lt=_moment(end))
    items = _read(Item, user).filter(when).select_related("source")
    rows = list(items.values_list("sentiment", "source_id", "submitted_by_id"))
    by = Counter(s for s, _, _ in rows)
    clusters = list(
        _read(Cluster, user).filter(items__in=items.values("pk")).distinct().order_by("-heat", "-id")[:TOP]
    )
    negative = list(items.filter(sentiment=Sentiment.NEGATIVE).order_by("-reach", "-published_at")[:TOP])
    alerts = _read(Alert, user).filter(raised_at__gte=_moment(start), raised_at__lt=_moment(end))
    total = alerts.count()
    handled = alerts.filter(ticket__status=Status.RESOLVED).count()
    return BriefData(
        title=KINDS[kind][0], start=start, end=end, items=len(rows),
        by_sentiment={s: by.get(s, 0) for s in Sentiment.values}, sources=len({s for _, s, _ in rows}),
        informant_items=sum(1 for _, _, u in rows if u), top_clusters=clusters, negative=negative,
        alerts=total, handled=handled, open_alerts=total - handled,
    )  # fmt: skip


def _chart(data: BriefData) -> bytes | None:
    from kexie.reports.charts import chart_png

    labels = dict(Sentiment.choices)
    row = {
        "code": "opinion.items_monitored", "name": "监测信息", "unit": "条",
        "breakdown": {"sentiment": data.by_sentiment}, "labels": {"sentiment": {k: str(v) for k, v in labels.items()}},
    }  # fmt: skip
    return chart_png(row) if data.items else None


def brief_docx(user, kind: str, day: dt.date, unit_name: str = "") -> tuple[str, bytes]:
    """(file name, Word bytes) of the brief of `kind` ("daily" or "weekly") for the day's period."""
    data = brief_data(user, kind, day)
    span = (
        f"{data.start:%Y年%m月%d日}"
        if kind == "daily"
        else f"{data.start:%Y年%m月%d日}—{data.end - dt.timedelta(days=1):%Y年%m月%d日}"
    )
    doc = OfficialDocument(title=data.title, subject=span)
    doc.title(f"{unit_name}{data.title}")
    doc.subtitle(span)
    labels = dict(Sentiment.choices)
    doc.heading1("一、总体情况")
    counts = "、".join(f"{labels[s]}{n}条" for s, n in data.by_sentiment.items())
    doc.body(
        f"本期共监测到相关信息{data.items}条(来自{data.sources}个来源,其中信息员报送{data.informant_items}条),"
        f"其中{counts}。"
    )
    png = _chart(data)
    if png:
        doc.picture(png)
    doc.heading1("二、热点聚类")
    if not data.top_clusters:
        doc.body("本期无热点聚类。")
    for n, c in enumerate(data.top_clusters, start=1):
        doc.body(
            f"({chinese_number(n)}){c.title}。副本{c.copies}条,来源{c.sources}个,阅读量{c.reach},"
            f"热度{c.heat:.1f},首次出现于{timezone.localtime(c.first_seen):%m月%d日%H:%M}。"
        )
    doc.heading1("三、负面信息")
    if not data.negative:
        doc.body("本期未发现负面信息。")
    for n, item in enumerate(data.negative, start=1):
        doc.body(
            f"({chinese_number(n)}){item.title or item.text[:60]}(来源:{item.source.name},阅读量{item.reach})。"
        )
    doc.heading1("四、处置情况")
    doc.body(f"本期触发预警{data.alerts}条,已处置{data.handled}条,处置中{data.open_alerts}条。")
    name = f"{data.title}-{data.start:%Y%m%d}.docx"
    return name, doc.to_bytes()
