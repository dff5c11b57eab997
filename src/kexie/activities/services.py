"""The activity workflow: draft → submitted → approved, or returned with a reason."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.roles import EDIT, REVIEW
from kexie.activities import rules
from kexie.activities.models import Activity, ActivityAttachment, Campaign, Status
from kexie.activities.rules import APPROVABLE, RETURNABLE, SUBMITTABLE
from kexie.core import audit
from kexie.core.scoping import scoped
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    require_obj_in_scope,
    require_perm,
    require_state_unchanged,
    require_unit_in_scope,
    save_with_audit,
    transition,
)

ACTIVITY_FIELDS = (
    "code", "title", "kind", "start_date", "end_date", "region", "venue", "organiser",
    "participants", "volunteers", "beneficiaries", "campaign", "description", "reporting_unit",
)  # fmt: skip
CAMPAIGN_FIELDS = ("name", "year", "start_date", "end_date", "host_unit", "description")


def next_activity_code() -> str:
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S%f")
    return f"HD{stamp}"


def validate_activity(activity: Activity) -> None:
    campaign = activity.campaign if activity.campaign_id else None
    errors = rules.date_problems(activity.start_date, activity.end_date, campaign)
    if errors:
        raise ValidationError(errors)
    full_clean_chinese(activity)


@transaction.atomic
def activity_create(*, actor, data: dict[str, Any], co_organisers=None) -> Activity:
    require_perm(actor, EDIT)
    activity = Activity(created_by=actor if getattr(actor, "pk", None) else None)
    apply_fields(activity, data, ACTIVITY_FIELDS)
    if not activity.reporting_unit_id and actor is not None:
        activity.reporting_unit = actor.unit
    if not activity.code:
        activity.code = next_activity_code()
    require_unit_in_scope(
        actor, activity.reporting_unit if activity.reporting_unit_id else None, "reporting_unit"
    )
    validate_activity(activity)
    activity.save()
    if co_organisers is not None:
        activity.co_organisers.set(co_organisers)
    audit.log(actor=actor, action="kexie.activity.created", obj=activity, after=audit.snapshot(activity))
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, data: dict[str, Any], co_organisers=None) -> Activity:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, activity)
    require_state_unchanged(activity)
    if not rules.may_edit(actor, activity):
        raise ValidationError("已上报或已通过的活动不能修改;如需修改,请审核人员先退回")
    before = audit.snapshot(activity)
    apply_fields(activity, data, ACTIVITY_FIELDS)
    if "reporting_unit" in data:
        require_unit_in_scope(actor, activity.reporting_unit, "reporting_unit")
    save_with_audit(
        obj=activity, actor=actor, action="kexie.activity.changed", before=before, validate=validate_activity
    )
    if co_organisers is not None:
        activity.co_organisers.set(co_organisers)
    return activity


@transaction.atomic
def activity_delete(*, actor, activity: Activity) -> None:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, activity)
    require_state_unchanged(activity)
    if activity.status not in rules.DELETABLE:
        raise ValidationError("已通过审核的活动不能删除")
    audit.log(actor=actor, action="kexie.activity.deleted", obj=activity, before=audit.snapshot(activity))
    activity.delete()


def _transition(
    activity: Activity,
    *,
    actor,
    seen: str | None,
    allowed_from: tuple[str, ...],
    to: str,
    action: str,
    values: dict[str, Any],
    note: str = "",
) -> Activity:
    """From the state the user saw (`seen`, default: the state this request read) to `to`;
    a concurrent change in between loses with StaleState and writes nothing."""
    before = transition(
        activity, seen=seen or activity.status, to=to, allowed_from=allowed_from, values=values
    )
    audit.log(
        actor=actor, action=action, obj=activity, before={"status": before}, after={"status": to}, note=note
    )
    return activity


@transaction.atomic
def activity_submit(*, actor, activity: Activity, seen: str | None = None) -> Activity:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, activity)
    return _transition(
        activity, actor=actor, seen=seen, allowed_from=SUBMITTABLE, to=Status.SUBMITTED,
        action="kexie.activity.submitted", values={"submitted_at": timezone.now(), "return_reason": ""},
    )  # fmt: skip


def _require_reviewer(actor, activity: Activity) -> None:
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, activity)
    if not rules.reviews_unit(actor, activity.reporting_unit_id):
        raise PermissionDenied("本单位上报的活动须由上级单位审核")


@transaction.atomic
def activity_approve(*, actor, activity: Activity, seen: str | None = None) -> Activity:
    _require_reviewer(actor, activity)
    return _transition(
        activity, actor=actor, seen=seen, allowed_from=APPROVABLE, to=Status.APPROVED,
        action="kexie.activity.approved", values={"reviewed_at": timezone.now(), "reviewed_by": actor},
    )  # fmt: skip


@transaction.atomic
def activity_return(*, actor, activity: Activity, reason: str, seen: str | None = None) -> Activity:
    _require_reviewer(actor, activity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": "退回时必须填写原因"})
    values = {"return_reason": reason, "reviewed_at": timezone.now(), "reviewed_by": actor}
    return _transition(
        activity, actor=actor, seen=seen, allowed_from=RETURNABLE, to=Status.RETURNED,
        action="kexie.activity.returned", values=values, note=reason,
    )  # fmt: skip


@transaction.atomic
def activities_approve_bulk(*, actor, ids: list[int]) -> tuple[int, list[str]]:
    """Approve the chosen submitted activities in the actor's scope, each on its own: one that
    fails (not the actor's to review, changed meanwhile) is named and the others still go through."""
    require_perm(actor, REVIEW)
    approved, failed = 0, []
    chosen = scoped(Activity, actor).filter(pk__in=ids).select_related("reporting_unit").order_by("pk")
    for activity in chosen:
        try:
            with transaction.atomic():
                activity_approve(actor=actor, activity=activity, seen=Status.SUBMITTED)
            approved += 1
        except (ValidationError, PermissionDenied) as exc:
            failed.append(f"{activity}:{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
    return approved, failed


@transaction.atomic
def activity_attach(*, actor, activity: Activity, upload, is_photo: bool = False) -> ActivityAttachment:
    from kexie.core.uploads import check_upload

    require_perm(actor, EDIT)
    require_obj_in_scope(actor, activity)
    check_upload(upload)
    attachment = ActivityAttachment.objects.create(
        activity=activity,
        file=upload,
        name=upload.name[:200],
        is_photo=is_photo,
        size=upload.size,
        uploaded_by=actor,
    )
    audit.log(
        actor=actor, action="kexie.activity.attached", obj=activity, after={"attachment": attachment.name}
    )
    return attachment


@transaction.atomic
def campaign_create(*, actor, data: dict[str, Any], participating_units=None) -> Campaign:
    require_perm(actor, EDIT)
    campaign = Campaign()
    apply_fields(campaign, data, CAMPAIGN_FIELDS)
    if not campaign.host_unit_id and actor is not None:
        campaign.host_unit = actor.unit
    require_unit_in_scope(actor, campaign.host_unit if campaign.host_unit_id else None, "host_unit")
    full_clean_chinese(campaign)
    campaign.save()
    if participating_units is not None:
        campaign.participating_units.set(participating_units)
    audit.log(actor=actor, action="kexie.campaign.created", obj=campaign, after=audit.snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, data: dict[str, Any], participating_units=None) -> Campaign:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, campaign)
    before = audit.snapshot(campaign)
    apply_fields(campaign, data, CAMPAIGN_FIELDS)
    save_with_audit(
        obj=campaign, actor=actor, action="kexie.campaign.changed", before=before, validate=full_clean_chinese
    )
    if participating_units is not None:
        campaign.participating_units.set(participating_units)
    return campaign


def can_review(user, activity: Activity) -> bool:
    return rules.may_review(user, activity)
