"""Alert rules from the form and the API (quiet hours), item and article imports and exports,
rumour → debunking links through the matching engine, the cluster page, and the bulk dedup
against the exact baseline."""

import csv
import datetime as dt
import io
import random

from django.utils import timezone

from kexie.core.imports import export_rows, import_file
from kexie.core.models import AuditEntry, Notification
from kexie.engines.opinion import clusters, exact_clusters
from kexie.opinion import services
from kexie.opinion.models import AlertRule, Article, Channel, DebunkLink, Item, RuleKind, SourceKind

RUMOUR = "网传每天喝一杯醋能软化血管,朋友圈疯传,专家提醒这种说法没有科学依据。"


def _run(actor, kind, data: bytes, filename="data.csv"):
    return import_file(actor=actor, kind=kind, fileobj=io.BytesIO(data), filename=filename)


def _csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------- alert rules


def test_rule_form_creates_and_edits_a_rule_with_audit(client, world, desk):
    client.force_login(world.users["city_admin"])
    data = {"name": "谣言词", "kind": "words", "words": "", "heat_threshold": "50", "queue": desk["queue"].pk,
            "is_active": "on", "quiet_start": "22:00", "quiet_end": ""}  # fmt: skip
    page = client.post("/opinion/rules/", data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "敏感词规则须填写敏感词" in text and "须同时填写开始和结束时间" in text
    assert not AlertRule.objects.unscoped(reason="test").filter(name="谣言词").exists()
    data.update(words="谣言 致癌", quiet_end="07:00")
    assert client.post("/opinion/rules/", data).status_code == 302
    rule = AlertRule.objects.unscoped(reason="test").get(name="谣言词")
    assert (rule.quiet_start, rule.quiet_end) == (dt.time(22), dt.time(7))
    data.update(heat_threshold="80", kind="negative_heat")
    assert client.post(f"/opinion/rules/{rule.pk}/", data).status_code == 302
    rule.refresh_from_db()
    assert rule.kind == RuleKind.NEGATIVE_HEAT and rule.heat_threshold == 80
    actions = set(AuditEntry.objects.filter(object_id=str(rule.pk)).values_list("action", flat=True))
    assert {"kexie.opinion_rule.created", "kexie.opinion_rule.changed"} <= actions


def test_rule_of_another_unit_is_404(client, world, personas):
    from kexie.opinion.testing import build_opinion

    desk = build_opinion(world.users, world.orgs, actor="county_staff", unit="rencheng")
    client.force_login(personas["outsider"])
    assert client.get(f"/opinion/rules/{desk['rule'].pk}/").status_code == 404
    assert client.get(f"/opinion/clusters/{desk['cluster'].pk}/").status_code == 404


def test_rule_api_update_and_refusal(client, world, desk):
    client.force_login(world.users["city_admin"])
    url = f"/api/v1/opinion/rules/{desk['rule'].pk}"
    body = {"name": "夜间静默", "kind": "words", "words": "", "queue_id": desk["queue"].pk}
    assert client.put(url, body, content_type="application/json").status_code == 422
    body.update(words="事故", quiet_start="22:00:00", quiet_end="07:00:00")
    answer = client.put(url, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["quiet_end"] == "07:00:00"


def test_quiet_hours_hold_the_email_but_not_the_note(world, desk):
    now = timezone.localtime()
    start = (now - dt.timedelta(hours=1)).time().replace(microsecond=0)
    end = (now + dt.timedelta(hours=1)).time().replace(microsecond=0)
    user = world.users["city_admin"]
    user.email = "admin@example.org"
    user.save()
    services.rule_update(actor=user, rule=desk["rule"], data={"quiet_start": start, "quiet_end": end,
                                                              "words": "停电"})  # fmt: skip
    services.items_ingest(actor=user, source=desk["source"], rows=[
        services.NewItem(key="q1", title="科技馆停电", text="科技馆突然停电,游客滞留。")])  # fmt: skip
    note = Notification.objects.filter(user=user, text__contains="科技馆停电").get()
    assert note.email_due_at is not None and note.email_due_at > timezone.now() + dt.timedelta(minutes=50)
    assert note.emailed_at is None


# ---------------------------------------------------------------------------- imports and exports


def test_item_import_rows_errors_and_nothing_written(world, desk):
    admin = world.users["city_admin"]
    source = services.source_create(actor=admin, data={"name": "某舆情系统", "kind": SourceKind.IMPORT})
    header = ["来源", "来源内编号", "标题", "正文", "链接", "作者", "发布时间", "阅读量"]
    good = [
        "某舆情系统",
        "x1",
        "网传喝醋能软化血管",
        RUMOUR,
        "https://a.example.org/1",
        "某号",
        "2026-12-01 08:00",
        "30",
    ]
    bad = ["某舆情系统", "x2", "标题", "正文", "not-a-url", "", "2026/13/40", "-5"]
    before = Item.objects.unscoped(reason="test").count()
    result = _run(admin, "opinion_items", _csv([header, good, bad]))
    messages = [p.message for p in result.errors]
    assert not result.ok and Item.objects.unscoped(reason="test").count() == before
    assert any(m.startswith("第3行「链接」") for m in messages)
    assert any(m.startswith("第3行「发布时间」") for m in messages)
    unknown = _run(admin, "opinion_items", _csv([header, ["无此来源"] + good[1:]]))
    assert [p.message for p in unknown.errors][0].startswith("第2行「来源」“无此来源”")
    result = _run(admin, "opinion_items", _csv([header, good]))
    assert result.ok and result.created == 1
    item = Item.objects.unscoped(reason="test").get(source=source, key="x1")
    assert item.sentiment and item.cluster_id and item.rumour_cues
    again = _run(admin, "opinion_items", _csv([header, good]))
    assert again.ok and (again.created, again.unchanged) == (0, 1)
    exported = export_rows(actor=admin, kind="opinion_items", fmt="csv")
    assert "网传喝醋能软化血管" in exported.decode("utf-8-sig")
    assert AuditEntry.objects.filter(action="kexie.import.opinion_items").count() == 2  # one per import


def test_article_import_creates_updates_and_refuses(world, desk):
    admin = world.users["city_admin"]
    header = [
        "编号",
        "渠道",
        "发布日期",
        "标题",
        "链接",
        "阅读量",
        "点赞数",
        "转发数",
        "辟谣/科普材料",
        "摘要",
    ]
    rows = [header, ["", "微信公众号", "2026-11-20", "喝醋不能软化血管", "", "900", "10", "3", "是", "醋不能软化血管"],
            ["", "报纸", "2026-11-21", "", "", "", "", "", "", ""]]  # fmt: skip
    result = _run(admin, "opinion_articles", _csv(rows))
    messages = [p.message for p in result.errors]
    assert not result.ok and Article.objects.filter(title="喝醋不能软化血管").count() == 0
    assert any(m.startswith("第3行「渠道」“报纸”") for m in messages)
    assert any(m.startswith("第3行「标题」") for m in messages)
    result = _run(admin, "opinion_articles", _csv(rows[:2]))
    assert result.ok and result.created == 1
    article = Article.objects.get(title="喝醋不能软化血管")
    assert article.is_debunking and article.reads == 900
    update = [str(article.pk)] + rows[1][1:5] + ["1500"] + rows[1][6:]
    result = _run(admin, "opinion_articles", _csv([header, update]))
    assert result.ok and result.updated == 1
    article.refresh_from_db()
    assert article.reads == 1500


# ---------------------------------------------------------------------------- rumours


def test_rumour_items_link_to_matching_debunking_articles(client, world, desk):
    admin = world.users["city_admin"]
    today = dt.date.today()
    vinegar = services.article_create(actor=admin, data={
        "unit": world.orgs["city"], "channel": Channel.WECHAT, "published_on": today, "title": "喝醋不能软化血管",
        "is_debunking": True, "summary": "醋进入人体后被消化吸收,不能软化血管,没有科学依据。"})  # fmt: skip
    services.article_create(actor=admin, data={
        "unit": world.orgs["city"], "channel": Channel.WECHAT, "published_on": today, "title": "基站辐射不会致癌",
        "is_debunking": True, "summary": "基站的电磁辐射是非电离辐射,强度远低于国家标准。"})  # fmt: skip
    services.article_create(actor=admin, data={  # not debunking material: never linked
        "unit": world.orgs["city"], "channel": Channel.WECHAT, "published_on": today, "title": "喝醋软化血管?",
        "summary": "喝醋软化血管"})  # fmt: skip
    rows = [services.NewItem(key="v1", title="网传喝醋能软化血管", text=RUMOUR),
            services.NewItem(key="v2", title="转发", text="【转发】" + RUMOUR),
            services.NewItem(key="w1", title="暴雨预警", text="气象台发布暴雨蓝色预警,请注意出行安全。"),
            services.NewItem(key="w2", title="醋的做法", text="网传老陈醋的酿造工艺,朋友圈分享。")]  # fmt: skip
    items = {i.key: i for i in services.items_ingest(actor=admin, source=desk["source"], rows=rows)}
    links = DebunkLink.objects.unscoped(reason="test")
    assert {(link.item.key, link.article.title) for link in links} == {
        ("v1", "喝醋不能软化血管"), ("v2", "喝醋不能软化血管")}  # fmt: skip
    assert "软化" in links.first().terms and not items["w1"].rumour_cues
    client.force_login(admin)
    assert "喝醋不能软化血管" in client.get(f"/opinion/items/{items['v1'].pk}/").content.decode()
    cluster_id = Item.objects.unscoped(reason="test").get(pk=items["v1"].pk).cluster_id
    page = client.get(f"/opinion/clusters/{cluster_id}/").content.decode()
    assert "cluster-debunks" in page and "喝醋不能软化血管" in page
    api = client.get(f"/api/v1/opinion/items/{items['v2'].pk}/debunks").json()
    assert [d["article_id"] for d in api] == [vinegar.pk]


def test_a_new_debunking_article_links_earlier_rumours(world, desk):
    admin = world.users["city_admin"]
    (item,) = services.items_ingest(actor=admin, source=desk["source"], rows=[
        services.NewItem(key="b1", title="小区基站", text="紧急通知:小区新建基站辐射大会致癌,速转发")])  # fmt: skip
    assert not DebunkLink.objects.unscoped(reason="test").exists()
    services.article_create(actor=admin, data={
        "unit": world.orgs["city"], "channel": Channel.WEBSITE, "published_on": dt.date.today(),
        "title": "基站辐射不会致癌", "is_debunking": True, "summary": "基站辐射是非电离辐射。"})  # fmt: skip
    assert DebunkLink.objects.unscoped(reason="test").get().item == item


# ---------------------------------------------------------------------------- dedup


def test_bulk_clusters_equal_the_exact_baseline_on_edited_copies():
    rng = random.Random(5)
    words = [chr(c) for c in range(0x4E00, 0x4E00 + 2000)]
    bases = ["".join(rng.choice(words) for _ in range(rng.randrange(40, 160))) for _ in range(120)]
    items = []
    for n in range(400):
        text = rng.choice(bases)
        chars = list(text)
        for _ in range(rng.randrange(0, len(chars) // 6)):
            chars[rng.randrange(len(chars))] = rng.choice(words)
        items.append((n, "".join(chars)))

    def pairs(groups):
        return {(a, b) for g in groups for a in g for b in g if a < b}

    found, exact = pairs(clusters(items)), pairs(exact_clusters(items))
    assert found <= exact  # every candidate pair is verified: no false pair
    assert len(found) >= 0.97 * len(exact)  # LSH misses few of the true pairs
    estimated = clusters(items, verify="estimate")
    assert estimated and estimated != [] and all(len(g) > 1 for g in estimated)


# ---------------------------------------------------------------------------- alert handling and briefs (API)


def test_alert_is_handled_through_its_ticket_from_the_api(client, world, desk):
    from kexie.tickets.models import Ticket

    client.force_login(world.users["city_admin"])
    url = f"/api/v1/opinion/alerts/{desk['alert'].pk}/handling"
    assert client.post(url, {"action": "close"}, content_type="application/json").status_code == 422
    statuses = []
    for action in ("take", "respond", "resolve"):
        answer = client.post(url, {"action": action, "note": "已处置"}, content_type="application/json")
        assert answer.status_code == 200, answer.content
        statuses.append(answer.json()["status"])
    ticket = Ticket.objects.unscoped(reason="test").get(pk=desk["alert"].ticket_id)
    assert ticket.assignee == world.users["city_admin"] and statuses[-1] == ticket.status
    assert len(set(statuses)) == 3  # each step moved the ticket on
    actions = set(AuditEntry.objects.filter(object_id=str(ticket.pk)).values_list("action", flat=True))
    assert len(actions) >= 3  # the tickets' own audit trail


def test_brief_from_the_api_is_a_word_document(client, world, desk):
    import zipfile

    client.force_login(world.users["city_admin"])
    answer = client.get("/api/v1/opinion/briefs/daily")
    assert answer.status_code == 200 and "wordprocessingml" in answer["Content-Type"]
    body = zipfile.ZipFile(io.BytesIO(answer.content)).read("word/document.xml").decode()
    assert "舆情日报" in body
    assert client.get("/api/v1/opinion/briefs/monthly").status_code == 422
    assert client.get("/api/v1/opinion/briefs/weekly?day=1000-01-01").status_code == 422
