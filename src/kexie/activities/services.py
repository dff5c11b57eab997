"""The activity workflow: draft → submitted → approved, or returned with a reason."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.roles import EDIT, REVIEW
from kexie.activities.models import Activity, ActivityAttachment, Campaign, Status
from kexie.core import audit
from kexie.core.scoping import in_scope
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
    save_with_audit,
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
    errors = {}
    if activity.start_date and activity.end_date and activity.end_date < activity.start_date:
        errors["end_date"] = "结束日期不能早于开始日期"
    if activity.campaign_id and activity.start_date:
        c = activity.campaign
        if not (c.start_date <= activity.start_date <= c.end_date):
            errors["campaign"] = f"活动日期不在专项活动“{c}”的时间范围({c.start_date}至{c.end_date})内"
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
    if not activity.is_editable and not actor.has_perm(REVIEW):
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
    if activity.status == Status.APPROVED:
        raise ValidationError("已通过审核的活动不能删除")
    audit.log(actor=actor, action="kexie.activity.deleted", obj=activity, before=audit.snapshot(activity))
    activity.delete()


def _transition(
    activity: Activity, *, actor, allowed_from: tuple[str, ...], to: str, action: str, note: str = ""
) -> Activity:
    if activity.status not in allowed_from:
        raise ValidationError(f"当前状态为“{activity.get_status_display()}”,不能执行此操作")
    before = {"status": activity.status}
    activity.status = to
    activity.save()
    audit.log(actor=actor, action=action, obj=activity, before=before, after={"status": to}, note=note)
    return activity


@transaction.atomic
def activity_submit(*, actor, activity: Activity) -> Activity:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, activity)
    activity.submitted_at = timezone.now()
    activity.return_reason = ""
    return _transition(
        activity, actor=actor, allowed_from=(Status.DRAFT, Status.RETURNED), to=Status.SUBMITTED,
        action="kexie.activity.submitted",
    )  # fmt: skip


def _require_reviewer(actor, activity: Activity) -> None:
    require_perm(actor, REVIEW)
    require_obj_in_scope(actor, activity)
    # A unit does not approve its own reports: the unit above does (the city approves itself).
    own = actor.unit_id == activity.reporting_unit_id
    top = actor.unit is not None and actor.unit.parent_id is None
    if own and not (top or actor.is_superuser):
        raise PermissionDenied("本单位上报的活动须由上级单位审核")


@transaction.atomic
def activity_approve(*, actor, activity: Activity) -> Activity:
    _require_reviewer(actor, activity)
    activity.reviewed_at = timezone.now()
    activity.reviewed_by = actor
    return _transition(
        activity,
        actor=actor,
        allowed_from=(Status.SUBMITTED,),
        to=Status.APPROVED,
        action="kexie.activity.approved",
    )


@transaction.atomic
def activity_return(*, actor, activity: Activity, reason: str) -> Activity:
    _require_reviewer(actor, activity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": "退回时必须填写原因"})
    activity.return_reason = reason
    activity.reviewed_at = timezone.now()
    activity.reviewed_by = actor
    return _transition(
        activity, actor=actor, allowed_from=(Status.SUBMITTED, Status.APPROVED), to=Status.RETURNED,
        action="kexie.activity.returned", note=reason,
    )  # fmt: skip


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
    if not user.has_perm(REVIEW) or not in_scope(user, activity.reporting_unit):
        return False
    top = user.unit is not None and user.unit.parent_id is None
    return user.is_superuser or top or user.unit_id != activity.reporting_unit_id
