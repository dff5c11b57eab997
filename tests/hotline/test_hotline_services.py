"""The hotline's services: receive → route → answer → rate; psychology visibility; field visits
counted once; the anonymised knowledge base and similar answers; call-backs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kexie.activities.models import Activity
from kexie.hotline import matching, selectors, services
from kexie.hotline.anonymise import anonymise
from kexie.hotline.models import Consultation
from kexie.tickets.models import Status

SH = ZoneInfo("Asia/Shanghai")


def receive(actor, **data):
    base = {"channel": "phone", "topic": "crop", "question": "小麦叶片发黄怎么办", "caller_name": "张大山",
            "caller_phone": "13812345678"}  # fmt: skip
    return services.consultation_receive(actor=actor, data={**base, **data})


def test_receive_opens_a_ticket_in_the_topics_pool(hotline, personas):
    c = receive(personas["county_staff"], received_at=dt.datetime(2020, 10, 9, 16, tzinfo=SH))
    assert c.ticket.queue == hotline["farm"] and c.ticket.status == Status.NEW
    assert c.caller_phone_masked == "138****5678" and c.caller_phone_hash
    assert c.ticket.first_response_due == dt.datetime(2020, 10, 10, 11, tzinfo=SH)  # the working Saturday


def test_bad_input_names_the_field_and_changes_nothing(hotline, personas):
    with pytest.raises(ValidationError) as err:
        receive(personas["county_staff"], question="  ", caller_phone="12345", channel="fax")
    assert set(err.value.message_dict) == {"question", "caller_phone", "channel"}
    assert not Consultation.objects.unscoped(reason="test").exists()


def test_answer_by_an_expert_resolves_and_the_caller_rates(hotline, personas):
    c = receive(personas["county_staff"])
    expert_user = hotline["expert_user"]
    services.consultation_answer(
        actor=expert_user, consultation=c, answer="缺氮,追施尿素", expert=hotline["wheat"]
    )
    c.ticket.refresh_from_db()
    assert c.ticket.status == Status.RESOLVED and c.ticket.first_response_at is not None
    token = services.consultation_rating_link(actor=expert_user, consultation=c)
    found = services.consultation_for_rating(token)
    assert found == c
    services.consultation_rate(actor=None, consultation=found, satisfaction=5)
    c.ticket.refresh_from_db()
    assert c.ticket.satisfaction == 5
    assert services.consultation_for_rating("nope") is None


def test_expert_outside_the_pool_is_refused(hotline, personas):
    c = receive(personas["county_staff"], topic="livestock")
    with pytest.raises(ValidationError, match="不在本专家组"):
        services.consultation_answer(
            actor=personas["county_staff"], consultation=c, answer="x", expert=hotline["wheat"]
        )


def test_psychology_consultation_only_for_its_pool_and_supervisors(hotline, personas):
    c = receive(personas["city_admin"], topic="psychology", question="隔离在家焦虑失眠")
    seen = {n: selectors.visible_consultations(u).filter(pk=c.pk).exists() for n, u in personas.items()}
    assert seen == {"city_admin": False, "county_staff": False, "society_secretary": True, "outsider": False}
    assert selectors.visible_consultations(hotline["supervisor"]).filter(pk=c.pk).exists()
    with pytest.raises(PermissionDenied):
        services.consultation_answer(actor=personas["city_admin"], consultation=c, answer="x")
    services.consultation_answer(actor=personas["society_secretary"], consultation=c, answer="深呼吸练习")
    with pytest.raises(ValidationError, match="不收入知识库"):
        services.consultation_publish(actor=personas["society_secretary"], consultation=c)


def test_routing_a_call_to_psychology_hides_it_from_the_operator(hotline, personas):
    staff = personas["county_staff"]
    c = receive(staff, question="家里老人情绪低落")
    services.consultation_route(actor=staff, consultation=c, topic="psychology")
    fresh = type(staff).objects.unscoped(reason="test").get(pk=staff.pk)
    assert not selectors.visible_consultations(fresh).filter(pk=c.pk).exists()


def test_field_visit_becomes_one_ledger_activity(hotline, personas):
    admin = personas["city_admin"]
    c = receive(admin, region=None)
    c.region = None
    from kexie.directory.models import Region

    c.region = Region.objects.get(code="370811")
    Consultation.objects.of(c).update(region=c.region)
    services.consultation_escalate(
        actor=admin, consultation=c, data={"start_date": dt.date(2020, 6, 3), "venue": "某村麦田"}
    )
    activity = Activity.objects.unscoped(reason="test").get()
    assert activity.kind.code == "consultation" and activity.reporting_unit == hotline["farm"].unit
    assert c.field_visit == activity
    with pytest.raises(ValidationError, match="已转现场服务"):
        services.consultation_escalate(actor=admin, consultation=c, data={})
    assert Activity.objects.unscoped(reason="test").count() == 1


def test_knowledge_base_is_anonymised_and_suggests_similar(hotline, personas):
    staff = personas["county_staff"]
    c = receive(staff, question="我叫张大山,电话13812345678,我家小麦叶片发黄")
    services.consultation_answer(actor=staff, consultation=c, answer="张大山你好,可能缺氮,追施尿素")
    services.consultation_publish(actor=staff, consultation=c)
    assert "张大山" not in c.kb_question + c.kb_answer and "13812345678" not in c.kb_question
    other = receive(staff, topic="livestock", question="生猪腹泻不吃食")
    services.consultation_answer(actor=staff, consultation=other, answer="补液,隔离")
    services.consultation_publish(actor=staff, consultation=other)
    similar = matching.similar_answers("小麦叶子黄了")
    assert similar and similar[0].obj.pk == c.pk
    assert [
        s.obj.name for s in matching.suggest_experts("生猪养殖疫病", [hotline["wheat"], hotline["pigs"]])
    ][0] == "李养殖"


def test_anonymise_removes_identifiers():
    text = "我是李四,身份证370811199001011234,住王庄村12号,微信号abc_12345,电话0537-2345678"
    clean = anonymise(text, names=("李四",))
    for secret in ("李四", "370811199001011234", "0537-2345678", "abc_12345", "王庄村12号"):
        assert secret not in clean


def test_callbacks(hotline, personas):
    staff = personas["county_staff"]
    c = receive(staff)
    cb = services.callback_create(
        actor=staff, consultation=c, note="回电确认用药", assignee=hotline["expert_user"]
    )
    assert selectors.open_callbacks(hotline["expert_user"]).filter(pk=cb.pk).exists()
    with pytest.raises(ValidationError):
        services.callback_done(actor=staff, callback=cb, outcome=" ")
    services.callback_done(actor=staff, callback=cb, outcome="已好转")
    assert not selectors.open_callbacks(staff).exists()


def test_public_form_only_for_the_web_channel(hotline):
    with pytest.raises(PermissionDenied):
        services.consultation_receive(actor=None, data={"channel": "phone", "topic": "crop", "question": "x"})
    c = services.consultation_receive(
        actor=None, data={"channel": "web", "topic": "crop", "question": "桃树流胶"}
    )
    assert c.created_by is None and c.ticket.queue == hotline["farm"]
