"""Changing sources, schemes and articles through the API (services, audited, scoped), one
cluster with its copies, and `kexie opinion brief` writing the Word brief."""

import io

import pytest
from django.utils import timezone

from kexie.core.models import AuditEntry

JSON = "application/json"


def test_source_update_through_the_service_with_audit(client, world, desk):
    client.force_login(world.users["city_admin"])
    url = f"/api/v1/opinion/sources/{desk['source'].pk}"
    body = {"name": "济宁新闻网", "kind": "feed", "url": "http://127.0.0.1:9/atom", "is_watched": True}
    changed = client.put(url, body, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["is_watched"]) == ("济宁新闻网", True)
    entry = AuditEntry.objects.get(action="kexie.opinion_source.changed", object_id=str(desk["source"].pk))
    assert entry.before["name"] == "济宁新闻" and entry.after["name"] == "济宁新闻网"
    no_url = client.put(url, {**body, "url": ""}, content_type=JSON)
    assert no_url.status_code == 422 and "地址" in no_url.json()["detail"][0]["message"]


def test_scheme_update_checks_the_expression(client, world, desk):
    client.force_login(world.users["city_admin"])
    url = f"/api/v1/opinion/schemes/{desk['scheme'].pk}"
    changed = client.put(url, {"name": "科技馆投诉", "subject_words": "科技馆", "event_words": "投诉"},
                         content_type=JSON)  # fmt: skip
    assert changed.status_code == 200 and changed.json()["event_words"] == "投诉"
    bad = client.put(url, {"name": "x", "expression": "(济宁 AND"}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "expression"
    assert AuditEntry.objects.filter(action="kexie.opinion_scheme.changed").count() == 1


def test_article_update_and_out_of_scope(client, world, desk):
    client.force_login(world.users["city_admin"])
    url = f"/api/v1/opinion/articles/{desk['article'].pk}"
    body = {"channel": "wechat", "published_on": str(desk["article"].published_on), "title": "科普日活动回顾",
            "reads": 2600, "likes": 41, "shares": 20}  # fmt: skip
    changed = client.put(url, body, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["reads"] == 2600
    entry = AuditEntry.objects.get(action="kexie.article.changed", object_id=str(desk["article"].pk))
    assert entry.before["reads"] == 1500 and entry.after["reads"] == 2600
    client.force_login(world.users["outsider"])
    assert client.put(url, body, content_type=JSON).status_code == 404


def test_one_cluster_with_its_copies(client, world, desk):
    client.force_login(world.users["city_admin"])
    cluster = client.get(f"/api/v1/opinion/clusters/{desk['cluster'].pk}").json()
    assert cluster["copies"] == 2 and [i["title"] for i in cluster["items"]][0] == "科技馆设备故障游客投诉"
    assert cluster["first_source"] == "济宁新闻" and sum(d["copies"] for d in cluster["spread"]) == 2
    assert "log" in cluster["heat_formula"] or "ln" in cluster["heat_formula"]
    client.force_login(world.users["outsider"])
    assert client.get(f"/api/v1/opinion/clusters/{desk['cluster'].pk}").status_code == 404


def test_brief_command_writes_the_word_brief(tmp_path, capsys, world, desk):
    from django.core.management import call_command
    from docx import Document

    # call_command, not main(): a command run from argv closes the database connections, which
    # on PostgreSQL ends the test's transaction
    target = tmp_path / "日报.docx"
    day = timezone.localdate().isoformat()
    call_command("opinion", "brief", "daily", "--day", day, "--as", "city_admin", "--output", str(target))
    assert str(target) in capsys.readouterr().out
    text = "\n".join(p.text for p in Document(io.BytesIO(target.read_bytes())).paragraphs)
    assert "舆情日报" in text and "一、总体情况" in text
    weekly = tmp_path / "周报.docx"
    call_command("opinion", "brief", "weekly", "--output", str(weekly))  # the system: every unit
    assert weekly.stat().st_size > 0


@pytest.mark.django_db
def test_brief_command_refuses_a_bad_day_in_chinese(tmp_path, opinion_cli):
    code, _, err = opinion_cli("brief", "daily", "--day", "2020-13-45", "--output", str(tmp_path / "x.docx"))
    assert code == 1 and "日期“2020-13-45”无效" in err
    code, _, err = opinion_cli("brief", "monthly")
    assert code == 2 and "无效" in err
