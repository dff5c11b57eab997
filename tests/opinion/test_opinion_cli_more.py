"""`kexie opinion sources | schemes | clusters | alerts | articles` list within the user's scope, and
`kexie opinion alert take|respond|resolve` handles an alert's ticket through the web's and the API's
service, audited; unknown and out-of-scope ids get the same refusal and nothing changes."""

import json

import pytest

from kexie.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _rows(opinion_cli, *args):
    code, out, err = opinion_cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_listings_show_only_what_the_user_may_see(world, desk, opinion_cli):
    from kexie.opinion import services
    from kexie.opinion.models import SourceKind

    services.source_create(
        actor=world.users["city_admin"],
        data={"name": "任城论坛", "kind": SourceKind.PAGE, "url": "http://127.0.0.1:9/bbs", "unit": world.orgs["rencheng"]},
    )  # fmt: skip
    city = [r["name"] for r in _rows(opinion_cli, "sources", "--as", "city_admin")]
    assert city == ["任城论坛", "济宁新闻"]
    county = _rows(opinion_cli, "sources", "--as", "rencheng_staff")
    assert [r["name"] for r in county] == ["任城论坛"]  # the city's source is not listed
    assert county[0]["kind"] == "page" and county[0]["state"] == "正常" and county[0]["last_polled"] == ""
    code, out, err = opinion_cli("sources", "--as", "rencheng_staff")
    assert code == 0 and out.split("\t")[1] == "任城论坛" and "rencheng_staff" in err

    assert [r["name"] for r in _rows(opinion_cli, "schemes", "--as", "city_admin")] == ["科技馆"]
    (cluster,) = _rows(opinion_cli, "clusters", "--days", "7", "--as", "city_admin")
    assert cluster["id"] == desk["cluster"].pk and cluster["size"] == 2
    assert cluster["title"] == "科技馆设备故障游客投诉" and cluster["first_source"] == "济宁新闻"
    (alert,) = _rows(opinion_cli, "alerts", "--open", "--as", "city_admin")
    assert alert["id"] == desk["alert"].pk and alert["status"] == "new"
    (article,) = _rows(
        opinion_cli, "articles", "--year", str(desk["article"].published_on.year), "--as", "city_admin"
    )
    assert article["title"] == "科普日活动回顾" and article["reads"] == 1500
    assert _rows(opinion_cli, "articles", "--year", "2001", "--as", "city_admin") == []
    for what in ("schemes", "clusters", "alerts", "articles"):  # another county sees none of the city's
        assert _rows(opinion_cli, what, "--as", "yanzhou_admin") == [], what


def test_alert_take_then_resolve_closes_the_ticket_with_audit_entries(world, desk, opinion_cli):
    from kexie.tickets.models import Status, Ticket

    alert = desk["alert"]
    code, out, _ = opinion_cli("alert", "take", str(alert.pk), "--as", "city_admin")
    assert code == 0 and f"预警 {alert.pk}" in out and "city_admin" in out
    # closing needs the handling in words: refused without it, nothing changes
    before = AuditEntry.objects.count()
    code, _, err = opinion_cli("alert", "resolve", str(alert.pk), "--as", "city_admin")
    assert code == 1 and "处置情况" in err
    assert AuditEntry.objects.count() == before
    assert Ticket.objects.unscoped(reason="test").get(pk=alert.ticket_id).status != Status.RESOLVED
    code, out, _ = opinion_cli(
        "alert", "resolve", str(alert.pk), "--note", "已联系发帖人并发布科普解读", "--as", "city_admin"
    )
    assert code == 0 and "已解决" in out
    ticket = Ticket.objects.unscoped(reason="test").get(pk=alert.ticket_id)
    assert ticket.status == Status.RESOLVED and ticket.assignee == world.users["city_admin"]
    actions = list(
        AuditEntry.objects.filter(object_id=str(ticket.pk), action__startswith="kexie.ticket.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["kexie.ticket.assigned", "kexie.ticket.resolved", "kexie.ticket.noted"]
    (note,) = ticket.notes.unscoped(reason="test")
    assert note.text == "已联系发帖人并发布科普解读" and note.step == "办结"
    assert note.author == world.users["city_admin"]
    assert _rows(opinion_cli, "alerts", "--open", "--as", "city_admin") == []
    # a step the ticket's state no longer allows: refused in Chinese, nothing changes
    before = AuditEntry.objects.count()
    code, _, err = opinion_cli("alert", "respond", str(alert.pk), "--as", "city_admin")
    assert code == 1 and "未处置" in err and "已解决" in err
    assert AuditEntry.objects.count() == before


def test_unknown_and_out_of_scope_alerts_get_the_same_refusal(world, desk, opinion_cli):
    from kexie.tickets.models import Status, Ticket

    alert = desk["alert"]
    before = AuditEntry.objects.count()
    code, _, outside = opinion_cli("alert", "take", str(alert.pk), "--as", "yanzhou_admin")
    assert code == 1
    code, _, unknown = opinion_cli("alert", "take", "987654", "--as", "city_admin")
    assert code == 1
    message = "的预警(不存在或不在您的管辖范围内)"
    assert f"未找到编号为 {alert.pk} {message}" in outside and f"未找到编号为 987654 {message}" in unknown
    code, _, err = opinion_cli("alert", "take", str(alert.pk))  # no --as: no one to act as
    assert code == 1 and "--as" in err
    code, _, err = opinion_cli("alert", "close", str(alert.pk), "--as", "city_admin")
    assert code == 2
    code, _, err = opinion_cli("sources", "--as", "nobody")
    assert code == 1 and "用户“nobody”不存在" in err
    ticket = Ticket.objects.unscoped(reason="test").get(pk=alert.ticket_id)
    assert ticket.status == Status.NEW and ticket.assignee_id is None
    assert AuditEntry.objects.count() == before
