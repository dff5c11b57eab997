"""A small opinion desk for tests and the permission matrix: the city's alert queue, a feed
source, a few items (one negative), a scheme, a rule, an alert and an article."""

import datetime as dt

from django.utils import timezone


def build_opinion(
    users: dict, orgs: dict, *, actor: str = "city_admin", unit: str = "city", url: str = ""
) -> dict:
    """`url`: the feed source's address (the permission matrix names a closed local port, so
    that polling fails at once and never leaves this machine)."""
    from kexie.opinion import services
    from kexie.opinion.models import Channel, RuleKind, SourceKind
    from kexie.tickets.services import queue_create

    admin = users[actor]
    queue = queue_create(
        actor=admin,
        data={
            "code": "opinion",
            "name": "舆情处置组",
            "first_response_minutes": 60,
            "resolution_minutes": 480,
        },
        members=[admin],
    )
    source = services.source_create(
        actor=admin,
        data={
            "name": "济宁新闻",
            "kind": SourceKind.FEED,
            "url": url or "http://127.0.0.1:9/rss",
            "unit": orgs[unit],
        },
    )
    rule = services.rule_create(
        actor=admin,
        data={
            "name": "敏感词",
            "kind": RuleKind.WORDS,
            "words": "事故 投诉",
            "queue": queue,
            "unit": orgs[unit],
        },
    )
    now = timezone.now()
    rows = [
        services.NewItem(key="n1", title="市科协举办科普讲座", text="专家走进社区开展科普讲座,居民都很满意。",
                         published_at=now - dt.timedelta(hours=3), reach=120),
        services.NewItem(key="n2", title="科技馆设备故障游客投诉", text="济宁科技馆多台展品故障,游客投诉服务态度差,非常失望。",
                         published_at=now - dt.timedelta(hours=2), reach=800),
        services.NewItem(key="n3", title="转发:科技馆设备故障游客投诉", text="济宁科技馆多台展品故障,游客投诉服务态度差,非常失望!",
                         published_at=now - dt.timedelta(hours=1), reach=300),
    ]  # fmt: skip
    items = services.items_ingest(actor=admin, source=source, rows=rows)
    scheme = services.scheme_create(
        actor=admin,
        data={"name": "科技馆", "region_words": "济宁", "subject_words": "科技馆", "unit": orgs[unit]},
    )
    article = services.article_create(
        actor=admin,
        data={"unit": orgs[unit], "channel": Channel.WECHAT, "published_on": now.date(), "title": "科普日活动回顾",
              "link": "https://mp.example.org/s/1", "reads": 1500, "likes": 30, "shares": 12},
    )  # fmt: skip
    from kexie.opinion.models import Alert

    alert = Alert.objects.unscoped(reason="test data").filter(rule=rule).first()
    from kexie.opinion.models import Item

    cluster = Item.objects.unscoped(reason="test data").get(pk=items[1].pk).cluster
    return {"queue": queue, "source": source, "rule": rule, "items": items, "scheme": scheme,
            "article": article, "alert": alert, "cluster": cluster}  # fmt: skip
