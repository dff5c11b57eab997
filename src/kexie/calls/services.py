"""Writes of the call engine: calls, quotas, entries and their stages (形式审查 → committee
decision with votes), institution aliases. Each is keyword-only, atomic and audited; every
stage change goes through `core.services.transition`, so concurrent reviewers cannot both win.

Who may do what: a call is managed by staff (EDIT) of its organiser's scope; an entry is
written by staff of its submitting unit's scope (a county recommends up to the city's call)
while the call is open; the formal check and the committee decision belong to reviewers
(REVIEW) of the organiser's scope."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.roles import EDIT, REVIEW
from kexie.calls import rules
from kexie.calls.codes import (
    EDITABLE_ENTRY,
    LIVE_ENTRY,
    CallStatus,
    EntryStatus,
    MemberRole,
    Outcome,
)
from kexie.calls.models import Call, Entry, EntryDecision, EntryMember, InstitutionAlias, UnitQuota
from kexie.core import audit, grants
from kexie.core.scoping import in_scope, unit_filter
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    lock_for_update,
    require_perm,
    require_state_unchanged,
    require_unit_in_scope,
    save_with_audit,
    transition,
)
from kexie.directory.models import Organisation

CALL_FIELDS = (
    "title", "kind", "entrant_kind", "series", "edition", "year", "organiser", "honour_level", "higher_body", "opens_on",
    "closes_on", "review_on", "notice_days", "form_fields", "eligibility", "quota", "prize_levels",
    "is_public", "is_blind", "description", "higher_call", "higher_level", "higher_quota",
)  # fmt: skip
ENTRY_FIELDS = (
    "title", "person", "organisation", "entrant_name", "institution", "institution_name", "province",
    "answers", "submitting_unit",
)  # fmt: skip
MEMBER_FIELDS = (
    "role", "name", "person", "birth_date", "school_stage", "occupation", "institution", "institution_name",
    "phone", "guardian_name", "guardian_consent_at",
)  # fmt: skip
STATUS_CAPABILITY = "entry_status"


# ---------------------------------------------------------------------- permissions


def require_organiser(actor, call: Call, perm: str = EDIT) -> None:
    """The call belongs to the actor's scope (404 otherwise) and the actor holds `perm`."""
    from django.http import Http404

    if actor is not None and not in_scope(actor, call.organiser):
        raise Http404
    require_perm(actor, perm)


def may_touch_entry(actor, entry: Entry) -> bool:
    return actor is None or in_scope(actor, entry.submitting_unit) or in_scope(actor, entry.call.organiser)


def _require_entry_writer(actor, entry: Entry) -> None:
    from django.http import Http404

    if not may_touch_entry(actor, entry):
        raise Http404
    require_perm(actor, EDIT)


# ---------------------------------------------------------------------- calls


def validate_call(call: Call) -> None:
    errors = {}
    for name, clean in (
        ("form_fields", rules.clean_form_fields),
        ("eligibility", rules.clean_eligibility),
        ("prize_levels", rules.clean_prize_levels),
    ):
        try:
            setattr(call, name, clean(getattr(call, name) or []))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if (
        call.higher_call_id
        and call.pk is not None
        and call.pk in (call.higher_call_id, call.higher_call.higher_call_id)
    ):
        errors["higher_call"] = ["上级竞赛不能是本征集评选或其下级"]
    if call.opens_on and call.closes_on and call.closes_on < call.opens_on:
        errors["closes_on"] = ["征集截止日期不能早于开始日期"]
    if errors:
        raise ValidationError(errors)
    full_clean_chinese(call)


def _check_higher_call(actor, call: Call) -> None:
    from kexie.core import references

    if call.higher_call_id and actor is not None:
        references.check(
            "calls.Call.higher_call", actor, call.higher_call, field="higher_call", label="上级竞赛"
        )


@transaction.atomic
def call_create(*, actor, data: dict[str, Any]) -> Call:
    require_perm(actor, EDIT)
    call = Call(created_by=actor if getattr(actor, "pk", None) else None)
    apply_fields(call, data, CALL_FIELDS)
    if not call.organiser_id and actor is not None:
        call.organiser = actor.unit
    require_unit_in_scope(actor, call.organiser if call.organiser_id else None, "organiser")
    _check_higher_call(actor, call)
    validate_call(call)
    call.save()
    audit.log(actor=actor, action="kexie.call.created", obj=call, after=audit.snapshot(call))
    return call


@transaction.atomic
def call_update(*, actor, call: Call, data: dict[str, Any]) -> Call:
    require_organiser(actor, call)
    require_state_unchanged(call)
    if call.status not in (CallStatus.DRAFT, CallStatus.OPEN):
        raise ValidationError("征集结束后不能修改征集评选的设置")
    before = audit.snapshot(call)
    apply_fields(call, data, CALL_FIELDS)
    if "organiser" in data:
        require_unit_in_scope(actor, call.organiser, "organiser")
    if "higher_call" in data:
        _check_higher_call(actor, call)
    save_with_audit(obj=call, actor=actor, action="kexie.call.changed", before=before, validate=validate_call)
    return call


def _call_step(call, *, actor, seen, allowed_from, to, action, values=None, note="") -> Call:
    before = transition(call, seen=seen or call.status, to=to, allowed_from=allowed_from, values=values)
    audit.log(
        actor=actor, action=action, obj=call, before={"status": before}, after={"status": to}, note=note
    )
    return call


@transaction.atomic
def call_open(*, actor, call: Call, seen: str | None = None) -> Call:
    require_organiser(actor, call)
    return _call_step(
        call, actor=actor, seen=seen, allowed_from=(CallStatus.DRAFT, CallStatus.CLOSED), to=CallStatus.OPEN,
        action="kexie.call.opened",
    )  # fmt: skip


@transaction.atomic
def call_close(*, actor, call: Call, seen: str | None = None) -> Call:
    require_organiser(actor, call)
    return _call_step(
        call, actor=actor, seen=seen, allowed_from=(CallStatus.OPEN,), to=CallStatus.CLOSED,
        action="kexie.call.closed",
    )  # fmt: skip


@transaction.atomic
def unit_quota_set(*, actor, call: Call, unit: Organisation, quota: int) -> UnitQuota:
    """How many entries `unit` and the units below it may recommend to `call`."""
    require_organiser(actor, call)
    if quota is None or quota < 0:
        raise ValidationError({"quota": "名额应为非负整数"})
    row, _created = UnitQuota.objects.unscoped(reason="one row per call and unit").update_or_create(
        call=call, unit=unit, defaults={"quota": quota}
    )
    audit.log(actor=actor, action="kexie.call.quota_set", obj=call, after={"unit": str(unit), "quota": quota})
    return row


# ---------------------------------------------------------------------- institutions


def normalise_name(name: str) -> str:
    """Spaces and full-width brackets do not make another institution."""
    table = str.maketrans({"(": "(", ")": ")", "\u3000": "", " ": ""})
    return (name or "").translate(table).strip()


def institution_resolve(name: str) -> Organisation | None:
    """The organisation a spelled institution name stands for: its own name or an alias."""
    name = normalise_name(name)
    if not name:
        return None
    alias = InstitutionAlias.objects.filter(alias=name).select_related("organisation").first()
    if alias is not None:
        return alias.organisation
    return Organisation.objects.unscoped(reason="institutions are reference data").filter(name=name).first()


@transaction.atomic
def institution_create(*, actor, name: str, kind: str, region=None) -> Organisation:
    """An institution outside the city's tree (a university of another province): no parent."""
    from kexie.directory.services import _refresh_path

    require_perm(actor, EDIT)
    org = Organisation(name=normalise_name(name), kind=kind, region=region)
    full_clean_chinese(org)
    org.save()
    _refresh_path(org)
    audit.log(actor=actor, action="kexie.organisation.created", obj=org, after=audit.snapshot(org))
    return org


@transaction.atomic
def institution_alias_add(*, actor, alias: str, organisation: Organisation) -> InstitutionAlias:
    """Another spelling of `organisation`; entries that carried the spelling now point at it."""
    require_perm(actor, EDIT)
    alias = normalise_name(alias)
    if not alias:
        raise ValidationError({"alias": "请填写别名"})
    if alias == organisation.name:
        raise ValidationError({"alias": "别名与单位名称相同"})
    row = InstitutionAlias(alias=alias, organisation=organisation)
    full_clean_chinese(row)
    row.save()
    linked = (
        Entry.objects.unscoped(reason="entries that spelled the institution this way, in every unit")
        .filter(institution__isnull=True, institution_name=alias)
        .update(institution=organisation)
    )
    audit.log(
        actor=actor, action="kexie.institution_alias.created", obj=organisation,
        after={"alias": alias, "organisation": organisation.name, "entries_linked": linked},
    )  # fmt: skip
    return row


# ---------------------------------------------------------------------- entries


def _next_code(call: Call) -> str:
    lock_for_update(call)
    n = Entry.objects.unscoped(reason="numbering within a call").filter(call=call).count() + 1
    return f"{call.year}-{call.pk:03d}-{n:05d}"


def _identity_keys(entry: Entry, members: list) -> list[str]:
    keys = []
    if entry.person_id:
        keys.append(f"p{entry.person_id}")
    if entry.organisation_id:
        keys.append(f"o{entry.organisation_id}")
    for m in members:
        if m.role == MemberRole.ADVISER:
            continue
        if m.person_id:
            keys.append(f"p{m.person_id}")
        elif m.phone:
            keys.append(f"t{m.phone_hash or ''}")
        else:
            raw = f"{m.name}|{m.birth_date or ''}"
            keys.append("n" + hashlib.sha256(raw.encode()).hexdigest()[:20])
    return sorted(set(keys))


def _store_members(entry: Entry, members: list[dict] | None) -> list[EntryMember]:
    if members is None:
        return list(entry.members.all())
    entry.members.all().delete()
    rows = []
    for n, data in enumerate(members, start=1):
        member = EntryMember(entry=entry)
        apply_fields(member, data, MEMBER_FIELDS)
        if member.institution_id is None and member.institution_name:
            member.institution = institution_resolve(member.institution_name)
        try:
            full_clean_chinese(member, exclude=["entry"])
        except ValidationError as exc:
            raise ValidationError({f"members[{n}]": [f"第{n}位成员:{m}" for m in exc.messages]}) from exc
        member.save()
        rows.append(member)
    return rows


def _refresh_identity(entry: Entry, members: list) -> None:
    keys = _identity_keys(entry, members)
    stored = "|" + "|".join(keys) + "|" if keys else ""
    Entry.objects.of(entry).update(identity_keys=stored)
    entry.identity_keys = stored


def _resolve_institution(entry: Entry) -> None:
    if entry.institution_id is None and entry.institution_name:
        entry.institution = institution_resolve(entry.institution_name)
    entry.institution_name = normalise_name(entry.institution_name)


def validate_entry(entry: Entry) -> None:
    problems = rules.answer_problems(entry.call.form_fields, entry.answers or {})
    if problems:
        raise ValidationError({"answers": [f"{v}" for v in problems.values()]})
    if not (entry.title or "").strip():
        raise ValidationError({"title": "请填写名称"})
    full_clean_chinese(entry, exclude=["code"])


@transaction.atomic
def entry_create(*, actor, call: Call, data: dict[str, Any], members: list[dict] | None = None) -> Entry:
    """A draft entry of `call`, by staff of the submitting unit (default: the actor's unit)."""
    require_perm(actor, EDIT)
    if call.status != CallStatus.OPEN:
        raise ValidationError("该征集评选不在征集期内,不能新增申报")
    entry = Entry(call=call, created_by=actor if getattr(actor, "pk", None) else None)
    apply_fields(entry, data, ENTRY_FIELDS)
    if not entry.submitting_unit_id and actor is not None:
        entry.submitting_unit = actor.unit
    require_unit_in_scope(
        actor, entry.submitting_unit if entry.submitting_unit_id else None, "submitting_unit"
    )
    _resolve_institution(entry)
    validate_entry(entry)
    entry.code = _next_code(call)
    entry.save()
    _refresh_identity(entry, _store_members(entry, members))
    audit.log(actor=actor, action="kexie.entry.created", obj=entry, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def entry_update(*, actor, entry: Entry, data: dict[str, Any], members: list[dict] | None = None) -> Entry:
    _require_entry_writer(actor, entry)
    require_state_unchanged(entry)
    if entry.status not in EDITABLE_ENTRY:
        raise ValidationError("已提交的申报不能修改;如需修改,请形式审查人员先退回")
    before = audit.snapshot(entry)
    apply_fields(entry, data, ENTRY_FIELDS)
    if "submitting_unit" in data:
        require_unit_in_scope(actor, entry.submitting_unit, "submitting_unit")
    _resolve_institution(entry)
    save_with_audit(
        obj=entry, actor=actor, action="kexie.entry.changed", before=before, validate=validate_entry
    )
    _refresh_identity(entry, _store_members(entry, members))
    return entry


def _entry_step(entry, *, actor, seen, allowed_from, to, action, values=None, note="") -> Entry:
    before = transition(entry, seen=seen or entry.status, to=to, allowed_from=allowed_from, values=values)
    audit.log(
        actor=actor, action=action, obj=entry, before={"status": before}, after={"status": to}, note=note
    )
    return entry


def _others_with(call: Call, entry: Entry, keys: list[str]) -> list[str]:
    from django.db.models import Q

    if not keys:
        return []
    condition = Q()
    for key in keys:
        condition |= Q(identity_keys__contains=f"|{key}|")
    qs = Entry.objects.unscoped(reason="one entry per person: every unit's entries to the call")
    return list(
        qs.filter(condition, call=call, status__in=LIVE_ENTRY)
        .exclude(pk=entry.pk)
        .values_list("code", flat=True)
    )


def _earlier_wins(call: Call, keys: list[str], years: int | None) -> list[str]:
    from django.db.models import Q

    if not keys or not call.series:
        return []
    condition = Q()
    for key in keys:
        condition |= Q(identity_keys__contains=f"|{key}|")
    qs = Entry.objects.unscoped(reason="earlier winners of the series, in every unit").filter(
        condition, call__series=call.series, call__status=CallStatus.FINAL, status=EntryStatus.AWARDED
    )
    if years:
        qs = qs.filter(call__year__gte=call.year - years)
    return [f"{t}({y})" for t, y in qs.exclude(call=call).values_list("call__title", "call__year")]


def entry_facts(entry: Entry) -> rules.EntryFacts:
    call = entry.call
    members = list(entry.members.all())
    keys = [k for k in (entry.identity_keys or "").split("|") if k]
    return rules.EntryFacts(
        call_closes_on=call.closes_on,
        answers=entry.answers or {},
        members=members,
        person_is_cadre=bool(entry.person_id and entry.person.is_cadre),
        identities=keys,
        other_entries_of=lambda ks: _others_with(call, entry, ks),
        earlier_wins_of=lambda ks, years: _earlier_wins(call, ks, years),
    )


def _check_quota(entry: Entry) -> None:
    """A unit recommends within its quota: every quota of the unit or a unit above it counts."""
    path = entry.submitting_unit.path
    entries = Entry.objects.unscoped(reason="a quota counts every entry of the unit's subtree")
    for row in entry.call.quotas.select_related("unit"):
        if not path.startswith(row.unit.path):
            continue
        used = entries.filter(
            unit_filter("submitting_unit", row.unit.path), call=entry.call, status__in=LIVE_ENTRY
        )
        if used.exclude(pk=entry.pk).count() >= row.quota:
            raise ValidationError({"submitting_unit": f"{row.unit}的推荐名额为 {row.quota} 个,已用完"})


@transaction.atomic
def entry_submit(*, actor, entry: Entry, seen: str | None = None) -> Entry:
    """Submit (or resubmit after a return): the form's answers, the call's eligibility rules
    and the submitting unit's quota are checked now, every problem named."""
    _require_entry_writer(actor, entry)
    lock_for_update(entry.call)  # quotas and "one per person" count under the call's lock
    if entry.call.status != CallStatus.OPEN:
        raise ValidationError("该征集评选不在征集期内,不能提交")
    validate_entry(entry)
    from kexie.calls.entry_files import missing_files

    if missing := missing_files(entry):
        raise ValidationError({"answers": missing})
    problems = rules.eligibility_problems(entry.call.eligibility, entry_facts(entry))
    if problems:
        raise ValidationError({"eligibility": problems})
    _check_quota(entry)
    return _entry_step(
        entry, actor=actor, seen=seen, allowed_from=EDITABLE_ENTRY, to=EntryStatus.SUBMITTED,
        action="kexie.entry.submitted", values={"submitted_at": timezone.now(), "return_reason": ""},
    )  # fmt: skip


@transaction.atomic
def entry_withdraw(*, actor, entry: Entry, seen: str | None = None) -> Entry:
    _require_entry_writer(actor, entry)
    return _entry_step(
        entry, actor=actor, seen=seen, allowed_from=(*EDITABLE_ENTRY, EntryStatus.SUBMITTED),
        to=EntryStatus.WITHDRAWN, action="kexie.entry.withdrawn",
    )  # fmt: skip


@transaction.atomic
def entry_return(*, actor, entry: Entry, reason: str, seen: str | None = None) -> Entry:
    """形式审查: send an entry back with the reason; the submitter fixes and resubmits."""
    require_organiser(actor, entry.call, REVIEW)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回时必须填写原因"})
    return _entry_step(
        entry, actor=actor, seen=seen, allowed_from=(EntryStatus.SUBMITTED,), to=EntryStatus.RETURNED,
        action="kexie.entry.returned", values={"return_reason": reason}, note=reason,
    )  # fmt: skip


@transaction.atomic
def entry_accept(*, actor, entry: Entry, seen: str | None = None) -> Entry:
    """形式审查 passed: the entry goes on to review and decision."""
    require_organiser(actor, entry.call, REVIEW)
    return _entry_step(
        entry, actor=actor, seen=seen, allowed_from=(EntryStatus.SUBMITTED,), to=EntryStatus.ACCEPTED,
        action="kexie.entry.accepted",
    )  # fmt: skip


def _check_votes(votes_for: int, votes_against: int, votes_abstain: int, outcome: str) -> None:
    counts = (votes_for, votes_against, votes_abstain)
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in counts):
        raise ValidationError({"votes_for": "票数应为非负整数"})
    cast = sum(counts)
    if cast == 0:
        raise ValidationError({"votes_for": "请记录表决票数"})
    if outcome == Outcome.AWARD and votes_for * 2 <= cast:
        raise ValidationError({"votes_for": f"赞成票 {votes_for} 未过投票总数 {cast} 的半数,不能授奖"})


def _check_prize(entry: Entry, prize: str) -> None:
    call = entry.call
    levels = {p["code"]: p for p in call.prize_levels}
    if levels and prize not in levels:
        raise ValidationError(
            {"prize": f"奖项等级应为 {'、'.join(p['label'] for p in call.prize_levels)} 之一"}
        )
    entries = Entry.objects.unscoped(reason="limits count every entry of the call").filter(call=call)
    awarded = entries.filter(status=EntryStatus.AWARDED)
    if call.quota is not None and awarded.count() >= call.quota:
        raise ValidationError({"prize": f"总名额 {call.quota} 个已满"})
    if prize in levels:
        judged = entries.filter(
            status__in=(EntryStatus.ACCEPTED, EntryStatus.AWARDED, EntryStatus.NOT_AWARDED)
        ).count()
        limit = rules.prize_limit(levels[prize], judged)
        if limit is not None and awarded.filter(prize=prize).count() >= limit:
            raise ValidationError({"prize": f"{levels[prize]['label']}最多 {limit} 个,已满"})


@transaction.atomic
def entry_decide(
    *,
    actor,
    entry: Entry,
    outcome: str,
    votes_for: int,
    votes_against: int = 0,
    votes_abstain: int = 0,
    prize: str = "",
    meeting: str = "",
    seen: str | None = None,
) -> Entry:
    """The committee's decision on an accepted entry, with its votes: an award needs more than
    half of the votes cast, and fits the call's quota and the prize level's limit."""
    require_organiser(actor, entry.call, REVIEW)
    if entry.call.status not in (CallStatus.OPEN, CallStatus.CLOSED):
        raise ValidationError("公示开始后不能再作评审决定")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "决定应为“授奖/推荐”或“不授奖”"})
    lock_for_update(entry.call)
    _check_votes(votes_for, votes_against, votes_abstain, outcome)
    prize = prize if outcome == Outcome.AWARD else ""
    if outcome == Outcome.AWARD:
        _check_prize(entry, prize)
    to = EntryStatus.AWARDED if outcome == Outcome.AWARD else EntryStatus.NOT_AWARDED
    before = transition(entry, seen=seen or entry.status, to=to, allowed_from=(EntryStatus.ACCEPTED,),
                        values={"prize": prize})  # fmt: skip
    decision = EntryDecision.objects.create(
        entry=entry, outcome=outcome, prize=prize, votes_for=votes_for, votes_against=votes_against,
        votes_abstain=votes_abstain, meeting=meeting, decided_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.log(
        actor=actor, action="kexie.entry.decided", obj=entry, before={"status": before},
        after={"status": to, "prize": prize, "votes": [votes_for, votes_against, votes_abstain], "meeting": meeting},
    )  # fmt: skip
    entry.decision = decision
    return entry


@transaction.atomic
def entry_status_link(*, actor, entry: Entry, valid_until=None) -> str:
    """A link that shows the entrant the entry's status without an account; the token once."""
    _require_entry_writer(actor, entry)
    _link, token = grants.link_create(
        actor=actor, obj=entry, capability=STATUS_CAPABILITY, valid_until=valid_until
    )
    return token


def entry_by_status_token(token: str) -> Entry | None:
    return grants.link_resolve(token, STATUS_CAPABILITY, Entry)


def call_actions(user, call: Call) -> set[str]:
    """The buttons a call's page offers the user: the stage rules in one place."""
    if not in_scope(user, call.organiser):
        return set()
    acts = set()
    if user.has_perm(EDIT):
        acts |= {
            CallStatus.DRAFT: {"open", "edit"},
            CallStatus.OPEN: {"close", "edit", "import"},
            CallStatus.CLOSED: {"open", "import"},
            CallStatus.FINAL: {"certificates"},
        }.get(call.status, set())
        if call.status == CallStatus.FINAL and (call.higher_body or call.higher_call_id):
            acts |= {"recommend_up", "higher_import"}
    if user.has_perm(REVIEW):
        acts |= {
            CallStatus.OPEN: {"notice"},
            CallStatus.CLOSED: {"notice"},
            CallStatus.NOTICE: {"finalise", "objections"},
            CallStatus.FINAL: {"objections"},
        }.get(call.status, set())
    return acts
