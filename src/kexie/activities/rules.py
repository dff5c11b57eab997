"""The activity workflow's rules, written once: which states allow which step, who reviews
whom, the date and campaign checks, and which actions a user may take on a record.

Services enforce them, imports check rows against them, selectors filter by them, and views
and templates ask `actions(user, activity)` instead of comparing states themselves.
"""

from kexie.accounts.roles import EDIT, REVIEW
from kexie.activities.models import Status
from kexie.core.scoping import in_scope

EDITABLE = (Status.DRAFT, Status.RETURNED)  # an editor changes these; a reviewer changes any
SUBMITTABLE = (Status.DRAFT, Status.RETURNED)
APPROVABLE = (Status.SUBMITTED,)
RETURNABLE = (Status.SUBMITTED, Status.APPROVED)
DELETABLE = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)  # approved records count: kept
IMPORTABLE_BY_EDITOR = (Status.DRAFT, Status.SUBMITTED)  # approved/returned need a reviewer
AWAITING_REVIEW = (Status.SUBMITTED,)

EDIT_ACTION, SUBMIT, APPROVE, RETURN, DELETE = "edit", "submit", "approve", "return", "delete"


def reviews_own_unit(user) -> bool:
    """A unit does not approve its own reports, the unit above does; the top unit approves itself."""
    return bool(user.is_superuser or (user.unit is not None and user.unit.parent_id is None))


def reviews_unit(user, reporting_unit_id) -> bool:
    """May `user` review a record reported by this unit (scope aside)?"""
    return user.has_perm(REVIEW) and (reviews_own_unit(user) or user.unit_id != reporting_unit_id)


def may_review(user, activity) -> bool:
    return reviews_unit(user, activity.reporting_unit_id) and in_scope(user, activity.reporting_unit)


def may_edit(user, activity) -> bool:
    return user.has_perm(EDIT) and (activity.status in EDITABLE or user.has_perm(REVIEW))


def actions(user, activity) -> frozenset[str]:
    """The workflow actions `user` may take on `activity` now (scope of the record assumed)."""
    allowed = set()
    if user.has_perm(EDIT):
        if may_edit(user, activity):
            allowed.add(EDIT_ACTION)
        if activity.status in SUBMITTABLE:
            allowed.add(SUBMIT)
        if activity.status in DELETABLE:
            allowed.add(DELETE)
    if activity.status in APPROVABLE + RETURNABLE and may_review(user, activity):
        if activity.status in APPROVABLE:
            allowed.add(APPROVE)
        if activity.status in RETURNABLE:
            allowed.add(RETURN)
    return frozenset(allowed)


def date_problems(start, end, campaign) -> dict[str, str]:
    """The end after the start; the start within the campaign's dates. Field → Chinese reason."""
    problems = {}
    if start and end and end < start:
        problems["end_date"] = "结束日期不能早于开始日期"
    if campaign is not None and start and not (campaign.start_date <= start <= campaign.end_date):
        problems["campaign"] = (
            f"活动日期不在专项活动“{campaign}”的时间范围({campaign.start_date}至{campaign.end_date})内"
        )
    return problems
