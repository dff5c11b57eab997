"""Writes of the innovation app: demands and their pipeline, visits, forums, agreements,
society engagements and matching profiles. Each is keyword-only, atomic and audited.

The pipeline: collected → reviewed → published → matchmaking → intention → signed → completed,
or closed (with a reason) from any open state. Every step writes a DemandEvent and an AuditEntry.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.roles import EDIT, REVIEW
from kexie.core import audit
from kexie.core.scoping import in_scope
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    lock_for_update,
    require_obj_in_scope,
    require_perm,
    require_state_unchanged,
    require_unit_in_scope,
    save_with_audit,
    transition,
)
from kexie.core.validators import phone_problem
from kexie.directory.codes import OrgKind
from kexie.directory.models import Organisation, Person
from kexie.innovation.codes import DemandSource, DemandStatus, EngagementKind, SocietyLevel
from kexie.innovation.models import (
    Agreement,
    Demand,
    DemandEvent,
    EnterpriseVisit,
    ExpertProfile,
    Forum,
    Matchmaking,
    SocietyEngagement,
    SocietyProfile,
)

DEMAND_FIELDS = (
    "enterprise", "title", "description", "industry", "discipline", "ipc", "keywords", "budget", "deadline",
    "contact_name", "contact_phone", "is_confidential", "allow_in_booklet", "source", "visit", "collected_on",
)  # fmt: skip
VISIT_FIELDS = ("enterprise", "visited_on", "staff", "notes")
FORUM_FIELDS = ("name", "kind", "held_on", "venue", "host_unit", "guests", "description")
AGREEMENT_FIELDS = (
    "title", "unit", "demand", "forum", "expert", "society", "parties", "amount", "signed_on", "attachment", "note",
)  # fmt: skip
ENGAGEMENT_FIELDS = ("society", "level", "kind", "on", "unit", "demand", "title", "attachment", "note")
EXPERT_PROFILE_FIELDS = ("keywords", "achievements", "papers", "affiliation")
SOCIETY_PROFILE_FIELDS = ("level", "discipline", "keywords", "achievements")

OPEN_STATUSES = tuple(
    s for s in DemandStatus.values if s not in (DemandStatus.COMPLETED, DemandStatus.CLOSED)
)
EDITABLE = OPEN_STATUSES


def _today() -> dt.date:
    return timezone.localdate()


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _default_unit(actor, fallback):
    unit = getattr(actor, "unit", None)
    return unit if unit is not None else fallback


# ------------------------------------------------------------------------------ visits


def validate_visit(visit: EnterpriseVisit) -> None:
    if visit.enterprise_id and visit.enterprise.kind != OrgKind.ENTERPRISE:
        raise ValidationError({"enterprise": f"“{visit.enterprise}”不是企业"})
    full_clean_chinese(visit)


@transaction.atomic
def enterprise_visit_create(*, actor, data: dict[str, Any]) -> EnterpriseVisit:
    require_perm(actor, EDIT)
    visit = EnterpriseVisit(recorded_by=_user_or_none(actor))
    apply_fields(visit, data, VISIT_FIELDS)
    require_unit_in_scope(actor, visit.enterprise if visit.enterprise_id else None, "enterprise")
    validate_visit(visit)
    visit.save()
    audit.log(actor=actor, action="kexie.enterprise_visit.created", obj=visit, after=audit.snapshot(visit))
    return visit


# ------------------------------------------------------------------------------ demands


def validate_demand(demand: Demand) -> None:
    errors = {}
    if demand.enterprise_id and demand.enterprise.kind != OrgKind.ENTERPRISE:
        errors["enterprise"] = f"“{demand.enterprise}”不是企业,技术需求须由企业提出"
    if demand.budget is not None and demand.budget < 0:
        errors["budget"] = "预算不能为负数"
    if demand.deadline and demand.collected_on and demand.deadline < demand.collected_on:
        errors["deadline"] = "期望完成日期不能早于征集日期"
    if demand.contact_phone and phone_problem(demand.contact_phone):
        errors["contact_phone"] = phone_problem(demand.contact_phone)
    if demand.visit_id and demand.visit.enterprise_id != demand.enterprise_id:
        errors["visit"] = "所选走访记录不是该企业的"
    if errors:
        raise ValidationError(errors)
    full_clean_chinese(demand)


def _on_change():
    """Tell the in-process matching index that profiles changed (after commit)."""
    from kexie.innovation import ranking

    transaction.on_commit(ranking.mark_dirty)


@transaction.atomic
def demand_create(*, actor, data: dict[str, Any]) -> Demand:
    require_perm(actor, EDIT)
    data = dict(data)
    data.setdefault("collected_on", _today())
    if data.get("visit") is not None:
        data.setdefault("source", DemandSource.VISIT)
    demand = Demand(created_by=_user_or_none(actor))
    apply_fields(demand, data, DEMAND_FIELDS)
    if not demand.enterprise_id and getattr(actor, "unit", None) is not None:
        demand.enterprise = actor.unit
    require_unit_in_scope(actor, demand.enterprise if demand.enterprise_id else None, "enterprise")
    validate_demand(demand)
    demand.save()
    DemandEvent.objects.create(
        demand=demand,
        to_status=demand.status,
        on=demand.collected_on,
        actor=_user_or_none(actor),
        note="征集",
    )
    audit.log(actor=actor, action="kexie.demand.created", obj=demand, after=audit.snapshot(demand))
    _on_change()
    return demand


@transaction.atomic
def demand_update(*, actor, demand: Demand, data: dict[str, Any]) -> Demand:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, demand)
    require_state_unchanged(demand)
    if demand.status not in EDITABLE:
        raise ValidationError(f"需求已{demand.get_status_display()},不能修改")
    before = audit.snapshot(demand)
    apply_fields(demand, data, [f for f in DEMAND_FIELDS if f != "source"])
    if "enterprise" in data:
        require_unit_in_scope(actor, demand.enterprise, "enterprise")
    save_with_audit(
        obj=demand, actor=actor, action="kexie.demand.changed", before=before, validate=validate_demand
    )
    _on_change()
    return demand


def _transition(
    demand: Demand,
    *,
    actor,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    note: str = "",
    on: dt.date | None = None,
    seen: str | None = None,
    values: dict[str, Any] | None = None,
) -> Demand:
    """From the state the user saw (`seen`, default: the one this request read) to `to`, as one
    conditional update: of two concurrent steps one wins, the other raises StaleState."""
    seen = seen or demand.status
    refused = f"需求当前状态为“{DemandStatus(seen).label}”,不能转为“{DemandStatus(to).label}”"
    before = transition(demand, seen=seen, to=to, allowed_from=allowed_from, values=values, refused=refused)
    DemandEvent.objects.create(
        demand=demand,
        from_status=before,
        to_status=to,
        on=on or _today(),
        actor=_user_or_none(actor),
        note=note,
    )
    audit.log(
        actor=actor, action=action, obj=demand, before={"status": before}, after={"status": to}, note=note
    )
    _on_change()
    return demand


def _require_editor(actor, demand: Demand) -> None:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, demand)


@transaction.atomic
def demand_review(
    *, actor, demand: Demand, note: str = "", on: dt.date | None = None, seen: str | None = None
) -> Demand:
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, demand)
    if not reviews_demand(actor, demand):
        raise PermissionDenied("企业不能审核本企业的需求,须由科协审核")
    return _transition(
        demand, actor=actor, allowed_from=(DemandStatus.COLLECTED,), to=DemandStatus.REVIEWED,
        action="kexie.demand.reviewed", note=note, on=on, seen=seen,
    )  # fmt: skip


@transaction.atomic
def demand_publish(
    *, actor, demand: Demand, note: str = "", on: dt.date | None = None, seen: str | None = None
) -> Demand:
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, demand)
    return _transition(
        demand, actor=actor, allowed_from=(DemandStatus.REVIEWED,), to=DemandStatus.PUBLISHED,
        action="kexie.demand.published", note=note, on=on, seen=seen,
    )  # fmt: skip


def _society_level(society: Organisation, level: str | None) -> str:
    if level:
        if level not in SocietyLevel.values:
            raise ValidationError({"level": f"学会级别“{level}”无效"})
        return level
    profile = (
        SocietyProfile.objects.unscoped(reason="the level of a society checked in scope")
        .filter(society=society)
        .first()
    )
    return profile.level if profile else SocietyLevel.CITY


def _check_counterpart(actor, expert: Person | None, society: Organisation | None, required: bool) -> None:
    if required and expert is None and society is None:
        raise ValidationError("请选择对接的专家或学会")
    if expert is not None:
        if not expert.is_expert:
            raise ValidationError({"expert": f"“{expert}”不是专家库中的专家"})
        require_unit_in_scope(actor, expert.unit, "expert")
    if society is not None:
        if society.kind != OrgKind.SOCIETY:
            raise ValidationError({"society": f"“{society}”不是学会"})
        require_unit_in_scope(actor, society, "society")


def _engage(actor, *, society, level, kind, on, demand=None, title="", note="") -> SocietyEngagement:
    engagement = SocietyEngagement.objects.create(
        society=society, level=_society_level(society, level), kind=kind, on=on,
        unit=_default_unit(actor, demand.enterprise if demand else society), demand=demand,
        title=title or (demand.title if demand else ""), note=note, created_by=_user_or_none(actor),
    )  # fmt: skip
    audit.log(
        actor=actor,
        action="kexie.society_engagement.created",
        obj=engagement,
        after=audit.snapshot(engagement),
    )
    return engagement


@transaction.atomic
def demand_matchmake(
    *,
    actor,
    demand: Demand,
    expert: Person | None = None,
    society: Organisation | None = None,
    contacted_on: dt.date | None = None,
    meeting_on: dt.date | None = None,
    level: str | None = None,
    note: str = "",
) -> Matchmaking:
    """Records a contact with an expert or a society (对接); the first one moves the demand to matchmaking."""
    _require_editor(actor, demand)
    _check_counterpart(actor, expert, society, required=True)
    contacted_on = contacted_on or _today()
    if meeting_on and meeting_on < contacted_on:
        raise ValidationError({"meeting_on": "对接会日期不能早于联系日期"})
    # Contacts add up, so a concurrent one only needs the state as it is now, not as seen.
    demand.status = lock_for_update(demand).status
    if demand.status == DemandStatus.PUBLISHED:
        who = expert or society
        _transition(
            demand, actor=actor, allowed_from=(DemandStatus.PUBLISHED,), to=DemandStatus.MATCHMAKING,
            action="kexie.demand.matchmaking", note=f"对接:{who}", on=contacted_on,
        )  # fmt: skip
    elif demand.status not in (DemandStatus.MATCHMAKING, DemandStatus.INTENTION):
        raise ValidationError(f"需求当前状态为“{demand.get_status_display()}”,不能对接(须先发布)")
    contact = Matchmaking.objects.create(
        demand=demand, expert=expert, society=society, contacted_on=contacted_on, meeting_on=meeting_on,
        note=note, created_by=_user_or_none(actor),
    )  # fmt: skip
    audit.log(actor=actor, action="kexie.matchmaking.created", obj=contact, after=audit.snapshot(contact))
    if society is not None:
        _engage(
            actor,
            society=society,
            level=level,
            kind=EngagementKind.MATCHMAKING,
            on=contacted_on,
            demand=demand,
        )
    return contact


@transaction.atomic
def demand_record_intention(
    *,
    actor,
    demand: Demand,
    note: str = "",
    on: dt.date | None = None,
    society: Organisation | None = None,
    level: str | None = None,
    seen: str | None = None,
) -> Demand:
    _require_editor(actor, demand)
    _check_counterpart(actor, None, society, required=False)
    on = on or _today()
    _transition(
        demand, actor=actor, allowed_from=(DemandStatus.MATCHMAKING,), to=DemandStatus.INTENTION,
        action="kexie.demand.intention", note=note, on=on, seen=seen,
    )  # fmt: skip
    if society is not None:
        _engage(
            actor,
            society=society,
            level=level,
            kind=EngagementKind.INTENTION,
            on=on,
            demand=demand,
            note=note,
        )
    return demand


def validate_agreement(agreement: Agreement) -> None:
    errors = {}
    if not (agreement.parties or "").strip():
        errors["parties"] = "请填写签约各方"
    if agreement.amount is not None and agreement.amount < 0:
        errors["amount"] = "合同金额不能为负数"
    if errors:
        raise ValidationError(errors)
    full_clean_chinese(agreement)


def _check_attachment(upload) -> None:
    if upload:
        from kexie.core.uploads import check_upload

        check_upload(upload, [".pdf", ".docx", ".jpg", ".jpeg", ".png"])


@transaction.atomic
def agreement_create(*, actor, data: dict[str, Any]) -> Agreement:
    """A signed project, e.g. one of the projects signed at a forum (no demand needed)."""
    require_perm(actor, EDIT)
    agreement = Agreement(created_by=_user_or_none(actor))
    apply_fields(agreement, data, AGREEMENT_FIELDS)
    if not agreement.unit_id:
        agreement.unit = agreement.demand.enterprise if agreement.demand_id else getattr(actor, "unit", None)
    require_unit_in_scope(actor, agreement.unit, "unit")
    if agreement.forum_id:
        require_obj_in_scope(actor, agreement.forum)
    _check_counterpart(
        actor, agreement.expert if agreement.expert_id else None, agreement.society if agreement.society_id else None,
        required=False,
    )  # fmt: skip
    _check_attachment(agreement.attachment)
    validate_agreement(agreement)
    agreement.save()
    audit.log(actor=actor, action="kexie.agreement.created", obj=agreement, after=audit.snapshot(agreement))
    return agreement


@transaction.atomic
def demand_sign(*, actor, demand: Demand, data: dict[str, Any], seen: str | None = None) -> Agreement:
    """The agreement is signed: records the Agreement (parties, amount, date, attachment)."""
    _require_editor(actor, demand)
    if (seen or demand.status) != DemandStatus.INTENTION:
        label = DemandStatus(seen or demand.status).label
        raise ValidationError(f"需求当前状态为“{label}”,不能转为“已签约”(须先达成意向)")
    data = {"title": demand.title, **data, "demand": demand, "unit": demand.enterprise}
    data.setdefault("signed_on", _today())
    agreement = agreement_create(actor=actor, data=data)
    _transition(
        demand, actor=actor, allowed_from=(DemandStatus.INTENTION,), to=DemandStatus.SIGNED,
        action="kexie.demand.signed", note=f"签约:{agreement.parties}", on=agreement.signed_on, seen=seen,
    )  # fmt: skip
    return agreement


@transaction.atomic
def demand_complete(
    *, actor, demand: Demand, note: str = "", on: dt.date | None = None, seen: str | None = None
) -> Demand:
    _require_editor(actor, demand)
    return _transition(
        demand, actor=actor, allowed_from=(DemandStatus.SIGNED,), to=DemandStatus.COMPLETED,
        action="kexie.demand.completed", note=note, on=on, seen=seen,
    )  # fmt: skip


@transaction.atomic
def demand_close(
    *, actor, demand: Demand, reason: str, on: dt.date | None = None, seen: str | None = None
) -> Demand:
    _require_editor(actor, demand)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"close_reason": "关闭需求时必须填写原因"})
    return _transition(
        demand, actor=actor, allowed_from=OPEN_STATUSES, to=DemandStatus.CLOSED,
        action="kexie.demand.closed", note=reason, on=on, seen=seen, values={"close_reason": reason[:300]},
    )  # fmt: skip


# The pipeline's rules, asked by views, templates and the API. Status → the steps it allows.
NEXT_ACTIONS: dict[str, tuple[str, ...]] = {
    DemandStatus.COLLECTED: ("review", "close"),
    DemandStatus.REVIEWED: ("publish", "close"),
    DemandStatus.PUBLISHED: ("matchmake", "close"),
    DemandStatus.MATCHMAKING: ("matchmake", "intention", "close"),
    DemandStatus.INTENTION: ("matchmake", "sign", "close"),
    DemandStatus.SIGNED: ("complete", "close"),
    DemandStatus.COMPLETED: (),
    DemandStatus.CLOSED: (),
}
REVIEW_STEPS = ("review", "publish")


def reviews_demand(user, demand: Demand) -> bool:
    """An enterprise does not review its own demand: the association does."""
    return user.is_superuser or user.unit_id != demand.enterprise_id


def _acts_on(user, demand: Demand) -> bool:
    return user.has_perm(EDIT) and in_scope(user, audit.owner_unit(demand))


def demand_actions(user, demand: Demand) -> tuple[str, ...]:
    """The pipeline steps `user` may take on `demand` now."""
    if not _acts_on(user, demand):
        return ()
    return tuple(
        step
        for step in NEXT_ACTIONS[demand.status]
        if step not in REVIEW_STEPS or (user.has_perm(REVIEW) and reviews_demand(user, demand))
    )


def demand_step(*, actor, demand: Demand, step: str, data: dict[str, Any], seen: str | None = None):
    """Run one pipeline step by its code (the web form's and the API's common entry); `data`
    holds the step form's fields. Every step but 对接 starts from the state the user saw."""
    common: dict[str, Any] = {"actor": actor, "demand": demand}
    if step != "matchmake":  # contacts add up, whatever the state became meanwhile
        common["seen"] = seen
    note, on = data.get("note") or "", data.get("on")
    if step == "review":
        return demand_review(**common, note=note, on=on)
    if step == "publish":
        return demand_publish(**common, note=note, on=on)
    if step == "matchmake":
        return demand_matchmake(
            **common, expert=data.get("expert"), society=data.get("society"), contacted_on=on,
            meeting_on=data.get("meeting_on"), level=data.get("level") or None, note=note,
        )  # fmt: skip
    if step == "intention":
        return demand_record_intention(
            **common, note=note, on=on, society=data.get("society"), level=data.get("level") or None
        )
    if step == "sign":
        fields = {
            "parties": data.get("parties"),
            "amount": data.get("amount"),
            "forum": data.get("forum"),
            "note": note,
        }
        if on:
            fields["signed_on"] = on
        if data.get("attachment"):
            fields["attachment"] = data["attachment"]
        return demand_sign(**common, data=fields)
    if step == "complete":
        return demand_complete(**common, note=note, on=on)
    if step == "close":
        return demand_close(**common, reason=data.get("reason") or note, on=on)
    raise ValidationError(f"未知的操作“{step}”")


def demand_may_edit(user, demand: Demand) -> bool:
    return demand.status in EDITABLE and _acts_on(user, demand)


# ------------------------------------------------------------------------------ forums and societies


def validate_forum(forum: Forum) -> None:
    full_clean_chinese(forum)


@transaction.atomic
def forum_create(*, actor, data: dict[str, Any], academicians=None) -> Forum:
    require_perm(actor, EDIT)
    forum = Forum()
    apply_fields(forum, data, FORUM_FIELDS)
    if not forum.host_unit_id:
        forum.host_unit = getattr(actor, "unit", None)
    require_unit_in_scope(actor, forum.host_unit, "host_unit")
    validate_forum(forum)
    forum.save()
    if academicians is not None:
        forum.academicians.set(academicians)
    audit.log(actor=actor, action="kexie.forum.created", obj=forum, after=audit.snapshot(forum))
    return forum


@transaction.atomic
def society_engagement_create(*, actor, data: dict[str, Any]) -> SocietyEngagement:
    """A cooperation intention or agreement with a society, e.g. the strategic agreement with 中国水利学会."""
    require_perm(actor, EDIT)
    engagement = SocietyEngagement(created_by=_user_or_none(actor))
    apply_fields(engagement, data, ENGAGEMENT_FIELDS)
    if not engagement.unit_id:
        engagement.unit = getattr(actor, "unit", None)
    require_unit_in_scope(actor, engagement.unit, "unit")
    society = engagement.society if engagement.society_id else None
    if society is None:
        raise ValidationError({"society": "请选择学会"})
    _check_counterpart(actor, None, society, required=True)
    engagement.level = _society_level(society, engagement.level or None)
    _check_attachment(engagement.attachment)
    full_clean_chinese(engagement)
    engagement.save()
    audit.log(
        actor=actor,
        action="kexie.society_engagement.created",
        obj=engagement,
        after=audit.snapshot(engagement),
    )
    return engagement


# ------------------------------------------------------------------------------ matching profiles


@transaction.atomic
def expert_profile_set(*, actor, person: Person, data: dict[str, Any]) -> ExpertProfile:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, person)
    if not person.is_expert:
        raise ValidationError({"person": f"“{person}”未标记为专家"})
    profile, _ = ExpertProfile.objects.unscoped(reason="the person is checked in scope above").get_or_create(
        person=person
    )
    before = audit.snapshot(profile)
    apply_fields(profile, data, EXPERT_PROFILE_FIELDS)
    save_with_audit(
        obj=profile,
        actor=actor,
        action="kexie.expert_profile.changed",
        before=before,
        validate=full_clean_chinese,
    )
    _on_change()
    return profile


@transaction.atomic
def society_profile_set(*, actor, society: Organisation, data: dict[str, Any]) -> SocietyProfile:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, society)
    if society.kind != OrgKind.SOCIETY:
        raise ValidationError({"society": f"“{society}”不是学会"})
    profile, _ = SocietyProfile.objects.unscoped(
        reason="the society is checked in scope above"
    ).get_or_create(society=society)
    before = audit.snapshot(profile)
    apply_fields(profile, data, SOCIETY_PROFILE_FIELDS)
    save_with_audit(
        obj=profile,
        actor=actor,
        action="kexie.society_profile.changed",
        before=before,
        validate=full_clean_chinese,
    )
    _on_change()
    return profile
