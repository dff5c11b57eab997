"""宣传与舆情 in the demo city, through the services and with no network: the 《济宁科协》 newspaper
page and the WeChat account's articles of 2020, a feed source and a web page source whose items
are stored samples (reposts and lightly edited copies among them), informants' submissions, a
keyword scheme, alert rules on the city's 舆情处置组 queue, and the alerts they raised."""

import datetime as dt
import random

from django.utils import timezone

from kexie.opinion import services
from kexie.opinion.models import Channel, RuleKind, SourceKind
from kexie.tickets.services import queue_create

YEAR = 2020
SEED = 20201231 + 17
NEWSPAPER_PAGES = 24  # 《济宁科协》 page in the city newspaper, twice a month
WECHAT_POSTS = 96

STORIES = [
    (
        "市科协举办全国科普日主题活动",
        "济宁市科协举办全国科普日主题活动,组织专家走进社区开展科普讲座,居民反响热烈,纷纷点赞。",
    ),
    (
        "青少年科技创新大赛开幕",
        "第三十五届济宁市青少年科技创新大赛开幕,全市中小学生踊跃参加,展示了优秀的科技创新成果。",
    ),
    ("科技馆展品故障游客投诉", "有游客反映济宁科技馆多台展品故障,等了很久无人处理,服务态度差,非常失望。"),
    (
        "网传喝醋能软化血管系谣言",
        "近日网上流传喝醋能软化血管的说法,专家指出这是谣言,缺乏科学依据,提醒市民不要轻信。",
    ),
    ("科普大篷车进乡村", "科普大篷车开进兖州区乡村,为村民带来农业技术和健康知识,受到群众欢迎。"),
    ("某培训机构冒用科协名义收费", "有家长投诉某培训机构冒用科协名义举办竞赛并收取高额费用,涉嫌虚假宣传。"),
    ("院士专家工作站签约", "济宁高新区三家企业与院士专家团队签约建立工作站,助力企业技术创新和人才培养。"),
    ("暴雨天气提醒", "气象部门发布暴雨蓝色预警,提醒市民注意出行安全,相关部门做好防汛准备。"),
]
REPOST_PREFIXES = ["", "【转发】", "转自济宁日报:", "#济宁# "]


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users["admin"]
    city = context.city
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
    feed = services.source_create(
        actor=admin,
        data={
            "name": "济宁新闻(订阅源)",
            "kind": SourceKind.FEED,
            "url": "https://news.example.org/rss",
            "unit": city,
        },
    )
    page = services.source_create(
        actor=admin,
        data={
            "name": "本地论坛(网页)",
            "kind": SourceKind.PAGE,
            "url": "https://bbs.example.org/",
            "unit": city,
        },
    )
    services.source_failed(source=page, reason="演示:无法连接(演示环境不联网)")
    for data in (
        {
            "name": "负面且热度高",
            "kind": RuleKind.NEGATIVE_HEAT,
            "heat_threshold": 60,
            "queue": queue,
            "unit": city,
        },
        {"name": "敏感词", "kind": RuleKind.WORDS, "words": "冒用 谣言 事故", "queue": queue, "unit": city},
    ):
        services.rule_create(actor=admin, data=data)
    services.scheme_create(
        actor=admin,
        data={"name": "科协相关", "region_words": "济宁 兖州 任城", "subject_words": "科协 科技馆 科普",
              "exclude_words": "广告", "unit": city},
    )  # fmt: skip
    _items(admin, feed, rng)
    _articles(admin, city, rng)
    from kexie.opinion.models import Alert

    first = Alert.objects.unscoped(reason="the demo closes its first alert").order_by("pk").first()
    if first is not None:
        services.alert_handle(
            actor=admin, alert=first, action="resolve", note="已核实来源,在官方账号发布科普解读,转发量回落"
        )


def _items(admin, feed, rng) -> None:
    now = timezone.now()
    rows = []
    for n, (title, text) in enumerate(STORIES):
        copies = rng.randrange(1, 6)
        start = now - dt.timedelta(hours=rng.randrange(6, 96))
        for c in range(copies):
            edited = text if c == 0 else text.replace(",", ",", rng.randrange(0, 2))
            rows.append(services.NewItem(
                key=f"demo-{n}-{c}", title=rng.choice(REPOST_PREFIXES) + title if c else title, text=edited,
                url=f"https://news.example.org/{n}/{c}.html", author="济宁日报" if c == 0 else "",
                published_at=start + dt.timedelta(hours=3 * c), reach=rng.randrange(50, 5000),
            ))  # fmt: skip
    services.items_ingest(actor=admin, source=feed, rows=rows)


def _articles(admin, city, rng) -> None:
    for n in range(NEWSPAPER_PAGES):
        day = dt.date(YEAR, 1 + n // 2, 8 if n % 2 == 0 else 22)
        services.article_create(actor=admin, data={
            "unit": city, "channel": Channel.NEWSPAPER, "published_on": day, "title": f"《济宁科协》专版第{n + 1}期",
            "reads": rng.randrange(8000, 20000),
        })  # fmt: skip
    for n in range(WECHAT_POSTS):
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(0, 366))
        services.article_create(actor=admin, data={
            "unit": city, "channel": Channel.WECHAT, "published_on": day, "title": f"科协微信推送第{n + 1}篇",
            "reads": rng.randrange(300, 6000), "likes": rng.randrange(5, 200), "shares": rng.randrange(0, 120),
        })  # fmt: skip
