"""宣传与舆情 in a real browser, the main path: an alert rule from the form, a feed source added
and polled (served from this machine), the items, their cluster with the linked debunking
article, the alert handled as a ticket (take, respond, close), and the daily brief."""

import datetime as dt
import functools
import http.server
import threading
from email.utils import format_datetime

import pytest
from django.utils import timezone

from kexie.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUMOUR = "网传每天喝一杯醋能软化血管,朋友圈疯传,专家提醒这种说法没有科学依据,软化血管靠醋不靠谱。"


def _feed(folder, now):
    items = [
        ("r1", "网传喝醋能软化血管", RUMOUR, now - dt.timedelta(hours=3)),
        ("r2", "转发:网传喝醋能软化血管", "【转发】" + RUMOUR, now - dt.timedelta(hours=2)),
        ("n1", "市科协举办科普讲座", "济宁市科协组织专家走进社区开展科普讲座,居民都很满意。", now - dt.timedelta(hours=1)),
    ]  # fmt: skip
    body = "".join(
        f"<item><title>{t}</title><guid>{g}</guid><link>https://news.example.org/{g}.html</link>"
        f"<pubDate>{format_datetime(at)}</pubDate><description>{text}</description></item>"
        for g, t, text, at in items
    )
    (folder / "feed.xml").write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>济宁新闻</title>{body}'
        "</channel></rss>",
        encoding="utf-8",
    )


@pytest.fixture
def feed_url(tmp_path):
    _feed(tmp_path, timezone.now())

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    server.shutdown()
    server.server_close()


def test_source_items_cluster_alert_ticket_brief(browser_page, live_server, world, feed_url):
    from kexie.opinion import services
    from kexie.opinion.models import Alert, Channel
    from kexie.tickets.services import queue_create

    admin = world.users["city_admin"]
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
    services.article_create(
        actor=admin,
        data={"unit": world.orgs["city"], "channel": Channel.WECHAT, "published_on": dt.date.today(),
              "title": "喝醋不能软化血管", "is_debunking": True,
              "summary": "醋进入人体后被消化吸收,不能软化血管,所谓喝醋软化血管没有科学依据。"},
    )  # fmt: skip
    page, base = browser_page, live_server.url
    page.set_default_timeout(60000)  # a loaded CI machine: the first pages render slowly
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "city_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/opinion/rules/")  # the alert rule, from the form
    page.fill("#id_name", "谣言敏感词")
    page.select_option("#id_kind", "words")
    page.fill("#id_words", "软化血管")
    page.select_option("#id_queue", str(queue.pk))
    page.fill("#id_quiet_start", "23:00")
    page.fill("#id_quiet_end", "06:00")
    page.click("#rule-form button")
    page.wait_for_selector("text=预警规则已保存")
    assert "23:00–06:00" in page.inner_text("table")

    page.goto(f"{base}/opinion/sources/")  # the source, added and polled
    page.fill("#id_name", "济宁新闻")
    page.select_option("#id_kind", "feed")
    page.fill("#id_url", feed_url)
    page.click("form.row button")
    page.wait_for_selector("text=已添加来源")
    page.click("text=立即抓取")
    page.wait_for_selector("text=抓取完成,新增 3 条")

    page.goto(f"{base}/opinion/")  # the items and the hot cluster
    assert "市科协举办科普讲座" in page.inner_text("body")
    page.click("table >> nth=0 >> a >> text=网传喝醋能软化血管")
    assert page.inner_text("#cluster-copies") == "2"
    assert "喝醋不能软化血管" in page.inner_text("#cluster-debunks")  # the matching engine's link

    page.click("#cluster-alerts a >> nth=0")  # the alert, handled as a ticket
    alert = Alert.objects.unscoped(reason="test").get()
    assert page.url.endswith(f"/opinion/alerts/{alert.pk}/")
    for action in ("take", "respond"):
        page.click(f"button[value={action}]")
        page.wait_for_selector("text=已处理")
    page.click("#resolve-alert")  # refused without the handling in words
    page.wait_for_selector("text=须填写处置情况")
    page.fill("#alert-note", "已在官方账号发布辟谣科普文章")
    page.click("#resolve-alert")
    page.wait_for_selector("text=已处理")
    assert "已在官方账号发布辟谣科普文章" in page.inner_text("#alert-notes")
    alert.ticket.refresh_from_db()
    assert alert.ticket.assignee_id == admin.pk and alert.ticket.resolved_at is not None
    assert not page.query_selector("#resolve-alert")

    today = timezone.localdate().isoformat()  # the daily brief, as Word
    response = page.context.request.get(f"{base}/opinion/brief/?kind=daily&date={today}")
    assert response.ok and "wordprocessingml" in response.headers["content-type"]
    assert response.body()[:2] == b"PK"
