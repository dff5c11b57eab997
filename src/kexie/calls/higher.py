"""The path up (county → city → province → national) and the higher contests' results fed back.

- **Recommending up** (`entry_recommend_up`, `call_recommend_up`): an entry that won (awarded,
  results final) is recommended to the higher contest, within the call's `higher_quota`. When
  the higher contest is a call of this system (`higher_call`: a county's contest recommends into
  the city's), the recommendation is a new entry of that call submitted by the lower call's
  organiser, so the higher call's unit quota, form and eligibility apply as to any entry; the
  actor must manage the lower call (a county recommends to the city, the city to the province:
  scoped as everywhere else).
- **Results fed back** (`higher_result_record`, `higher_results_import_table`, and on its own
  when the higher call of this system is finalised): one `HigherResult` per entry and level;
  the entry's `higher_result`/`higher_prize` show the highest level reached.
- **Passed down the path** (`pass_down`): a result recorded on an entry that a lower call of this
  system recommended (the city's entry a county's winner became) is recorded on that lower entry
  too, and on down the chain, so the county learns its work's provincial and national results
  (national → province → city → county). The copy names its source (`HigherResult.source`), has
  its own audit entry, follows corrections, and is neither counted again by the indicators nor
  part of the lower entry's summary (`higher_result`, the entry's own next level). When the
  higher call of this system decides, a lower recommendation's outcome (入选/未入选) is set on the
  lower unit's honour.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kexie.accounts.roles import EDIT
from kexie.calls.codes import CallKind, CallStatus, EntryStatus
from kexie.calls.models import Call, Entry, HigherResult
from kexie.calls.services import entry_create, entry_submit, require_organiser
from kexie.core import audit
from kexie.core.services import lock_for_update
from kexie.directory.codes import DesignationLevel

LEVEL_ORDER = {DesignationLevel.CITY: 1, DesignationLevel.PROVINCE: 2, DesignationLevel.NATIONAL: 3}
NEXT_LEVEL = {
    DesignationLevel.CITY: DesignationLevel.PROVINCE,
    DesignationLevel.PROVINCE: DesignationLevel.NATIONAL,
}


def higher_level_of(call: Call) -> str:
    """The level of the contest the call recommends to: set on the call, else the higher call's,
    else one above the call's own level."""
    if call.higher_level:
        return call.higher_level
    if call.higher_call_id:
        return call.higher_call.honour_level
    return NEXT_LEVEL.get(call.honour_level, DesignationLevel.NATIONAL)


def _entries(call: Call):
    return Entry.objects.unscoped(reason="the path up counts every entry of the call").filter(call=call)


def recommended_count(call: Call) -> int:
    return _entries(call).filter(recommended_at__isnull=False).count()


def _copy_members(entry: Entry) -> list[dict]:
    fields = ("role", "name", "person", "birth_date", "school_stage", "occupation", "institution",
              "institution_name", "phone", "guardian_name", "guardian_consent_at")  # fmt: skip
    return [{f: getattr(m, f) for f in fields} for m in entry.members.all()]


@transaction.atomic
def entry_recommend_up(*, actor, entry: Entry) -> Entry:
    """Recommend a winning entry to the higher contest, within the call's quota. Returns the
    entry (with `recommended_as` when the higher contest is a call of this system)."""
    call = entry.call
    require_organiser(actor, call, EDIT)
    lock_for_update(call)
    entry = _entries(call).select_related("call").get(pk=entry.pk)
    if not (call.higher_body or call.higher_call_id):
        raise ValidationError("该征集评选没有设置上级竞赛,不能向上推荐")
    if call.status != CallStatus.FINAL:
        raise ValidationError("结果确定后才能向上推荐")
    if entry.status != EntryStatus.AWARDED:
        raise ValidationError(f"{entry.code} 未获奖,不能向上推荐")
    if entry.recommended_at is not None:
        raise ValidationError(f"{entry.code} 已向上推荐")
    used = recommended_count(call)
    if call.higher_quota is not None and used >= call.higher_quota:
        raise ValidationError(f"向上推荐名额 {call.higher_quota} 个已用完")
    higher_entry = None
    if call.higher_call_id:
        higher = call.higher_call
        data = {
            "title": entry.title, "person": entry.person, "organisation": entry.organisation,
            "entrant_name": entry.entrant_name, "institution": entry.institution,
            "institution_name": entry.institution_name, "province": entry.province,
            "answers": {k: v for k, v in (entry.answers or {}).items()
                        if k in {f["name"] for f in higher.form_fields}},
            "submitting_unit": call.organiser,
        }  # fmt: skip
        try:
            higher_entry = entry_create(actor=actor, call=higher, data=data, members=_copy_members(entry))
            entry_submit(actor=actor, entry=higher_entry)
        except ValidationError as exc:
            raise ValidationError([f"{entry.code} 推荐到{higher}:{m}" for m in exc.messages]) from exc
        Entry.objects.of(higher_entry).update(recommended_from=entry)
    now = timezone.now()
    Entry.objects.of(entry).update(recommended_at=now)
    entry.recommended_at = now
    audit.log(
        actor=actor, action="kexie.entry.recommended_up", obj=entry,
        after={"to": str(call.higher_call or call.higher_body), "level": higher_level_of(call),
               "higher_entry": higher_entry.code if higher_entry else "", "quota": call.higher_quota,
               "used": used + 1},
    )  # fmt: skip
    return entry


def prize_order(call: Call):
    order = {p["code"]: n for n, p in enumerate(call.prize_levels)}
    return lambda e: (order.get(e.prize, len(order)), e.code)


@transaction.atomic
def call_recommend_up(*, actor, call: Call, limit: int | None = None) -> list[Entry]:
    """Recommend the winners not yet recommended, best prize first (the order of the call's
    prize levels, then the entry code), up to the quota left (and `limit`)."""
    require_organiser(actor, call, EDIT)
    if not (call.higher_body or call.higher_call_id):
        raise ValidationError("该征集评选没有设置上级竞赛,不能向上推荐")
    waiting = sorted(
        _entries(call).filter(status=EntryStatus.AWARDED, recommended_at__isnull=True).prefetch_related("members"),
        key=prize_order(call),
    )  # fmt: skip
    room = len(waiting) if call.higher_quota is None else max(call.higher_quota - recommended_count(call), 0)
    if limit is not None:
        room = min(room, limit)
    if waiting and room == 0:
        raise ValidationError(f"向上推荐名额 {call.higher_quota} 个已用完")
    return [entry_recommend_up(actor=actor, entry=e) for e in waiting[:room]]


def _may_record(entry: Entry) -> bool:
    if entry.recommended_at is not None:
        return True
    return entry.call.kind == CallKind.RECOMMENDATION and entry.status == EntryStatus.AWARDED


def _refresh_summary(entry: Entry) -> None:
    # The entry's own results only (copies passed down are listed with their source, and are
    # counted where they were recorded): a county's entry sums up as its city result.
    rows = list(
        HigherResult.objects.unscoped(reason="the entry's own results").filter(
            entry=entry, source__isnull=True
        )
    )
    best = max(rows, key=lambda r: LEVEL_ORDER.get(r.level, 0), default=None)
    result, prize = (best.result, best.prize) if best else ("", "")
    Entry.objects.of(entry).update(higher_result=result, higher_prize=prize)
    entry.higher_result, entry.higher_prize = result, prize


@transaction.atomic
def higher_result_record(
    *,
    actor,
    entry: Entry,
    result: str,
    prize: str = "",
    level: str | None = None,
    body: str = "",
    successful: bool | None = None,
    on: dt.date | None = None,
) -> HigherResult:
    """A higher contest's result for an entry recommended up (or for an awarded recommendation),
    one per level; recording a level again corrects it."""
    from kexie.honours.models import Honour, RecommendationOutcome

    call = entry.call
    require_organiser(actor, call, EDIT)
    result, prize = (result or "").strip(), (prize or "").strip()
    if not result:
        raise ValidationError({"result": "请填写上级评选结果"})
    if len(result) > 60 or len(prize) > 30:
        raise ValidationError({"result": "上级评选结果不超过 60 字,奖项不超过 30 字"})
    level = level or higher_level_of(call)
    if level not in LEVEL_ORDER:
        raise ValidationError({"level": "级别应为 市级、省级 或 国家级"})
    fresh = _entries(call).values("recommended_at", "status").get(pk=entry.pk)
    entry.recommended_at, entry.status = fresh["recommended_at"], fresh["status"]
    if not _may_record(entry):
        raise ValidationError(f"{entry.code} 未向上推荐,不能登记上级评选结果")
    row = _write(
        actor=actor, entry=entry, level=level,
        defaults={"result": result, "prize": prize, "body": body or call.higher_body,
                  "recorded_on": on or timezone.localdate(),
                  "recorded_by": actor if getattr(actor, "pk", None) else None, "source": None},
    )  # fmt: skip
    honour = Honour.objects.unscoped(reason="the honour the entry landed as").filter(entry=entry).first()
    if honour is not None and successful is not None and honour.kind == "recommendation":
        outcome = RecommendationOutcome.SUCCESSFUL if successful else RecommendationOutcome.UNSUCCESSFUL
        Honour.objects.of(honour).update(outcome=outcome, prize=prize or honour.prize)
        audit.log(actor=actor, action="kexie.honour.outcome_set", obj=honour, after={"outcome": outcome})
    return row


def _write(
    *, actor, entry: Entry, level: str, defaults: dict, audit_extra: dict | None = None, _depth: int = 0
) -> HigherResult:
    """One result row (created, or corrected when the level is recorded again), the entry's
    summary, its audit entry; then the same result passed down the path."""
    before = {"higher_result": entry.higher_result, "higher_prize": entry.higher_prize}
    row, created = HigherResult.objects.unscoped(reason="one row per entry and level").update_or_create(
        entry=entry, level=level, defaults=defaults
    )
    _refresh_summary(entry)
    audit.log(actor=actor, action="kexie.entry.higher_result", obj=entry, before=before,
              after={"level": level, "higher_result": row.result, "higher_prize": row.prize,
                     "corrected": not created, **(audit_extra or {})})  # fmt: skip
    pass_down(actor=actor, row=row, _depth=_depth)
    return row


MAX_PATH = 5  # county → city → province → national is 3 steps; a guard, not a rule


def pass_down(*, actor, row: HigherResult, _depth: int = 0) -> HigherResult | None:
    """Record `row` on the entry its entry was recommended from (a lower call of this system), as
    a copy naming its source; that entry passes it on down in turn. Returns the copy, if any."""
    if _depth >= MAX_PATH:
        return None
    entry = _entries_any().select_related("recommended_from").get(pk=row.entry_id)
    lower = entry.recommended_from
    if lower is None:
        return None
    return _write(
        actor=actor, entry=lower, level=row.level,
        defaults={"result": row.result, "prize": row.prize, "body": row.body, "recorded_on": row.recorded_on,
                  "recorded_by": row.recorded_by, "source": row},
        audit_extra={"from": entry.code}, _depth=_depth + 1,
    )  # fmt: skip


def _entries_any():
    return Entry.objects.unscoped(reason="the path up links entries of calls of several units")


def _set_recommendation_outcome(*, actor, entry: Entry, successful: bool, prize: str = "") -> None:
    """The lower unit's honour for a recommendation the higher call has now decided on."""
    from kexie.honours.models import Honour, HonourKind, RecommendationOutcome

    honour = (
        Honour.objects.unscoped(reason="the honour the entry landed as")
        .filter(entry=entry, kind=HonourKind.RECOMMENDATION)
        .first()
    )
    if honour is None:
        return
    outcome = RecommendationOutcome.SUCCESSFUL if successful else RecommendationOutcome.UNSUCCESSFUL
    if honour.outcome == outcome:
        return
    before = {"outcome": honour.outcome, "prize": honour.prize}
    Honour.objects.of(honour).update(outcome=outcome, prize=prize or honour.prize)
    audit.log(actor=actor, action="kexie.honour.outcome_set", obj=honour, before=before,
              after={"outcome": outcome, "prize": prize or honour.prize})  # fmt: skip


def feed_back(*, actor, call: Call) -> int:
    """When a call of this system is finalised, its results go back to the entries recommended
    into it (the county's entries learn their city results). Returns how many were fed back."""
    fed = 0
    rows = _entries(call).filter(recommended_from__isnull=False).select_related("recommended_from__call")
    for higher_entry in rows:
        source = higher_entry.recommended_from
        awarded = higher_entry.status == EntryStatus.AWARDED
        prize = higher_entry.prize_display if awarded else ""
        result = f"{call.title}{prize or ('入选' if awarded else '未获奖')}"[:60]
        _write(
            actor=actor, entry=source, level=call.honour_level,
            defaults={"result": result, "prize": prize, "body": call.organiser.name,
                      "recorded_on": timezone.localdate(), "recorded_by": None, "source": None},
            audit_extra={"from": higher_entry.code},
        )  # fmt: skip
        _set_recommendation_outcome(actor=actor, entry=source, successful=awarded, prize=prize)
        fed += 1
    return fed


HIGHER_COLUMNS = {"编号": "code", "结果": "result", "奖项": "prize", "级别": "level"}
LEVEL_NAMES = {**{str(label): value for value, label in DesignationLevel.choices},
               **{value: value for value in DesignationLevel.values}, "省赛": "province", "国赛": "national"}  # fmt: skip


@transaction.atomic
def higher_results_import_table(
    *, actor, call: Call, headers: list[str], rows: list[tuple[int, list]], level: str | None = None
) -> int:
    """The higher contest's list fed back in one sheet (编号, 结果, 奖项, and optionally 级别 — 省级 or
    国家级 per row, else `level` — so one sheet carries the provincial and the national results):
    every row checked, nothing written unless every row is valid; each problem names row, column
    and reason."""
    require_organiser(actor, call, EDIT)
    columns = {h: n for n, h in enumerate(headers) if h in HIGHER_COLUMNS}
    missing = [h for h in ("编号", "结果") if h not in columns]
    if missing:
        raise ValidationError([f"缺少列:{'、'.join(missing)}"])
    by_code = {e.code: e for e in _entries(call).select_related("call")}
    problems, good, seen = [], [], set()
    for rownum, values in rows:

        def cell(header, values=values):
            n = columns.get(header)
            value = values[n] if n is not None and n < len(values) else None
            return "" if value is None else str(value).strip()

        code, result, prize, level_text = cell("编号"), cell("结果"), cell("奖项"), cell("级别")
        if not any((code, result, prize, level_text)):
            continue
        row_level = LEVEL_NAMES.get(level_text) if level_text else (level or higher_level_of(call))
        if row_level is None:
            problems.append(f"第{rownum}行“级别”:{level_text} 应为 市级、省级 或 国家级")
        entry = by_code.get(code)
        if entry is None:
            problems.append(f"第{rownum}行“编号”:{code or '(空)'} 不是本征集评选的申报编号")
        elif (code, row_level) in seen:
            problems.append(f"第{rownum}行“编号”:{code} 重复" + (f"({level_text})" if level_text else ""))
        elif not _may_record(entry):
            problems.append(f"第{rownum}行“编号”:{code} 未向上推荐")
        if not result:
            problems.append(f"第{rownum}行“结果”:请填写上级评选结果")
        elif len(result) > 60:
            problems.append(f"第{rownum}行“结果”:不超过 60 字")
        if len(prize) > 30:
            problems.append(f"第{rownum}行“奖项”:不超过 30 字")
        seen.add((code, row_level))
        good.append((entry, result, prize, row_level))
    if problems:
        raise ValidationError(problems)
    for entry, result, prize, row_level in good:
        higher_result_record(actor=actor, entry=entry, result=result, prize=prize, level=row_level)
    return len(good)


def higher_results_of(entries) -> dict[int, list[HigherResult]]:
    out: dict[int, list[HigherResult]] = {}
    rows = (
        HigherResult.objects.unscoped(reason="results of entries already visible")
        .filter(entry__in=entries)
        .select_related("source__entry")
    )
    for row in rows.order_by("entry", "level"):
        out.setdefault(row.entry_id, []).append(row)
    return out
