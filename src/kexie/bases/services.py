"""Writes of outreach bases and venues. Keyword-only, atomic, audited.

The way in is the call engine: a naming round is a call of kind 命名认定 (kexie.calls) with the
batch, theme and validity its designations get; bases apply or are recommended as entries,
are checked, decided by the committee and put on 公示 there; `naming_land` then records each
named base as a directory designation with its base record and a 命名 change. Renewal and
revocation are dated changes; nothing of an earlier year is rewritten."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.roles import EDIT, REVIEW
from kexie.bases import scoring
from kexie.bases.codes import FIGURES, AssessmentOutcome, AssessmentStatus, BaseStatus, ChangeKind
from kexie.bases.models import (
    Assessment,
    AssessmentScheme,
    BaseDesignation,
    DesignationChange,
    NamingRound,
    Venue,
    VenueMonth,
)
from kexie.calls import services as calls
from kexie.calls.codes import CallKind, CallStatus, EntryStatus
from kexie.calls.models import Call, Entry
from kexie.core import audit
from kexie.core.scoping import path_ids
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    lock_for_update,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
    save_with_audit,
    transition,
)
from kexie.directory.codes import DesignationType, OrgKind
from kexie.directory.models import Designation, Organisation

VENUE_FIELDS = ("name", "kind", "operator", "region", "exhibition_area", "opened_on", "is_active")


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _today(day: dt.date | None) -> dt.date:
    return day or timezone.localdate()


# ---------------------------------------------------------------------- naming rounds


@transaction.atomic
def naming_round_create(
    *, actor, call_data: dict[str, Any], batch: str, valid_from: dt.date, valid_to: dt.date,
    theme: str = "", document_no: str = "",
) -> NamingRound:  # fmt: skip
    """A naming round: a call of kind 命名认定 for units, with what its designations carry."""
    call = calls.call_create(
        actor=actor, data={**call_data, "kind": CallKind.DESIGNATION, "entrant_kind": "unit"}
    )
    row = NamingRound(call=call, batch=(batch or "").strip(), theme=(theme or "").strip(),
                      valid_from=valid_from, valid_to=valid_to, document_no=document_no)  # fmt: skip
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": "有效期至不能早于有效期起"})
    full_clean_chinese(row)
    row.save()
    audit.log(actor=actor, action="kexie.naming_round.created", obj=row, after=audit.snapshot(row))
    return row


@transaction.atomic
def base_apply(
    *, actor, naming_round: NamingRound, base: Organisation, answers: dict | None = None,
    submitting_unit: Organisation | None = None, submit: bool = True,
) -> Entry:  # fmt: skip
    """A base's application (or a unit's recommendation of it) to the round's call, submitted
    unless `submit` is false; the call engine checks the form, eligibility and quotas."""
    if base.kind != OrgKind.OUTREACH_BASE:
        raise ValidationError({"base": f"“{base}”不是科普教育基地类单位,不能申报命名"})
    require_unit_in_scope(actor, base, "base")
    data = {"title": base.name, "organisation": base, "answers": answers or {}}
    if submitting_unit is not None:
        data["submitting_unit"] = submitting_unit
    entry = calls.entry_create(actor=actor, call=naming_round.call, data=data)
    if submit:
        calls.entry_submit(actor=actor, entry=entry)
    return entry


def _issuer(call: Call) -> str:
    return call.higher_body or call.organiser.name


@transaction.atomic
def naming_land(*, actor, naming_round: NamingRound, on: dt.date | None = None) -> list[BaseDesignation]:
    """Record every base the round's final call named: a directory designation of type 科普教育
    基地 at the call's level, its base record and a 命名 change. Landing twice adds nothing."""
    call = naming_round.call
    calls.require_organiser(actor, call, REVIEW)
    lock_for_update(naming_round)
    if call.status != CallStatus.FINAL:
        raise ValidationError("命名评选结果确定(公示期满)后才能登记命名")
    on = _today(on)
    entries = (
        Entry.objects.unscoped(reason="a round names the awarded entries of every submitting unit")
        .filter(call=call, status=EntryStatus.AWARDED, base_designation__isnull=True)
        .select_related("organisation")
        .order_by("code")
    )
    named = []
    for entry in entries:
        if entry.organisation_id is None:
            raise ValidationError({"entry": f"申报“{entry}”没有对应的单位,不能登记命名"})
        named.append(_name(actor, naming_round, entry, on))
    NamingRound.objects.of(naming_round).update(landed_at=timezone.now())
    audit.log(actor=actor, action="kexie.naming_round.landed", obj=naming_round, after={"named": len(named)})
    return named


def _name(actor, naming_round: NamingRound, entry: Entry, on: dt.date) -> BaseDesignation:
    call = naming_round.call
    designation = Designation(
        organisation=entry.organisation, type=DesignationType.OUTREACH_BASE, level=call.honour_level,
        year=call.year, valid_until=naming_round.valid_to, issuer=_issuer(call),
        document_no=naming_round.document_no,
    )  # fmt: skip
    full_clean_chinese(designation)
    designation.save()
    record = BaseDesignation.objects.create(
        designation=designation, naming_round=naming_round, entry=entry, batch=naming_round.batch,
        theme=naming_round.theme, valid_from=naming_round.valid_from, valid_to=naming_round.valid_to,
    )  # fmt: skip
    _change(actor, record, ChangeKind.NAMED, on, after=record.valid_to, reason=call.title)
    return record


def _change(actor, record, kind, on, *, before=None, after=None, reason="", assessment=None):
    change = DesignationChange.objects.create(
        base_designation=record, kind=kind, on=on, valid_to_before=before, valid_to_after=after,
        reason=reason, assessment=assessment, created_by=_user(actor),
    )  # fmt: skip
    audit.log(
        actor=actor, action=f"kexie.base_designation.{kind}", obj=record,
        after={"on": str(on), "valid_to": str(after or ""), "reason": reason},
    )  # fmt: skip
    return change


@transaction.atomic
def designation_renew(
    *, actor, base_designation: BaseDesignation, valid_to: dt.date, on: dt.date | None = None,
    reason: str = "", assessment: Assessment | None = None,
) -> BaseDesignation:  # fmt: skip
    """复核延续: the validity runs to `valid_to`; the change is dated, earlier years unchanged."""
    require_obj_in_scope(actor, base_designation)
    require_perm(actor, REVIEW)
    record = lock_for_update(base_designation)
    if record.status != BaseStatus.VALID:
        raise ValidationError("已撤销的命名不能延续,请重新申报命名")
    if valid_to <= record.valid_to:
        raise ValidationError({"valid_to": f"新的有效期至应晚于原有效期至 {record.valid_to}"})
    before = record.valid_to
    BaseDesignation.objects.of(record).update(valid_to=valid_to)
    Designation.objects.of(record.designation).update(valid_until=valid_to)
    _change(actor, record, ChangeKind.RENEWED, _today(on), before=before, after=valid_to, reason=reason,
            assessment=assessment)  # fmt: skip
    base_designation.valid_to = valid_to
    return base_designation


@transaction.atomic
def designation_revoke(
    *, actor, base_designation: BaseDesignation, reason: str, on: dt.date | None = None,
    assessment: Assessment | None = None,
) -> BaseDesignation:  # fmt: skip
    """撤销命名 from `on`: the designation counts as held until the day before."""
    require_obj_in_scope(actor, base_designation)
    require_perm(actor, REVIEW)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "撤销命名须填写原因"})
    on = _today(on)
    if on <= base_designation.valid_from:
        raise ValidationError({"on": f"撤销日期应晚于命名有效期起 {base_designation.valid_from}"})
    transition(base_designation, seen=BaseStatus.VALID, to=BaseStatus.REVOKED, allowed_from=(BaseStatus.VALID,),
               values={"revoked_on": on}, refused="该命名已撤销")  # fmt: skip
    _change(actor, base_designation, ChangeKind.REVOKED, on, before=base_designation.valid_to, reason=reason,
            assessment=assessment)  # fmt: skip
    return base_designation


# ---------------------------------------------------------------------- assessments


@transaction.atomic
def assessment_scheme_set(
    *, actor, unit: Organisation, year: int, thresholds: list[dict], excellent_from: int = 90,
    pass_from: int = 60, rectify_from: int = 40,
) -> AssessmentScheme:  # fmt: skip
    """The thresholds and bands `unit` sets for the assessments of `year` and later."""
    require_perm(actor, REVIEW)
    require_unit_in_scope(actor, unit, "unit")
    cleaned = scoring.clean_thresholds(thresholds)
    scoring.clean_bands(excellent_from, pass_from, rectify_from)
    scheme = (
        AssessmentScheme.objects.unscoped(reason="one scheme a unit and year")
        .filter(unit=unit, year=year)
        .first()
    )
    scheme = scheme or AssessmentScheme(unit=unit, year=year)
    before = audit.snapshot(scheme) if scheme.pk else None
    scheme.thresholds, scheme.excellent_from = cleaned, excellent_from
    scheme.pass_from, scheme.rectify_from = pass_from, rectify_from
    return save_with_audit(obj=scheme, actor=actor, action="kexie.assessment_scheme.set", before=before,
                           validate=full_clean_chinese)  # fmt: skip


def scheme_for(unit: Organisation | None, year: int) -> dict:
    """The scheme in force for `year`: the nearest unit at or above `unit` that set one (the
    latest year not after `year`), else the defaults."""
    if unit is not None:
        ids = path_ids(unit.path)
        rows = AssessmentScheme.objects.unscoped(reason="schemes of the units above, set as data").filter(
            unit_id__in=ids, year__lte=year
        )
        depth = {pk: n for n, pk in enumerate(ids)}
        best = max(rows, key=lambda s: (depth[s.unit_id], s.year), default=None)
        if best is not None:
            return {"unit": best.unit.name, "year": best.year, "thresholds": best.thresholds,
                    "excellent_from": best.excellent_from, "pass_from": best.pass_from,
                    "rectify_from": best.rectify_from}  # fmt: skip
    return {"unit": "", "year": None, **scoring.default_scheme()}


def _assessing_unit(record: BaseDesignation) -> Organisation:
    if record.naming_round_id:
        return record.naming_round.call.organiser
    return record.designation.organisation


def held_during(record: BaseDesignation, year: int) -> bool:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    revoked_before = record.revoked_on is not None and record.revoked_on <= first
    return record.valid_from <= last and record.valid_to >= first and not revoked_before


def _clean_figures(figures: dict[str, Any]) -> dict[str, int]:
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValidationError({name: "不是考核数据项" for name in sorted(unknown)})
    if figures.get("open_days") is None:
        raise ValidationError({"open_days": "请填写年开放天数"})
    cleaned = {}
    for name, value in figures.items():
        label = FIGURES[name][0]
        if value is None:
            value = 0
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 100_000_000:
            raise ValidationError({name: f"{label}应为非负整数"})
        cleaned[name] = value
    if cleaned["open_days"] > 366 or cleaned.get("student_free_days", 0) > 366:
        raise ValidationError({"open_days": "开放天数不能超过 366 天"})
    return cleaned


@transaction.atomic
def assessment_record(
    *, actor, base_designation: BaseDesignation, year: int, figures: dict[str, Any]
) -> Assessment:
    """The year's figures of a base (new, or replacing a draft's), scored against the scheme in
    force; the outcome is decided separately. A figure left out (not given at all) is the one
    kexie already holds, if it holds one (`selectors.held_figures`: activities from the ledger,
    exhibition area and visitors from the base's venues); a figure given wins."""
    from kexie.bases.selectors import held_figures

    require_obj_in_scope(actor, base_designation)
    require_perm(actor, EDIT)
    if not held_during(base_designation, year):
        raise ValidationError({"year": f"{base_designation.organisation}在{year}年未持有该命名,不能考核"})
    figures = {**held_figures(base_designation, year), **figures}
    figures = _clean_figures(figures)
    scheme = scheme_for(_assessing_unit(base_designation), year)
    points, outcome, shortfalls = scoring.score(figures, scheme)
    row = (
        Assessment.objects.unscoped(reason="one assessment a designation and year")
        .filter(base_designation=base_designation, year=year).first()
    )  # fmt: skip
    if row is not None and row.is_decided:
        raise ValidationError({"year": f"{year}年度考核已审定,不能修改"})
    row = row or Assessment(base_designation=base_designation, year=year)
    before = audit.snapshot(row) if row.pk else None
    for name, value in figures.items():
        setattr(row, name, value)
    row.score, row.computed_outcome, row.shortfalls, row.scheme_used = points, outcome, shortfalls, scheme
    return save_with_audit(obj=row, actor=actor, action="kexie.assessment.recorded", before=before,
                           validate=full_clean_chinese)  # fmt: skip


@transaction.atomic
def assessment_decide(
    *, actor, assessment: Assessment, outcome: str | None = None, note: str = "", on: dt.date | None = None,
    seen: str | None = None,
) -> Assessment:  # fmt: skip
    """审定: the outcome (the scored one unless the reviewers set another, with a note). 撤销
    revokes the designation from the day of the decision."""
    require_obj_in_scope(actor, assessment)
    require_perm(actor, REVIEW)
    outcome = outcome or assessment.computed_outcome
    if outcome not in AssessmentOutcome.values:
        raise ValidationError({"outcome": "考核结果应为 优秀、合格、整改、撤销 之一"})
    note = (note or "").strip()
    if outcome != assessment.computed_outcome and not note:
        raise ValidationError({"note": "审定结果与评分结果不同,须填写审定意见"})
    on = _today(on)
    transition(assessment, seen=seen or assessment.status, to=AssessmentStatus.DECIDED,
               allowed_from=(AssessmentStatus.DRAFT,), values={"outcome": outcome, "note": note, "decided_on": on})  # fmt: skip
    audit.log(actor=actor, action="kexie.assessment.decided", obj=assessment,
              after={"outcome": outcome, "score": str(assessment.score)}, note=note)  # fmt: skip
    if outcome == AssessmentOutcome.REVOKE and assessment.base_designation.is_valid:
        designation_revoke(actor=actor, base_designation=assessment.base_designation, on=on,
                           reason=f"{assessment.year}年度考核不合格:{note or '评分未达整改线'}", assessment=assessment)  # fmt: skip
    return assessment


# ---------------------------------------------------------------------- venues


@transaction.atomic
def venue_create(*, actor, data: dict[str, Any]) -> Venue:
    require_perm(actor, EDIT)
    venue = Venue()
    apply_fields(venue, data, VENUE_FIELDS)
    if not venue.operator_id and actor is not None:
        venue.operator = actor.unit
    require_unit_in_scope(actor, venue.operator if venue.operator_id else None, "operator")
    full_clean_chinese(venue)
    venue.save()
    audit.log(actor=actor, action="kexie.venue.created", obj=venue, after=audit.snapshot(venue))
    return venue


@transaction.atomic
def venue_update(*, actor, venue: Venue, data: dict[str, Any]) -> Venue:
    require_obj_in_scope(actor, venue)
    require_perm(actor, EDIT)
    before = audit.snapshot(venue)
    apply_fields(venue, data, VENUE_FIELDS)
    if "operator" in data:
        require_unit_in_scope(actor, venue.operator, "operator")
    return save_with_audit(obj=venue, actor=actor, action="kexie.venue.changed", before=before,
                           validate=full_clean_chinese)  # fmt: skip


@transaction.atomic
def venue_visitors_record(*, actor, venue: Venue, month: dt.date, visitors: int) -> VenueMonth:
    """The visitors of a month (any day of it names the month); recording again replaces."""
    require_obj_in_scope(actor, venue)
    require_perm(actor, EDIT)
    if not isinstance(visitors, int) or isinstance(visitors, bool) or not 0 <= visitors <= 10_000_000:
        raise ValidationError({"visitors": "观众人次应为 0 至 10000000 的整数"})
    month = month.replace(day=1)
    if month > _today(None).replace(day=1):
        raise ValidationError({"month": f"{month:%Y年%m月}尚未到来"})
    row, created = VenueMonth.objects.unscoped(reason="one row a venue and month").get_or_create(
        venue=venue, month=month, defaults={"visitors": visitors}
    )
    before = None if created else {"visitors": row.visitors}
    if not created:
        VenueMonth.objects.of(row).update(visitors=visitors)
        row.visitors = visitors
    audit.log(actor=actor, action="kexie.venue_month.recorded", obj=row, before=before,
              after={"month": f"{month:%Y-%m}", "visitors": visitors})  # fmt: skip
    return row
