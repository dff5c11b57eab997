"""Writes of honours: record one, set a recommendation's outcome, and land a call's results."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kexie.accounts.roles import EDIT
from kexie.core import audit
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
)
from kexie.honours.models import Honour, HonourKind, RecommendationOutcome

HONOUR_FIELDS = (
    "unit", "kind", "title", "level", "year", "awarded_by", "person", "organisation", "subject", "prize",
    "outcome", "awarded_on", "document_no", "note",
)  # fmt: skip


def validate_honour(honour: Honour) -> None:
    if not (honour.person_id or honour.organisation_id or (honour.subject or "").strip()):
        raise ValidationError({"subject": "请选择人员或单位,或填写对象名称"})
    if honour.kind == HonourKind.RECOMMENDATION and not honour.outcome:
        honour.outcome = RecommendationOutcome.PENDING
    if honour.kind != HonourKind.RECOMMENDATION and honour.outcome:
        raise ValidationError({"outcome": "只有向上推荐才有推荐结果"})
    if honour.awarded_on is None and honour.year:
        honour.awarded_on = dt.date(honour.year, 12, 31)  # the indicators' date: the year's end
    full_clean_chinese(honour)


@transaction.atomic
def honour_record(*, actor, data: dict[str, Any], call=None, entry=None) -> Honour:
    require_perm(actor, EDIT)
    honour = Honour(call=call, entry=entry, created_by=actor if getattr(actor, "pk", None) else None)
    apply_fields(honour, data, HONOUR_FIELDS)
    if not honour.unit_id and actor is not None:
        honour.unit = actor.unit
    require_unit_in_scope(actor, honour.unit if honour.unit_id else None, "unit")
    validate_honour(honour)
    honour.save()
    audit.log(actor=actor, action="kexie.honour.recorded", obj=honour, after=audit.snapshot(honour))
    return honour


@transaction.atomic
def honour_outcome_set(*, actor, honour: Honour, outcome: str, prize: str = "") -> Honour:
    """The result of a recommendation up (省优秀科技工作者: 入选; 淮海科技奖: 二等奖)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, honour)
    if honour.kind != HonourKind.RECOMMENDATION:
        raise ValidationError({"outcome": "只有向上推荐才有推荐结果"})
    if outcome not in RecommendationOutcome.values:
        raise ValidationError({"outcome": "推荐结果应为 待定、入选/获批、未入选 之一"})
    before = {"outcome": honour.outcome, "prize": honour.prize}
    honour.outcome, honour.prize = outcome, prize or honour.prize
    Honour.objects.of(honour).update(outcome=honour.outcome, prize=honour.prize)
    audit.log(
        actor=actor, action="kexie.honour.outcome_set", obj=honour, before=before,
        after={"outcome": honour.outcome, "prize": honour.prize},
    )  # fmt: skip
    return honour
