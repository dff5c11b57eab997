"""Turning raw answers into a checked, scored response: parsing, flags and the score.

Works on Question-like objects (code, kind, options, background, dimension, answer, points),
so it needs no database. Duplicates are found by the services, which see the other responses.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from kexie.literacy import scoring
from kexie.literacy.codes import Status, age_group_of

MISSING = "missing"
OUT_OF_RANGE = "out_of_range"
DUPLICATE = "duplicate"

TRUE_WORDS = {"T", "TRUE", "对", "正确", "是", "√", "1", "Y", "YES"}
FALSE_WORDS = {"F", "FALSE", "错", "错误", "否", "×", "X", "0", "N", "NO"}
MULTI_SPLIT = re.compile(r"[┋|,,;;、\s]+")
SOFT_SPLIT = re.compile(r"[|;;、\s]+")
WJX_SPLIT = re.compile(r"┋")
KEY_PREFIX = re.compile(r"^([A-Za-z])(?:[.、．:：\s]|$)")


@dataclass
class Evaluated:
    answers: dict
    background: dict
    score: float | None
    dimension_scores: dict
    level: str
    literate: bool
    flags: list[dict] = field(default_factory=list)

    @property
    def status(self) -> str:
        kinds = {flag["kind"] for flag in self.flags}
        for kind, status in ((OUT_OF_RANGE, Status.OUT_OF_RANGE), (MISSING, Status.INCOMPLETE)):
            if kind in kinds:
                return str(status)
        if DUPLICATE in kinds:
            return str(Status.DUPLICATE)
        return str(Status.VALID)

    def fingerprint(self) -> str:
        payload = json.dumps([self.answers, self.background], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() in ("", "(跳过)", "(空)", "-")) or raw == []


def _one_key(question, raw: str) -> str | None:
    """An option key from "B", "b", "B.二氧化碳" or the option's text."""
    text = str(raw).strip()
    keys = {str(k).upper(): str(k) for k, _ in question.options}
    if text.upper() in keys:
        return keys[text.upper()]
    for key, label in question.options:
        if text == str(label).strip():
            return str(key)
    match = KEY_PREFIX.match(text)
    if match and match.group(1).upper() in keys and len(text) > 1:
        return keys[match.group(1).upper()]
    return None


def _true_false(raw) -> str | None:
    text = str(raw).strip().upper()
    if text in TRUE_WORDS or text == "A":
        return "T"
    if text in FALSE_WORDS or text == "B":
        return "F"
    return None


def parse_value(question, raw):
    """(value, problem): the stored form of one answer, or why it cannot be used."""
    if _blank(raw):
        return None, MISSING
    if question.kind == "number":
        try:
            number = float(str(raw).strip())
        except ValueError:
            return None, OUT_OF_RANGE
        return (int(number), None) if number == int(number) else (None, OUT_OF_RANGE)
    if question.kind == scoring.TRUE_FALSE:
        value = _true_false(raw)
        return (value, None) if value else (None, OUT_OF_RANGE)
    if question.kind == scoring.MULTIPLE:
        return _parse_multiple(question, raw)
    value = _one_key(question, raw)
    return (value, None) if value else (None, OUT_OF_RANGE)


def _parse_multiple(question, raw):
    if isinstance(raw, list | tuple | set):
        return _resolve_all(question, [str(p) for p in raw])
    text = str(raw).strip()
    keys = {str(k).upper() for k, _ in question.options}
    compact = text.replace(" ", "").upper()
    if compact.isalpha() and compact.isascii() and set(compact) <= keys:
        return _resolve_all(question, list(compact))
    # 问卷星 joins chosen options with "┋"; option texts may themselves contain commas.
    splitters = [WJX_SPLIT] if "┋" in text else [SOFT_SPLIT, MULTI_SPLIT]
    for splitter in splitters:
        value, problem = _resolve_all(question, [p for p in splitter.split(text) if p])
        if problem is None:
            return value, None
    return None, OUT_OF_RANGE


def _resolve_all(question, parts: list[str]):
    values = [_one_key(question, p) for p in parts]
    if not values or any(v is None for v in values):
        return None, OUT_OF_RANGE
    return sorted(set(values)), None


def _label(question, value) -> str:
    for key, label in question.options:
        if str(key) == value:
            return str(label)
    return ""


def evaluate(survey, questions, raw_answers: dict) -> Evaluated:
    """Parse every question's answer, flag problems, fill background fields and score."""
    answers: dict = {}
    background: dict = {}
    flags: list[dict] = []
    for question in questions:
        raw = raw_answers.get(question.code)
        value, problem = parse_value(question, raw)
        if problem == MISSING:
            flags.append(
                {"kind": MISSING, "question": question.code, "message": f"第 {question.code} 题未作答"}
            )
            continue
        if problem == OUT_OF_RANGE:
            flags.append(
                {
                    "kind": OUT_OF_RANGE,
                    "question": question.code,
                    "message": f"第 {question.code} 题答案“{raw}”不在选项中",
                }
            )
            continue
        answers[question.code] = value
        if question.background:
            background[question.background] = value if question.kind == "number" else _label(question, value)
    _check_age(survey, background, flags)
    items = [q.as_item() for q in questions if not q.background]
    result = scoring.score_answers(items, answers, survey.scoring_config())
    return Evaluated(
        answers, background, result.total, result.by_dimension, result.level, result.literate, flags
    )


def _check_age(survey, background: dict, flags: list[dict]) -> None:
    age = background.get("age")
    if age is None:
        return
    if not survey.min_age <= age <= survey.max_age:
        flags.append(
            {
                "kind": OUT_OF_RANGE,
                "question": "age",
                "message": f"年龄 {age} 不在调查对象范围 {survey.min_age}-{survey.max_age} 岁内",
            }
        )
        background["age_group"] = ""
    else:
        background["age_group"] = age_group_of(age)
