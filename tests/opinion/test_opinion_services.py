"""Sources polled from files served on this machine, items, clusters, sentiment corrections,
schemes, alerts as tickets with notifications, informants' submissions."""

import functools
import http.server
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from kexie.core.models import AuditEntry
from kexie.opinion import polling, services
from kexie.opinion.models import Alert, Cluster, Item, RuleKind, SourceKind

FIXTURES = Path(__file__).parent / "fixtures"


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def guess_type(self, path):
        return "application/rss+xml" if path.endswith(".xml") else "text/html"


@pytest.fixture
def served():
    """The fixtures folder over HTTP on 127.0.0.1 (never the internet)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(FIXTURES))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _source(world, url, kind=SourceKind.FEED, name="测试源"):
    return services.source_create(
        actor=world.users["city_admin"],
        data={"name": name, "kind": kind, "url": url, "unit": world.orgs["city"]},
    )


def _items(source):
    return Item.objects.unscoped(reason="test").filter(source=source)


def test_feed_poll_stores_new_items_once_with_sentiment(world, served):
    source = _source(world, f"{served}/opinion-rss.xml")
    assert polling.poll_source(source) == {"source": "测试源", "status": "ok", "new": 2, "message": ""}
    assert polling.poll_source(source)["new"] == 0
    items = {i.title: i for i in _items(source)}
    assert items["科技馆设备故障引发游客不满"].sentiment == "negative"
    assert items["市科协举办科普讲座"].sentiment != "negative"
    source.refresh_from_db()
    assert source.last_ok_at and source.last_error == "" and source.items_seen == 2


def test_failing_source_says_why_and_keeps_its_last_good_state(world, served):
    source = _source(world, f"{served}/opinion-rss.xml")
    polling.poll_source(source)
    source.refresh_from_db()
    good = source.last_ok_at
    source.url = f"{served}/missing.xml"
    result = polling.poll_source(source)
    assert result["status"] == "failed" and "404" in result["message"]
    source.refresh_from_db()
    assert source.last_ok_at == good and "404" in source.last_error and _items(source).count() == 2
    source.url = f"{served}/opinion-page-gb2312.html"  # an HTML page is not a feed
    assert "订阅源" in polling.poll_source(source)["message"]
    assert AuditEntry.objects.filter(action="kexie.opinion_source.failed").count() == 2


def test_gb2312_page_source(world, served):
    source = _source(world, f"{served}/opinion-page-gb2312.html", kind=SourceKind.PAGE)
    assert polling.poll_source(source)["new"] == 1
    (item,) = _items(source)
    assert item.title == "市科协召开科普工作会议" and "朱镕基" in item.text


def test_page_source_needs_an_address(world):
    with pytest.raises(ValidationError) as exc:
        _source(world, "", kind=SourceKind.PAGE)
    assert "地址" in str(exc.value)


def test_reposts_form_one_cluster_with_heat(desk):
    repost = next(i for i in desk["items"] if i.key == "n3")
    repost.refresh_from_db()
    cluster = repost.cluster
    assert cluster.copies == 2 and cluster.reach == 1100 and cluster.heat > 0
    assert cluster.title == "科技馆设备故障游客投诉"
    assert Cluster.objects.unscoped(reason="test").count() == 2


def test_alert_opens_a_ticket_and_notifies_once_per_cluster(desk, personas):
    from kexie.core.models import Notification

    alerts = list(Alert.objects.unscoped(reason="test").select_related("ticket"))
    assert len(alerts) == 1  # the repost of the same cluster raised no second alert
    alert = alerts[0]
    assert "投诉" in alert.reason and alert.ticket.queue == desk["queue"] and alert.ticket.status == "new"
    assert Notification.objects.filter(user=personas["city_admin"], kind="opinion").count() == 1
    assert AuditEntry.objects.filter(action="kexie.opinion_alert.raised").count() == 1


def test_negative_heat_and_watched_author_rules(world, desk):
    admin = world.users["city_admin"]
    source = desk["source"]
    services.rule_create(
        actor=admin,
        data={"name": "负面热度", "kind": RuleKind.NEGATIVE_HEAT, "heat_threshold": 1, "queue": desk["queue"],
              "unit": world.orgs["city"]},
    )  # fmt: skip
    services.rule_create(
        actor=admin,
        data={
            "name": "作者",
            "kind": RuleKind.AUTHOR,
            "author": "老王",
            "queue": desk["queue"],
            "unit": world.orgs["city"],
        },
    )
    rows = [
        services.NewItem(key="x1", title="食堂饭菜难吃", text="服务态度恶劣,非常失望"),
        services.NewItem(key="x2", title="天气预报", text="明天多云", author="老王"),
    ]
    services.items_ingest(actor=admin, source=source, rows=rows)
    reasons = sorted(a.reason for a in Alert.objects.unscoped(reason="test").exclude(pk=desk["alert"].pk))
    assert any("负面信息" in r for r in reasons) and any("老王" in r for r in reasons)


def test_correction_changes_the_item_and_retrains(world, desk):
    from kexie.opinion.sentiment import current_model

    item = next(i for i in desk["items"] if i.key == "n1")
    text = item.content
    services.item_correct(actor=world.users["city_admin"], item=item, label="negative")
    item.refresh_from_db()
    assert item.sentiment == "negative" and item.sentiment_corrected
    assert current_model().predict_one(text).sentiment == "negative"
    with pytest.raises(ValidationError):
        services.item_correct(actor=world.users["city_admin"], item=item, label="angry")


def test_informant_submission(world, desk):
    staff = world.users["county_staff"]
    item = services.item_submit(
        actor=staff, url="https://weibo.example.org/1", text="有人在群里传播吃某种保健品能治癌症的谣言"
    )
    assert (
        item.source.kind == SourceKind.INFORMANT
        and item.unit == world.orgs["rencheng"]
        and item.submitted_by == staff
    )
    with pytest.raises(ValidationError):
        services.item_submit(actor=staff)
    with pytest.raises(ValidationError) as exc:
        services.item_submit(actor=staff, url="javascript:alert(1)")
    assert "链接" in str(exc.value)


def test_scheme_preview_and_bad_expression(world, desk):
    items = Item.objects.unscoped(reason="test").order_by("-published_at")
    rule = services.scheme_rule({"region_words": "济宁", "subject_words": "科技馆", "exclude_words": "转发"})
    hits = services.scheme_matches(items, rule)
    assert [h.item.key for h in hits] == ["n2"] and hits[0].words == ("济宁", "科技馆")
    with pytest.raises(ValidationError) as exc:
        services.scheme_create(actor=world.users["city_admin"], data={"name": "坏", "expression": "(科协"})
    assert "括号" in str(exc.value)


def test_the_scheduled_poll_runs_as_a_job_and_stores_the_feed(
    world, served, monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from kexie.core.jobs import schedule
    from kexie.core.models import Job
    from kexie.testing import run_jobs

    source = _source(world, f"{served}/opinion-rss.xml")
    entry = schedule.registered()["opinion.poll"]
    monkeypatch.setattr(schedule, "_registry", {entry.name: entry})
    with django_capture_on_commit_callbacks(execute=True):
        (job,) = schedule.tick(timezone.now())
    assert run_jobs() == 1
    job.refresh_from_db()
    assert (job.state, job.result) == (Job.DONE, {"rows": 1})
    assert _items(source).count() == 2
