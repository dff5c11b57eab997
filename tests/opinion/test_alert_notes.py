"""An alert's handling in words (处置情况): required to close, kept with the ticket, seen by those
who see the ticket, never in the audit log's words; a refusal changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from kexie.core.models import AuditEntry
from kexie.opinion import services
from kexie.tickets.models import Status, Ticket, TicketNote

pytestmark = pytest.mark.django_db


def _ticket(alert):
    return Ticket.objects.unscoped(reason="test").get(pk=alert.ticket_id)


def test_closing_without_the_handling_in_words_is_refused_and_changes_nothing(world, desk):
    alert, admin = desk["alert"], world.users["city_admin"]
    before = AuditEntry.objects.count()
    for blank in ("", "   \n "):
        with pytest.raises(ValidationError) as refused:
            services.alert_handle(actor=admin, alert=alert, action="resolve", note=blank)
        assert "处置情况" in str(refused.value.message_dict["note"])
    assert AuditEntry.objects.count() == before and _ticket(alert).status != Status.RESOLVED
    with pytest.raises(ValidationError) as refused:  # too long: rolled back with the close it came with
        services.alert_handle(actor=admin, alert=alert, action="resolve", note="说" * 1001)
    assert "1000" in str(refused.value.message_dict["note"])
    assert (
        _ticket(alert).status != Status.RESOLVED and not TicketNote.objects.unscoped(reason="test").exists()
    )
    assert AuditEntry.objects.count() == before


def test_notes_are_kept_in_order_and_the_audit_entry_names_them_without_their_words(world, desk):
    alert, admin = desk["alert"], world.users["city_admin"]
    services.alert_handle(actor=admin, alert=alert, action="take", note="已接手,正在核实来源")
    services.alert_handle(actor=admin, alert=alert, action="note", note="已联系发帖人")
    services.alert_handle(actor=admin, alert=alert, action="resolve", note="已发布辟谣科普文章,帖子已删除")
    ticket = _ticket(alert)
    notes = list(ticket.notes.unscoped(reason="test").order_by("written_at", "id"))
    assert [(n.step, n.text) for n in notes] == [
        ("接手", "已接手,正在核实来源"),
        ("进展", "已联系发帖人"),
        ("办结", "已发布辟谣科普文章,帖子已删除"),
    ]
    assert ticket.status == Status.RESOLVED
    noted = AuditEntry.objects.filter(object_id=str(ticket.pk), action="kexie.ticket.noted")
    assert noted.count() == 3
    for entry in noted:
        assert "已联系" not in str(entry.after) and "辟谣" not in str(entry.after)
        assert entry.after["note"] in {n.pk for n in notes}
    # a resolved alert can still take a follow-up note, never a second close
    services.alert_handle(actor=admin, alert=alert, action="note", note="一周后回访,无新传播")
    assert ticket.notes.unscoped(reason="test").count() == 4


def test_someone_outside_the_queue_cannot_write_a_note(world, desk):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.alert_handle(actor=world.users["outsider"], alert=desk["alert"], action="note", note="x")
    assert not TicketNote.objects.unscoped(reason="test").exists()


def test_the_page_and_the_api_take_and_show_the_notes(client, world, desk):
    alert = desk["alert"]
    client.force_login(world.users["city_admin"])
    page = f"/opinion/alerts/{alert.pk}/"
    answer = client.post(f"{page}act/", {"action": "resolve", "note": ""}, follow=True)
    assert "须填写处置情况" in answer.content.decode() and _ticket(alert).status != Status.RESOLVED
    client.post(f"{page}act/", {"action": "resolve", "note": "已核实为谣言并发布科普解读"})
    assert _ticket(alert).status == Status.RESOLVED
    assert "已核实为谣言并发布科普解读" in client.get(page).content.decode()

    api = f"/api/v1/opinion/alerts/{alert.pk}"
    answer = client.post(f"{api}/handling", {"action": "note"}, content_type="application/json")
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["field"] == "note" and "须填写处置情况" in problem["message"]
    long = {"action": "note", "note": "说" * 1001}
    assert client.post(f"{api}/handling", long, content_type="application/json").status_code == 422
    answer = client.post(
        f"{api}/handling", {"action": "note", "note": "回访完毕"}, content_type="application/json"
    )
    assert answer.status_code == 200
    notes = client.get(api).json()["notes"]
    assert [n["text"] for n in notes] == ["已核实为谣言并发布科普解读", "回访完毕"]
    assert notes[0]["step"] == "办结" and notes[0]["author"] == "city_admin"
    client.force_login(world.users["outsider"])
    assert client.get(api).status_code == 404
    assert (
        client.post(
            f"{api}/handling", {"action": "note", "note": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
