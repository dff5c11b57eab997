"""Writes of the hotline: receive a consultation (it opens a ticket in its topic's pool),
route, answer, call-back tasks, escalate to a field visit (an Activity of the ledger, counted
there once), publish to the anonymised knowledge base, attachments, the caller's rating link.
Keyword-only, atomic, audited. The ticket's clocks and states belong to kexie.tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT
from kexie.core import audit, grants
from kexie.core.services import require_perm
from kexie.core.validators import phone_problem
from kexie.core.workdays import OFFICE_HOURS, deadline
from kexie.hotline.anonymise import anonymise
from kexie.hotline.codes import Channel, Topic
from kexie.hotline.models import Callback, Consultation, ConsultationAttachment, Pool
from kexie.tickets import services as tickets
from kexie.tickets.models import Status
from kexie.tickets.services import may_work

MAX_QUESTION = 2000
MAX_ANSWER = 5000
RATE = "rate"
RATING_LINK_DAYS = 30
CALLBACK_WITHIN = dt.timedelta(hours=4)  # working hours, unless a due time is given


def _log(actor, action: str, consultation: Consultation, **kwargs) -> None:
    audit.log(actor=actor, action=action, obj=consultation, unit=consultation.ticket.unit, **kwargs)


def _require_worker(actor, consultation: Consultation) -> None:
    if not may_work(actor, consultation.ticket):
        raise PermissionDenied(_("您不是该专家组的成员,不能处理此咨询"))


def pool_for(topic: str) -> Pool:
    """The routing rule: a consultation goes to its topic's pool, else to the "其他" pool."""
    pools = Pool.objects.unscoped(reason="routing reads the city's pools").select_related("queue")
    pool = pools.filter(topic=topic).first() or pools.filter(topic=Topic.OTHER).first()
    if pool is None:
        raise ValidationError({"topic": _("咨询类别:没有处理“%(t)s”的专家组") % {"t": Topic(topic).label}})
    return pool


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    errors = {}
    question = (data.get("question") or "").strip()
    if not question:
        errors["question"] = _("问题:请填写")
    elif len(question) > MAX_QUESTION:
        errors["question"] = _("问题:不能超过%(n)d个字") % {"n": MAX_QUESTION}
    if data.get("channel") not in Channel.values:
        errors["channel"] = _("渠道:请选择电话、微信、网页表单或来访")
    if data.get("topic") not in Topic.values:
        errors["topic"] = _("咨询类别:请从列表中选择")
    phone = (data.get("caller_phone") or "").strip()
    if phone and phone_problem(phone):
        errors["caller_phone"] = _("联系电话:") + phone_problem(phone)
    name = (data.get("caller_name") or "").strip()
    if len(name) > 50:
        errors["caller_name"] = _("来电人:不能超过50个字")
    if errors:
        raise ValidationError(errors)
    return {**data, "question": question, "caller_phone": phone, "caller_name": name}


@transaction.atomic
def consultation_receive(*, actor, data: dict[str, Any]) -> Consultation:
    """Record a consultation: a ticket opens in the topic's pool, its clocks start at
    `received_at` (default now). `actor` None: the public web form (channel "web" only)."""
    if actor is None:
        if data.get("channel") != Channel.WEB:
            raise PermissionDenied(_("请登录后登记"))
    else:
        require_perm(actor, EDIT)
    data = _clean(data)
    pool = pool_for(data["topic"])
    received_at = data.get("received_at") or timezone.now()
    subject = data["question"][:60]
    ticket = tickets.ticket_open(actor=actor, queue=pool.queue, subject=subject, opened_at=received_at)
    consultation = Consultation(
        ticket=ticket,
        channel=data["channel"],
        topic=data["topic"],
        received_at=received_at,
        received_on=timezone.localtime(received_at).date(),
        caller_name=data["caller_name"],
        caller_phone=data["caller_phone"],
        region=data.get("region"),
        question=data["question"],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    consultation.save()
    _log(
        actor,
        "kexie.consultation.received",
        consultation,
        after={"channel": consultation.channel, "topic": consultation.topic},
    )
    return consultation


def _past(data: dict[str, Any], pools: dict) -> tuple[dict, Pool]:
    """One row of `consultations_record_bulk`: the checks of receive, answer and rate."""
    errors = {}
    try:
        data = _clean(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    answer = (data.get("answer") or "").strip()
    if not answer:
        errors["answer"] = _("解答:请填写")
    elif len(answer) > MAX_ANSWER:
        errors["answer"] = _("解答:不能超过%(n)d个字") % {"n": MAX_ANSWER}
    received, answered = data.get("received_at"), data.get("answered_at")
    if not received or not answered:
        errors["answered_at"] = _("时间:请填写受理时间和解答时间")
    elif not received <= (data.get("first_response_at") or answered) <= answered:
        errors["answered_at"] = _("时间:应受理在前、首次响应其次、解答在后")
    if errors:  # the pool needs a known topic
        raise ValidationError(errors)
    if data["topic"] not in pools:
        pool = pool_for(data["topic"])
        pools[data["topic"]] = (pool, set(pool.experts.values_list("pk", flat=True)))
    pool, experts = pools[data["topic"]]
    expert = data.get("expert")
    if expert is not None and expert.pk not in experts:
        raise ValidationError({"expert": _("解答专家:“%(e)s”不在本专家组") % {"e": expert}})
    return {**data, "answer": answer}, pool


@transaction.atomic
def consultations_record_bulk(*, actor, entries) -> list[Consultation]:
    """Consultations already answered before they were entered (the notebooks' past calls, the
    demo's year), many at once. Each entry holds what `consultation_receive` takes plus
    `answer`, `expert`, `answered_at`, optionally `first_response_at`, `waits` [(start, end)]
    while waiting for the caller and `satisfaction`. The same checks row by row, all or nothing
    (every refused row named “第N条”); the tickets with their clocks, pauses and grants through
    `tickets.tickets_record_bulk`, the consultations in one statement, their outcome copied in
    one UPDATE, one audit entry per unit. Far fewer queries than receive + answer + rate each."""
    from kexie.hotline import outcomes

    require_perm(actor, EDIT)
    entries = list(entries)
    pools: dict = {}
    rows, errors = [], {}
    for n, entry in enumerate(entries, start=1):
        try:
            rows.append(_past(entry, pools))
        except ValidationError as exc:
            errors[f"第{n}条"] = exc.messages
    if errors:
        raise ValidationError(errors)
    made = tickets.tickets_record_bulk(actor=actor, entries=[{
        "queue": pool.queue, "subject": data["question"][:60], "opened_at": data["received_at"],
        "first_response_at": data.get("first_response_at"), "resolved_at": data["answered_at"],
        "pauses": data.get("waits") or (), "satisfaction": data.get("satisfaction"),
    } for data, pool in rows])  # fmt: skip
    user = actor if getattr(actor, "pk", None) else None
    consultations = Consultation.objects.bulk_create([
        Consultation(
            ticket=ticket, channel=data["channel"], topic=data["topic"], received_at=data["received_at"],
            received_on=timezone.localtime(data["received_at"]).date(), caller_name=data["caller_name"],
            caller_phone=data["caller_phone"], region=data.get("region"), question=data["question"],
            answer=data["answer"], expert=data.get("expert"), answered_by=user, answered_at=data["answered_at"],
            created_by=user,
        )
        for ticket, (data, _pool) in zip(made, rows, strict=True)
    ], batch_size=500)  # fmt: skip
    outcomes.sync([t.pk for t in made])
    by_unit: dict = {}
    for consultation, ticket in zip(consultations, made, strict=True):
        consultation.ticket = ticket
        by_unit.setdefault(ticket.unit_id, (ticket.unit, []))[1].append(consultation.pk)
    for unit, ids in by_unit.values():
        audit.log(
            actor=actor, action="kexie.consultation.recorded_in_bulk", unit=unit,
            object_type="hotline.consultation", object_repr=_("%(n)d条已办结咨询") % {"n": len(ids)},
            after={"count": len(ids), "consultations": ids},
        )  # fmt: skip
    return consultations


@transaction.atomic
def consultation_route(*, actor, consultation: Consultation, topic: str) -> Consultation:
    """Another topic, so another pool: the ticket moves to its queue (visibility follows)."""
    _require_worker(actor, consultation)
    if topic not in Topic.values:
        raise ValidationError({"topic": _("咨询类别:请从列表中选择")})
    before = consultation.topic
    pool = pool_for(topic)
    tickets.ticket_route(actor=actor, ticket=consultation.ticket, queue=pool.queue)
    Consultation.objects.of(consultation).update(topic=topic)
    consultation.topic = topic
    _log(actor, "kexie.consultation.routed", consultation, before={"topic": before}, after={"topic": topic})
    return consultation


@transaction.atomic
def consultation_answer(
    *,
    actor,
    consultation: Consultation,
    answer: str,
    expert=None,
    resolve: bool = True,
    at: dt.datetime | None = None,
) -> Consultation:
    """The answer given to the caller (by `expert`, one of the pool's, when named): the ticket's
    first response, and its resolution unless more is to come."""
    _require_worker(actor, consultation)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("解答:请填写")})
    if len(answer) > MAX_ANSWER:
        raise ValidationError({"answer": _("解答:不能超过%(n)d个字") % {"n": MAX_ANSWER}})
    if expert is not None and not pool_for(consultation.topic).experts.filter(pk=expert.pk).exists():
        raise ValidationError({"expert": _("解答专家:“%(e)s”不在本专家组") % {"e": expert}})
    at = at or timezone.now()
    ticket = consultation.ticket
    if ticket.status == Status.RESOLVED:
        raise ValidationError(_("该咨询已解决"))
    if ticket.status == Status.NEW:
        tickets.ticket_respond(actor=actor, ticket=ticket, at=at)
    if resolve:
        tickets.ticket_resolve(actor=actor, ticket=ticket, at=at)
    values = {"answer": answer, "expert": expert, "answered_by": actor if getattr(actor, "pk", None) else None,
              "answered_at": at}  # fmt: skip
    Consultation.objects.of(consultation).update(**values)
    for name, value in values.items():
        setattr(consultation, name, value)
    _log(
        actor,
        "kexie.consultation.answered",
        consultation,
        after={"expert": str(expert or ""), "resolved": resolve},
    )
    return consultation


@transaction.atomic
def callback_create(
    *, actor, consultation: Consultation, note: str = "", due_at: dt.datetime | None = None, assignee=None
) -> Callback:
    """A call-back task; due within four working hours unless `due_at` says otherwise."""
    _require_worker(actor, consultation)
    if assignee is not None and not tickets.is_member(assignee, consultation.ticket.queue):
        raise ValidationError({"assignee": _("回电人:“%(u)s”不是本专家组成员") % {"u": assignee}})
    now = timezone.now()
    # a due time given stays; one computed here follows the calendar (hotline.calendar)
    within = None if due_at else CALLBACK_WITHIN
    due_at = due_at or deadline(now, CALLBACK_WITHIN, hours=OFFICE_HOURS)
    callback = Callback.objects.create(
        consultation=consultation, due_at=due_at, assignee=assignee, note=(note or "").strip()[:200],
        created_at=now, due_within=within,
    )  # fmt: skip
    audit.log(actor=actor, action="kexie.callback.created", obj=callback, unit=consultation.ticket.unit,
              after={"due_at": due_at.isoformat()})  # fmt: skip
    return callback


@transaction.atomic
def callback_done(*, actor, callback: Callback, outcome: str) -> Callback:
    _require_worker(actor, callback.consultation)
    if callback.done_at is not None:
        raise ValidationError(_("该回电任务已完成"))
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("回电结果:请填写")})
    callback.done_at, callback.outcome = timezone.now(), outcome[:300]
    Callback.objects.of(callback).update(done_at=callback.done_at, outcome=callback.outcome)
    audit.log(actor=actor, action="kexie.callback.done", obj=callback, unit=callback.consultation.ticket.unit)
    return callback


@transaction.atomic
def consultation_escalate(*, actor, consultation: Consultation, data: dict[str, Any]) -> Consultation:
    """A field visit (现场服务): a ledger Activity of kind 咨询服务, reported by the ticket's unit
    and reviewed like every activity, so the ledger counts it once; the consultation points to it."""
    from kexie.activities.models import ActivityKind
    from kexie.activities.services import activity_create

    _require_worker(actor, consultation)
    if consultation.field_visit_id:
        raise ValidationError(_("该咨询已转现场服务(活动编号%(c)s)") % {"c": consultation.field_visit.code})
    if consultation.ticket.queue.is_sensitive:
        raise ValidationError(_("心理援助咨询不转现场服务活动,以免泄露来电人信息"))
    unit = consultation.ticket.unit
    region = consultation.region or unit.region
    if region is None:
        raise ValidationError({"region": _("所在区划:请先填写咨询的所在区划")})
    day = data.get("start_date") or timezone.localdate()
    activity = activity_create(
        actor=actor,
        data={
            "title": (data.get("title") or _("热线现场服务:%(q)s") % {"q": consultation.question[:40]})[:200],
            "kind": ActivityKind.objects.get(code="consultation"),
            "start_date": day,
            "end_date": data.get("end_date") or day,
            "region": region,
            "venue": (data.get("venue") or "")[:200],
            "participants": data.get("participants") or 1,
            "description": _("由热线咨询 #%(n)s 转为现场服务") % {"n": consultation.pk},
            "organiser": unit,
            "reporting_unit": unit,
        },
    )
    Consultation.objects.of(consultation).update(field_visit=activity)
    consultation.field_visit = activity
    _log(actor, "kexie.consultation.escalated", consultation, after={"activity": activity.code})
    return consultation


@transaction.atomic
def consultation_publish(
    *, actor, consultation: Consultation, kb_question: str | None = None, kb_answer: str | None = None
) -> Consultation:
    """Into the knowledge base, anonymised (the editor may correct the anonymised text)."""
    _require_worker(actor, consultation)
    if consultation.ticket.queue.is_sensitive:
        raise ValidationError(_("心理援助咨询不收入知识库"))
    if not consultation.answer:
        raise ValidationError(_("尚未解答的咨询不能收入知识库"))
    names = (consultation.caller_name,)
    question = anonymise(kb_question if kb_question is not None else consultation.question, names=names)
    answer = anonymise(kb_answer if kb_answer is not None else consultation.answer, names=names)
    values = {"in_knowledge_base": True, "kb_question": question.strip(), "kb_answer": answer.strip()}
    Consultation.objects.of(consultation).update(updated_at=timezone.now(), **values)
    for name, value in values.items():
        setattr(consultation, name, value)
    _log(actor, "kexie.consultation.published", consultation)
    return consultation


@transaction.atomic
def consultation_unpublish(*, actor, consultation: Consultation) -> Consultation:
    _require_worker(actor, consultation)
    Consultation.objects.of(consultation).update(in_knowledge_base=False, updated_at=timezone.now())
    consultation.in_knowledge_base = False
    _log(actor, "kexie.consultation.unpublished", consultation)
    return consultation


@transaction.atomic
def consultation_attach(*, actor, consultation: Consultation, upload) -> ConsultationAttachment:
    from kexie.core.uploads import check_upload

    _require_worker(actor, consultation)
    check_upload(upload)
    attachment = ConsultationAttachment.objects.create(
        consultation=consultation, file=upload, name=upload.name[:200]
    )
    _log(actor, "kexie.consultation.attached", consultation, after={"attachment": attachment.name})
    return attachment


@transaction.atomic
def consultation_rating_link(*, actor, consultation: Consultation) -> str:
    """A link for the caller to rate the answer (sent by SMS or WeChat): a capability link
    that opens only this consultation's rating, for 30 days. Returns the token (shown once)."""
    _require_worker(actor, consultation)
    valid_until = timezone.now() + dt.timedelta(days=RATING_LINK_DAYS)
    _link, token = grants.link_create(
        actor=None, obj=consultation, capability=RATE, valid_until=valid_until, unit=consultation.ticket.unit
    )
    _log(actor, "kexie.consultation.rating_link", consultation)
    return token


def consultation_for_rating(token: str) -> Consultation | None:
    return grants.link_resolve(token, RATE, Consultation)


@transaction.atomic
def consultation_rate(
    *, actor, consultation: Consultation, satisfaction: int, note: str = ""
) -> Consultation:
    """Satisfaction of the caller: by the operator on a return call (actor) or by the caller
    through the rating link (actor None, the link already checked by the view)."""
    if actor is not None:
        _require_worker(actor, consultation)
    tickets.ticket_rate(actor=actor, ticket=consultation.ticket, satisfaction=satisfaction, note=note)
    return consultation


@transaction.atomic
def pool_create(*, actor, topic: str, queue, experts=()) -> Pool:
    """An expert pool for a topic, answering through `queue`."""
    from kexie.core.services import require_obj_in_scope

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, queue)
    if topic not in Topic.values:
        raise ValidationError({"topic": _("咨询类别:请从列表中选择")})
    if Pool.objects.unscoped(reason="one pool per topic, city-wide").filter(topic=topic).exists():
        raise ValidationError({"topic": _("咨询类别:“%(t)s”已有专家组") % {"t": Topic(topic).label}})
    pool = Pool.objects.create(topic=topic, queue=queue)
    pool.experts.set(experts)
    audit.log(actor=actor, action="kexie.pool.created", obj=pool, after={"topic": topic, "queue": queue.code})
    return pool


@transaction.atomic
def pool_set_experts(*, actor, pool: Pool, experts) -> Pool:
    from kexie.core.services import require_obj_in_scope

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, pool)
    before = sorted(pool.experts.values_list("pk", flat=True))
    pool.experts.set(experts)
    after = sorted(pool.experts.values_list("pk", flat=True))
    audit.log(
        actor=actor,
        action="kexie.pool.changed",
        obj=pool,
        before={"experts": before},
        after={"experts": after},
    )
    return pool
