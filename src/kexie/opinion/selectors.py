"""Scoped reads of the opinion app: everything through Model.objects.for_user (404 outside)."""

from __future__ import annotations

from django.http import Http404

from kexie.core.textsearch import contains
from kexie.opinion.models import Alert, AlertRule, Article, Cluster, DebunkLink, Item, Scheme, Source


def items(
    user, *, sentiment: str = "", source_id: int | None = None, q: str = "", cluster_id: int | None = None
):
    qs = Item.objects.for_user(user).select_related("source", "cluster")
    if sentiment:
        qs = qs.filter(sentiment=sentiment)
    if source_id:
        qs = qs.filter(source_id=source_id)
    if cluster_id:
        qs = qs.filter(cluster_id=cluster_id)
    if q:
        qs = contains(qs, "title", q)
    return qs


def clusters(user, *, copies_at_least: int = 2):
    return Cluster.objects.for_user(user).filter(copies__gte=copies_at_least)


def sources(user):
    return Source.objects.for_user(user)


def schemes(user):
    return Scheme.objects.for_user(user)


def rules(user):
    return AlertRule.objects.for_user(user).select_related("queue", "source")


def alerts(user):
    return Alert.objects.for_user(user).select_related("ticket", "item", "rule", "cluster")


def articles(user, *, channel: str = "", year: int | None = None):
    qs = Article.objects.for_user(user)
    if channel:
        qs = qs.filter(channel=channel)
    if year:
        qs = qs.filter(published_on__year=year)
    return qs


def article_figures(qs):
    """Articles, reads, likes and shares by month and channel (newest month first), one query."""
    from django.db.models import Count, Sum
    from django.db.models.functions import TruncMonth

    from kexie.opinion.models import Channel

    names = dict(Channel.choices)
    rows = (
        qs.order_by().annotate(month=TruncMonth("published_on")).values("month", "channel")
        .annotate(articles=Count("id"), reads=Sum("reads"), likes=Sum("likes"), shares=Sum("shares"))
        .order_by("-month", "channel")
    )  # fmt: skip
    return [{**row, "channel_name": str(names.get(row["channel"], row["channel"]))} for row in rows]


def debunks(user, *, items):
    """The debunking articles linked to these items (best match first, each article once)."""
    links = (
        DebunkLink.objects.for_user(user)
        .filter(item__in=[i.pk for i in items])
        .select_related("article", "item")
        .order_by("-score", "id")
    )
    seen, out = set(), []
    for link in links:
        if link.article_id not in seen:
            seen.add(link.article_id)
            out.append(link)
    return out


def get_or_404(qs, pk: int):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj
