"""Writes of the literacy survey. Each is keyword-only, atomic, and audited."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kexie.accounts.roles import EDIT, IMPORT
from kexie.core import audit
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    lock_for_update,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
    save_with_audit,
)
from kexie.literacy import sampling
from kexie.literacy.codes import AGE_GROUPS, SEXES, URBAN_RURAL, Source, Status
from kexie.literacy.evaluation import DUPLICATE, evaluate
from kexie.literacy.models import (
    CensusMargin,
    ImportBatch,
    Interviewer,
    Question,
    Response,
    SampleUnit,
    Survey,
)
from kexie.literacy.questionnaire import sample_questions

SURVEY_FIELDS = (
    "unit", "name", "year", "area_name", "description", "literate_threshold", "threshold_inclusive",
    "scoring", "min_age", "max_age",
)  # fmt: skip


def validate_survey(survey: Survey) -> None:
    try:
        survey.scoring_config()
    except ValueError as exc:
        raise ValidationError({"scoring": str(exc)}) from exc
    if survey.min_age > survey.max_age:
        raise ValidationError({"max_age": "最大年龄不能小于最小年龄"})
    full_clean_chinese(survey)


def touch(survey: Survey) -> None:
    """Mark the cached estimates of a survey as out of date."""
    Survey.objects.of(survey).update(data_version=F("data_version") + 1)


def _require_editor(actor, survey: Survey, perm: str = EDIT) -> None:
    require_perm(actor, perm)
    require_obj_in_scope(actor, survey)
    # Writes to a survey check what it holds (duplicates, "no responses yet") and then write:
    # one at a time per survey, or two concurrent ones both pass the check.
    lock_for_update(survey)


# -- surveys and questionnaires ---------------------------------------------------------------------


@transaction.atomic
def survey_create(*, actor, data: dict[str, Any]) -> Survey:
    require_perm(actor, EDIT)
    survey = Survey()
    apply_fields(survey, data, SURVEY_FIELDS)
    if not survey.unit_id and actor is not None:
        survey.unit = actor.unit
    require_unit_in_scope(actor, survey.unit if survey.unit_id else None, "unit")
    validate_survey(survey)
    survey.save()
    audit.log(actor=actor, action="kexie.literacy_survey.created", obj=survey, after=audit.snapshot(survey))
    return survey


@transaction.atomic
def survey_update(*, actor, survey: Survey, data: dict[str, Any]) -> Survey:
    """Change a survey; a change of threshold or scoring rescores every response."""
    _require_editor(actor, survey)
    before = audit.snapshot(survey)
    apply_fields(survey, data, SURVEY_FIELDS)
    if "unit" in data:
        require_unit_in_scope(actor, survey.unit, "unit")
    save_with_audit(
        obj=survey,
        actor=actor,
        action="kexie.literacy_survey.changed",
        before=before,
        validate=validate_survey,
    )
    if {"literate_threshold", "threshold_inclusive", "scoring", "min_age", "max_age"} & set(data):
        _rescore(survey)
        touch(survey)
    return survey


@transaction.atomic
def questionnaire_load_sample(*, actor, survey: Survey, counties: list[str]) -> list[Question]:
    """Give a survey kexie's sample questionnaire (24 items, 6 background questions)."""
    _require_editor(actor, survey)
    if survey.responses.exists():
        raise ValidationError("已有答卷的调查不能更换问卷")
    if not counties:
        raise ValidationError({"counties": "请至少填写一个县市区"})
    survey.questions.all().delete()
    questions = [
        Question(
            survey=survey,
            code=row["code"],
            order=row["order"],
            text=row["text"],
            kind=row["kind"],
            dimension=row.get("dimension", ""),
            background=row.get("background", ""),
            options=row["options"],
            answer=row.get("answer", []),
        )  # fmt: skip
        for row in sample_questions(counties)
    ]
    Question.objects.bulk_create(questions)
    audit.log(
        actor=actor, action="kexie.literacy_survey.questionnaire_loaded", obj=survey,
        note=f"示例问卷:{len(questions)} 题;县市区:{'、'.join(counties)}",
    )  # fmt: skip
    return questions


# -- sampling frame ---------------------------------------------------------------------------------


def _frame_rows(rows: list[dict]) -> list[dict]:
    errors, clean, seen = [], [], set()
    for number, row in enumerate(rows, start=2):
        name, county = str(row.get("name", "")).strip(), str(row.get("county", "")).strip()
        raw = str(row.get("population", "")).strip()
        if not name:
            errors.append(f"第 {number} 行“单位名称”:不能为空")
        if not county:
            errors.append(f"第 {number} 行“县市区”:不能为空")
        try:
            population = int(float(raw))
            if population <= 0 or population != float(raw):
                raise ValueError
        except ValueError:
            errors.append(f"第 {number} 行“人口数”:“{raw}”不是正整数")
            continue
        if (county, name) in seen:
            errors.append(f"第 {number} 行“单位名称”:{county}·{name} 重复")
        seen.add((county, name))
        clean.append({"name": name, "county": county, "population": population})
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError("抽样框没有任何单位")
    return clean


@transaction.atomic
def frame_import(*, actor, survey: Survey, rows: list[dict]) -> list[SampleUnit]:
    """Replace the sampling frame (unit, county, population). All rows valid or nothing changes."""
    _require_editor(actor, survey, IMPORT)
    clean = _frame_rows(rows)
    if survey.responses.filter(sample_unit__isnull=False).exists():
        raise ValidationError("已有答卷关联到调查点,不能替换抽样框")
    survey.frame.all().delete()
    units = SampleUnit.objects.bulk_create([SampleUnit(survey=survey, **row) for row in clean])
    audit.log(
        actor=actor, action="kexie.literacy_frame.imported", obj=survey, after={"units": len(units)},
        note=f"抽样框 {len(units)} 个单位",
    )  # fmt: skip
    touch(survey)
    return units


@transaction.atomic
def frame_select(
    *, actor, survey: Survey, allocation: dict[str, int], seed: int | None = None
) -> list[SampleUnit]:
    """Systematic PPS within each county; the inclusion probabilities become the base weights."""
    _require_editor(actor, survey)
    units = list(survey.frame.all())
    counties = {u.county for u in units}
    unknown = sorted(set(allocation) - counties)
    if unknown:
        raise ValidationError({"allocation": f"抽样框中没有这些县市区:{'、'.join(unknown)}"})
    frame = [(u.county, u.pk, u.population) for u in units]
    try:
        chosen = sampling.stratified_pps(frame, allocation, seed=seed)
    except ValueError as exc:
        raise ValidationError({"allocation": str(exc)}) from exc
    picked = {sel.unit: sel for _, sel in chosen}
    probabilities = {}
    for county, n in allocation.items():
        members = [u for u in units if u.county == county]
        probs, certain = sampling.inclusion_probabilities([u.population for u in members], n)
        probabilities.update({u.pk: (p, c) for u, p, c in zip(members, probs, certain, strict=True)})
    for unit in units:
        p, c = probabilities.get(unit.pk, (None, False))
        unit.selected = unit.pk in picked
        unit.inclusion_probability = p
        unit.certainty = c
    SampleUnit.objects.bulk_update(units, ["selected", "inclusion_probability", "certainty"])
    audit.log(
        actor=actor, action="kexie.literacy_frame.selected", obj=survey,
        after={"allocation": allocation, "seed": seed, "selected": len(picked)},
    )  # fmt: skip
    touch(survey)
    return [u for u in units if u.selected]


# -- interviewers -----------------------------------------------------------------------------------


@transaction.atomic
def interviewer_create(
    *, actor, survey: Survey, name: str, county: str = "", sample_unit=None
) -> Interviewer:
    _require_editor(actor, survey)
    if sample_unit is not None and sample_unit.survey_id != survey.pk:
        raise ValidationError({"sample_unit": "调查点不属于本调查"})
    interviewer = Interviewer(
        survey=survey, name=(name or "").strip(), county=county or (sample_unit.county if sample_unit else ""),
        sample_unit=sample_unit, token=Interviewer.new_token(),
    )  # fmt: skip
    full_clean_chinese(interviewer, exclude=["token"])
    interviewer.save()
    audit.log(
        actor=actor,
        action="kexie.literacy_interviewer.created",
        obj=interviewer,
        after=audit.snapshot(interviewer),
    )
    return interviewer


# -- responses --------------------------------------------------------------------------------------


def _apply_evaluation(response: Response, result) -> None:
    bg = result.background
    response.answers = result.answers
    response.sex = bg.get("sex", "")
    response.age = bg.get("age")
    response.age_group = bg.get("age_group", "")
    response.education = bg.get("education", "")
    response.occupation = bg.get("occupation", "")
    response.urban_rural = bg.get("urban_rural", "")
    response.county = bg.get("county", "") or response.county
    response.score = result.score
    response.dimension_scores = result.dimension_scores
    response.level = result.level
    response.literate = result.literate
    response.fingerprint = result.fingerprint()


class _Seen:
    """External ids and fingerprints already in a survey, to flag duplicates without a query per row."""

    def __init__(self, survey: Survey):
        pairs = survey.responses.exclude(status=Status.DUPLICATE).values_list("external_id", "fingerprint")
        self.ids = {e for e, _ in pairs if e}
        self.fingerprints = {f for _, f in pairs if f}

    def check(self, external_id: str, fingerprint: str) -> str | None:
        if external_id and external_id in self.ids:
            return f"编号“{external_id}”的答卷已存在"
        if fingerprint in self.fingerprints:
            return "与已有答卷的全部作答完全相同"
        return None

    def add(self, external_id: str, fingerprint: str) -> None:
        if external_id:
            self.ids.add(external_id)
        self.fingerprints.add(fingerprint)


def _build_response(survey, questions, raw_answers, seen: _Seen, **fields) -> Response:
    result = evaluate(survey, questions, raw_answers)
    response = Response(survey=survey, **fields)
    _apply_evaluation(response, result)
    duplicate = seen.check(response.external_id, response.fingerprint)
    if duplicate:
        result.flags.append({"kind": DUPLICATE, "question": "", "message": duplicate})
    else:
        seen.add(response.external_id, response.fingerprint)
    response.flags = result.flags
    response.status = result.status
    return response


def _questions(survey: Survey) -> list[Question]:
    questions = list(survey.questions.order_by("order"))
    if not questions:
        raise ValidationError("本调查还没有问卷题目")
    return questions


@transaction.atomic
def response_submit(*, interviewer: Interviewer, raw_answers: dict, external_id: str = "") -> Response:
    """A respondent's answers from the mobile form (no login: the interviewer's token link)."""
    if not interviewer.is_active:
        raise ValidationError("该调查员链接已停用")
    survey = interviewer.survey
    lock_for_update(survey)  # a double-tapped submit is then seen as a duplicate of the first
    response = _build_response(
        survey, _questions(survey), raw_answers, _Seen(survey), source=Source.WEB, external_id=external_id,
        interviewer=interviewer, sample_unit=interviewer.sample_unit, county=interviewer.county,
        submitted_at=timezone.now(),
    )  # fmt: skip
    response.save()
    audit.log(
        actor=None, action="kexie.literacy_response.submitted", obj=response,
        after={"status": response.status, "interviewer": interviewer.name},
    )  # fmt: skip
    touch(survey)
    return response


def _summary(responses: list[Response]) -> dict:
    statuses = Counter(r.status for r in responses)
    flags = Counter(flag["kind"] for r in responses for flag in r.flags)
    return {
        "rows": len(responses),
        "status": {s: statuses.get(s, 0) for s in Status.values},
        "flags": dict(flags),
    }


@transaction.atomic
def responses_import(
    *, actor, survey: Survey, filename: str, header: list[str], rows: list[list[str]], mapping: dict[str, str]
) -> ImportBatch:
    """Import responses (问卷星 export or any CSV) with a mapping question code → column header.

    Every row becomes a response; incomplete, duplicate and out-of-range rows are flagged and
    counted, never dropped. A mapping that names unknown columns or leaves questions unmapped
    is refused and nothing is written.
    """
    _require_editor(actor, survey, IMPORT)
    questions = _questions(survey)
    index = _mapping_index(questions, header, mapping)
    batch = ImportBatch.objects.create(
        survey=survey, filename=filename[:200], mapping=mapping, created_by=actor
    )
    entries = []
    for number, row in enumerate(rows, start=2):
        entry = {
            "raw_answers": {code: row[i] for code, i in index.items() if not code.startswith("_")},
            "external_id": row[index["_external_id"]] if "_external_id" in index else "",
            "row_number": number,
        }
        if "_sample_unit" in index:
            entry["sample_unit_name"] = row[index["_sample_unit"]]
        entries.append(entry)
    built = _record_many(
        survey=survey, questions=questions, entries=entries, source=Source.IMPORT, batch=batch
    )
    batch.summary = _summary(built)
    batch.save(update_fields=["summary"])
    audit.log(
        actor=actor, action="kexie.literacy_response.imported", obj=survey, after=batch.summary, note=filename
    )
    return batch


def _record_many(*, survey, questions, entries: list[dict], source: str, batch=None) -> list[Response]:
    units = {(u.county, u.name): u for u in survey.frame.all()}
    units_by_name = {u.name: u for u in units.values()}
    seen = _Seen(survey)
    built = []
    now = timezone.now()
    for entry in entries:
        interviewer = entry.get("interviewer")
        response = _build_response(
            survey, questions, entry["raw_answers"], seen, source=source,
            external_id=str(entry.get("external_id") or "")[:60], batch=batch, row_number=entry.get("row_number"),
            interviewer=interviewer, sample_unit=entry.get("sample_unit"), submitted_at=now,
        )  # fmt: skip
        name = entry.get("sample_unit_name")
        if name:
            response.sample_unit = units.get((response.county, name)) or units_by_name.get(name)
        built.append(response)
    Response.objects.bulk_create(built, batch_size=500)
    touch(survey)
    return built


@transaction.atomic
def responses_create_bulk(
    *, actor, survey: Survey, entries: list[dict], source: str = Source.IMPORT
) -> list[Response]:
    """Record many responses at once (entries: raw_answers, external_id, interviewer, sample_unit)."""
    _require_editor(actor, survey, IMPORT)
    built = _record_many(survey=survey, questions=_questions(survey), entries=entries, source=source)
    audit.log(actor=actor, action="kexie.literacy_response.created_bulk", obj=survey, after=_summary(built))
    return built


SPECIAL_COLUMNS = {
    "_external_id": ("序号", "编号", "答卷编号", "id", "ID"),
    "_sample_unit": ("调查点", "乡镇街道", "村居"),
}


def auto_mapping(questions, header: list[str]) -> dict[str, str]:
    """Guess the column of each question: its code, "N、题目" as 问卷星 exports, or the question text."""
    mapping = {}
    for q in questions:
        for h in header:
            plain = h.strip()
            if plain in (q.code, f"Q{q.order}") or plain.startswith(
                (f"{q.order}、", f"{q.order}.", f"{q.order}．")
            ):
                mapping[q.code] = h
                break
            if q.text.strip() and q.text.strip()[:12] in plain:
                mapping[q.code] = h
                break
    for key, names in SPECIAL_COLUMNS.items():
        found = next((h for h in header if h.strip() in names), None)
        if found:
            mapping[key] = found
    return mapping


def _mapping_index(questions, header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    codes = {q.code for q in questions}
    errors = []
    index = {}
    for code, column in mapping.items():
        if code not in codes and code not in SPECIAL_COLUMNS:
            errors.append(f"题号“{code}”不在问卷中")
        elif column not in header:
            errors.append(f"题号“{code}”对应的列“{column}”在文件表头中不存在")
        else:
            index[code] = header.index(column)
    unmapped = [q.code for q in questions if q.code not in mapping]
    if unmapped:
        errors.append(f"以下题目没有对应的列:{'、'.join(unmapped)}")
    if errors:
        raise ValidationError(errors)
    return index


def _rescore(survey: Survey) -> None:
    questions = list(survey.questions.order_by("order"))
    responses = list(survey.responses.order_by("id"))
    seen = _Seen.__new__(_Seen)
    seen.ids, seen.fingerprints = set(), set()
    for response in responses:
        result = evaluate(survey, questions, response.answers)
        county = response.county
        _apply_evaluation(response, result)
        response.county = response.county or county
        duplicate = seen.check(response.external_id, response.fingerprint)
        if duplicate:
            result.flags.append({"kind": DUPLICATE, "question": "", "message": duplicate})
        else:
            seen.add(response.external_id, response.fingerprint)
        response.flags = result.flags
        response.status = result.status
    fields = ["score", "dimension_scores", "level", "literate", "status", "flags", "age_group", "fingerprint"]
    Response.objects.bulk_update(responses, fields, batch_size=500)


# -- census margins ---------------------------------------------------------------------------------


def _margin_rows(rows: list[dict]) -> list[dict]:
    errors, clean, seen = [], [], set()
    allowed = {"sex": SEXES, "age_group": AGE_GROUPS, "urban_rural": URBAN_RURAL}
    labels = {
        "county": "县市区",
        "sex": "性别",
        "age_group": "年龄段",
        "urban_rural": "城乡",
        "population": "人口数",
    }
    for number, row in enumerate(rows, start=2):
        cell = {k: str(row.get(k, "")).strip() for k in labels}
        bad = False
        if not cell["county"]:
            errors.append(f"第 {number} 行“县市区”:不能为空")
            bad = True
        for key, values in allowed.items():
            if cell[key] not in values:
                errors.append(f"第 {number} 行“{labels[key]}”:“{cell[key]}”不是 {'、'.join(values)} 之一")
                bad = True
        try:
            population = int(float(cell["population"]))
            if population < 0 or population != float(cell["population"]):
                raise ValueError
        except ValueError:
            errors.append(f"第 {number} 行“人口数”:“{cell['population']}”不是非负整数")
            continue
        key = (cell["county"], cell["sex"], cell["age_group"], cell["urban_rural"])
        if key in seen and not bad:
            errors.append(f"第 {number} 行:{' '.join(key)} 重复")
        seen.add(key)
        if not bad:
            clean.append({**cell, "population": population})
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError("没有任何人口数据")
    return clean


@transaction.atomic
def margins_replace(*, actor, survey: Survey, rows: list[dict]) -> list[CensusMargin]:
    """Replace the census margins (county × sex × age group × urban/rural). All valid or nothing."""
    _require_editor(actor, survey)
    clean = _margin_rows(rows)
    survey.margins.all().delete()
    margins = CensusMargin.objects.bulk_create([CensusMargin(survey=survey, **row) for row in clean])
    total = sum(m.population for m in margins)
    audit.log(
        actor=actor, action="kexie.literacy_margins.replaced", obj=survey,
        after={"cells": len(margins), "population": total},
    )  # fmt: skip
    touch(survey)
    return margins
