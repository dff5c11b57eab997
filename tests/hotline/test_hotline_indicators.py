"""The hotline's figures from consultations entered through the services."""

import datetime as dt
from zoneinfo import ZoneInfo

from kexie.activities.services import activity_approve, activity_submit
from kexie.core.indicators import Period, Scope, get
from kexie.hotline import services

SH = ZoneInfo("Asia/Shanghai")
Y2020 = Period.year(2020)


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


def receive(actor, when, **data):
    base = {"channel": "phone", "topic": "crop", "question": "玉米叶斑病怎么防治", "received_at": when}
    return services.consultation_receive(actor=actor, data={**base, **data})


def result(code, user):
    return get(code).compute(Y2020, Scope(user))


def test_hotline_figures(hotline, personas):
    from kexie.directory.models import Region

    admin = personas["city_admin"]
    rencheng = Region.objects.get(code="370811")
    a = receive(admin, at(2020, 10, 9, 16), region=rencheng)  # answered within the level
    services.consultation_answer(
        actor=admin, consultation=a, answer="喷药", expert=hotline["wheat"], at=at(2020, 10, 9, 17)
    )
    services.consultation_rate(actor=admin, consultation=a, satisfaction=5)
    b = receive(
        admin, at(2020, 11, 2, 9), channel="wechat", topic="livestock"
    )  # answered late: 3 working days
    services.consultation_answer(
        actor=admin, consultation=b, answer="补液", expert=hotline["pigs"], at=at(2020, 11, 5, 9)
    )
    services.consultation_rate(actor=admin, consultation=b, satisfaction=3)
    receive(admin, at(2020, 12, 1, 9), channel="web")  # web: not in the farm-line figure
    receive(admin, at(2020, 12, 1, 10), topic="psychology")  # counted, content restricted
    receive(admin, at(2019, 12, 1, 10))  # last year
    services.consultation_escalate(actor=admin, consultation=a, data={"start_date": dt.date(2020, 10, 12)})
    assert result("hotline.field_visits", admin).value == 0  # a draft activity does not count yet
    activity_submit(actor=admin, activity=a.field_visit)
    activity_approve(actor=admin, activity=a.field_visit)

    consultations = result("hotline.consultations", admin)
    assert (consultations.value, consultations.previous) == (4, 1)
    assert consultations.breakdown["channel"] == {"phone": 2, "wechat": 1, "web": 1, "walk_in": 0}
    assert result("hotline.consultations_by_topic", admin).breakdown["topic"]["psychology"] == 1
    assert result("hotline.farm_consultations", admin).value == 2
    sla = result("hotline.within_service_level", admin)
    assert sla.value == 50.0 and sla.breakdown["sla"] == {"within": 1, "breached": 1}
    satisfaction = result("hotline.satisfaction", admin)
    assert satisfaction.value == 4.0
    assert satisfaction.breakdown["expert"] == {str(hotline["wheat"].pk): 5.0, str(hotline["pigs"].pk): 3.0}
    assert result("hotline.field_visits", admin).value == 1
    assert result("hotline.breached", admin).value == 1
    # a county sees its region's consultation only through the scope of the owning unit: none
    assert result("hotline.consultations", personas["outsider"]).value == 0
