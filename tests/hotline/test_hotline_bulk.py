"""Past consultations in bulk store what the services one by one would (clocks that pause over a
wait, breaches, ratings, the psychology line's grants); bad rows are named and nothing is
written; the consultations' copy of their ticket's outcome follows every ticket write."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from kexie.hotline import selectors, services
from kexie.hotline.models import Consultation
from kexie.tickets import services as tickets
from kexie.tickets.models import Ticket, TicketPause

SH = ZoneInfo("Asia/Shanghai")
CLOCKS = ("status", "first_response_at", "resolved_at", "first_response_seconds", "resolution_seconds",
          "first_response_breached", "resolution_breached", "satisfaction", "scope_unit_id", "queue_id")  # fmt: skip
OUTCOME = ("resolved", "within_sla", "breached", "satisfaction")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def entry(**extra):
    return {"channel": "phone", "topic": "crop", "question": "小麦叶片发黄怎么办", "caller_name": "张大山",
            "answer": "缺氮,追施尿素", **extra}  # fmt: skip


def test_bulk_stores_what_the_services_one_by_one_store(hotline, personas):
    admin = personas["city_admin"]
    # Friday 2020-10-09 16:00; waits for a photo from Friday 17:00 to Monday 10:00 (the working
    # Saturday 10-10 of the National Day 调休 falls inside the wait and does not count)
    received, first, resumed, answered = at(2020, 10, 9, 16), at(2020, 10, 9, 17), at(2020, 10, 12, 10), at(2020, 10, 12, 11)  # fmt: skip
    one = services.consultation_receive(actor=admin, data={**entry(), "received_at": received})
    tickets.ticket_respond(actor=admin, ticket=one.ticket, at=first)
    tickets.ticket_wait(actor=admin, ticket=one.ticket, reason="等照片", at=first)
    tickets.ticket_resume(actor=admin, ticket=one.ticket, at=resumed)
    services.consultation_answer(
        actor=admin, consultation=one, answer="缺氮", expert=hotline["wheat"], at=answered
    )
    services.consultation_rate(actor=admin, consultation=one, satisfaction=4)
    late_one = services.consultation_receive(actor=admin, data={**entry(), "received_at": received})
    services.consultation_answer(actor=admin, consultation=late_one, answer="x", at=at(2020, 10, 15, 16))

    bulk = services.consultations_record_bulk(actor=admin, entries=[
        entry(received_at=received, first_response_at=first, waits=[(first, resumed)], answered_at=answered,
              expert=hotline["wheat"], satisfaction=4),
        entry(received_at=received, answered_at=at(2020, 10, 15, 16)),
    ])  # fmt: skip
    rows = Ticket.objects.unscoped(reason="test")
    for single, many in ((one, bulk[0]), (late_one, bulk[1])):
        a, b = rows.get(pk=single.ticket_id), rows.get(pk=many.ticket_id)
        assert {f: getattr(a, f) for f in CLOCKS} == {f: getattr(b, f) for f in CLOCKS}
        a, b = (
            Consultation.objects.unscoped(reason="test").values(*OUTCOME).get(pk=c.pk) for c in (single, many)
        )
        assert a == b
    assert rows.get(pk=bulk[0].ticket_id).resolution_seconds == 2 * 3600  # 16–17 Friday, 10–11 Monday
    assert Consultation.objects.unscoped(reason="test").values(*OUTCOME).get(pk=bulk[1].pk) == {
        "resolved": True, "within_sla": False, "breached": True, "satisfaction": None,
    }  # fmt: skip
    assert TicketPause.objects.unscoped(reason="test").filter(ticket_id=bulk[0].ticket_id).count() == 1


def test_bulk_psychology_calls_are_granted_to_their_pool_only(hotline, personas):
    secretary = personas["society_secretary"]
    [c] = services.consultations_record_bulk(actor=secretary, entries=[entry(
        topic="psychology", question="隔离在家焦虑失眠", answer="深呼吸练习", received_at=at(2020, 2, 3, 23),
        answered_at=at(2020, 2, 3, 23, 5),
    )])  # fmt: skip
    seen = {n: selectors.visible_consultations(u).filter(pk=c.pk).exists() for n, u in personas.items()}
    assert seen == {"city_admin": False, "county_staff": False, "society_secretary": True, "outsider": False}
    assert selectors.visible_consultations(hotline["supervisor"]).filter(pk=c.pk).exists()


def test_bulk_names_every_bad_row_and_writes_nothing(hotline, personas):
    good = entry(received_at=at(2020, 5, 6, 9), answered_at=at(2020, 5, 6, 10))
    with pytest.raises(ValidationError) as err:
        services.consultations_record_bulk(actor=personas["city_admin"], entries=[
            good,
            entry(received_at=at(2020, 5, 6, 9), answered_at=at(2020, 5, 6, 10), answer=" ", channel="fax"),
            entry(received_at=at(2020, 5, 6, 9), answered_at=at(2020, 5, 6, 10), topic="livestock",
                  expert=hotline["wheat"]),
            entry(received_at=at(2020, 5, 6, 9), answered_at=at(2020, 5, 5, 10)),
        ])  # fmt: skip
    messages = err.value.message_dict
    assert set(messages) == {"第2条", "第3条", "第4条"}
    assert any("渠道" in m for m in messages["第2条"]) and any("解答" in m for m in messages["第2条"])
    assert any("不在本专家组" in m for m in messages["第3条"])
    assert not Consultation.objects.unscoped(reason="test").exists()
    assert not Ticket.objects.unscoped(reason="test").exists()


def test_outcome_copy_follows_the_breach_sweep_and_the_rating(hotline, personas):
    admin = personas["city_admin"]
    c = services.consultation_receive(actor=admin, data={**entry(), "received_at": at(2020, 10, 9, 16)})
    outcome = Consultation.objects.unscoped(reason="test").values(*OUTCOME)
    assert outcome.get(pk=c.pk) == {
        "resolved": False,
        "within_sla": False,
        "breached": False,
        "satisfaction": None,
    }
    tickets.ticket_flag_breaches(now=at(2020, 10, 20, 9))
    assert outcome.get(pk=c.pk)["breached"] is True
    services.consultation_answer(actor=admin, consultation=c, answer="缺氮", at=at(2020, 10, 20, 10))
    services.consultation_rate(actor=admin, consultation=c, satisfaction=2)
    assert outcome.get(pk=c.pk) == {
        "resolved": True,
        "within_sla": False,
        "breached": True,
        "satisfaction": 2,
    }
