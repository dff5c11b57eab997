"""Changing sources, schemes and articles on the pages (the same services as the API: audited,
scoped), an article's activities, the figures by month and channel, and an alert's handling
through the API."""

from django.utils import timezone

from kexie.core.models import AuditEntry
from kexie.opinion.models import Article, Scheme, Source


def test_source_page_changes_the_source_with_audit(client, world, desk):
    client.force_login(world.users["city_admin"])
    url = f"/opinion/sources/{desk['source'].pk}/"
    assert "修改来源" in client.get(url).content.decode()
    body = {"name": "济宁新闻网", "kind": "feed", "url": "http://127.0.0.1:9/atom", "is_watched": "on",
            "is_active": "on"}  # fmt: skip
    assert client.post(url, body).status_code == 302
    source = Source.objects.unscoped(reason="test").get(pk=desk["source"].pk)
    assert (source.name, source.is_watched) == ("济宁新闻网", True)
    entry = AuditEntry.objects.get(action="kexie.opinion_source.changed", object_id=str(source.pk))
    assert entry.before["name"] == "济宁新闻" and entry.after["name"] == "济宁新闻网"
    refused = client.post(url, {**body, "url": ""})
    assert refused.status_code == 200 and "须填写地址" in refused.content.decode()
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404


def test_scheme_page_previews_a_change_then_saves_it(client, world, desk):
    client.force_login(world.users["city_admin"])
    url = f"/opinion/schemes/{desk['scheme'].pk}/"
    body = {"name": "科普讲座", "subject_words": "讲座", "is_active": "on"}
    preview = client.post(url, {**body, "action": "preview"}).content.decode()
    assert "修改后的方案" in preview and "市科协举办科普讲座" in preview and "科技馆设备故障" not in preview
    assert Scheme.objects.unscoped(reason="test").get(pk=desk["scheme"].pk).name == "科技馆"  # not saved
    bad = client.post(url, {**body, "expression": "(讲座 AND", "action": "save"})
    assert (
        bad.status_code == 200
        and Scheme.objects.unscoped(reason="test").get(pk=desk["scheme"].pk).name == "科技馆"
    )
    assert client.post(url, {**body, "action": "save"}).status_code == 302
    assert Scheme.objects.unscoped(reason="test").get(pk=desk["scheme"].pk).subject_words == "讲座"
    assert AuditEntry.objects.filter(action="kexie.opinion_scheme.changed").count() == 1


def _article(**extra):
    today = timezone.localdate().isoformat()
    return {"channel": "newspaper", "published_on": today, "title": "《济宁科协》专版第1期", "reads": "3000",
            "likes": "0", "shares": "5", **extra}  # fmt: skip


def test_article_pages_link_activities_in_scope_only(client, world, desk, make_activity):
    mine = make_activity(actor=world.users["county_staff"])
    theirs = make_activity(actor=world.users["city_admin"], organiser=world.users["city_admin"].unit)
    client.force_login(world.users["county_staff"])
    refused = client.post("/opinion/articles/", _article(activity_ids=f"{mine.pk} {theirs.pk}"))
    assert (
        refused.status_code == 200 and f"活动“{theirs.pk}”不存在或不在您的范围内" in refused.content.decode()
    )
    assert not Article.objects.unscoped(reason="test").filter(title="《济宁科协》专版第1期").exists()
    assert client.post("/opinion/articles/", _article(activity_ids=f"{mine.pk}")).status_code == 302
    article = Article.objects.unscoped(reason="test").get(title="《济宁科协》专版第1期")
    assert list(article.activities.values_list("pk", flat=True)) == [mine.pk]
    shown = client.get(f"/opinion/articles/{article.pk}/").content.decode()
    assert f"/activities/{mine.pk}/" in shown and f'value="{mine.pk}"' in shown  # listed, and in the form
    page = client.get("/opinion/articles/").content.decode()
    assert f"/opinion/articles/{article.pk}/" in page
    assert "<td>报纸专版</td><td>1</td><td>3000</td><td>0</td><td>5</td>" in page  # month × channel, in words
    changed = client.post(f"/opinion/articles/{article.pk}/", _article(reads="4200", activity_ids=""))
    assert changed.status_code == 302
    article.refresh_from_db()
    assert article.reads == 4200 and not article.activities.exists()
    entry = AuditEntry.objects.get(action="kexie.article.changed", object_id=str(article.pk))
    assert entry.before["reads"] == 3000 and entry.after["reads"] == 4200
    assert client.get(f"/opinion/articles/{desk['article'].pk}/").status_code == 404  # the city's


def test_article_figures_and_activities_in_the_api(client, world, desk, make_activity):
    activity = make_activity(actor=world.users["city_admin"], organiser=world.users["city_admin"].unit)
    client.force_login(world.users["city_admin"])
    url = f"/api/v1/opinion/articles/{desk['article'].pk}"
    body = {"channel": "wechat", "published_on": str(desk["article"].published_on), "title": "科普日活动回顾",
            "reads": 1500, "likes": 30, "shares": 12, "activity_ids": [activity.pk]}  # fmt: skip
    assert client.put(url, body, content_type="application/json").json()["activity_ids"] == [activity.pk]
    assert client.get(url).json()["activity_ids"] == [activity.pk]
    figures = client.get("/api/v1/opinion/articles/figures").json()
    month = desk["article"].published_on.strftime("%Y-%m")
    assert figures == [{"month": month, "channel": "wechat", "channel_name": "微信公众号", "articles": 1,
                        "reads": 1500, "likes": 30, "shares": 12}]  # fmt: skip
    assert client.get("/api/v1/opinion/articles/figures?year=2001").json() == []
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/opinion/articles/figures").json() == []


def test_alert_detail_shows_the_ticket_and_its_steps(client, world, desk):
    who = "city_admin"
    client.force_login(world.users[who])
    url = f"/api/v1/opinion/alerts/{desk['alert'].pk}"
    before = client.get(url).json()
    assert (
        before["resolved_at"] is None
        and before["assignee_id"] is None
        and before["subject"].startswith("【舆情预警】")
    )
    for action in ("take", "resolve"):
        assert (
            client.post(
                f"{url}/handling",
                {"action": action, "note": f"{action} 说明"},
                content_type="application/json",
            ).status_code
            == 200
        )
    after = client.get(url).json()
    assert after["assignee_id"] == world.users[who].pk and after["resolved_at"] is not None
    assert len(after["steps"]) > len(before["steps"]) and after["steps"][-1]["actor"]
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
