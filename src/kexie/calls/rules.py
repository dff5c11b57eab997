"""A call's configuration as data: its entry form's fields and its eligibility rules.

Eligibility is a fixed set of rule types (`RULES`), each with parameters set per call in
`Call.eligibility` as `[{"rule": "age_range", "max": 18}, …]`. Checking an entry gives every
problem in Chinese; configuring a call with an unknown rule or a bad parameter is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

FIELD_TYPES = {
    "text": "文本",
    "number": "数字",
    "choice": "选项",
    "date": "日期",
    "file": "附件",
    "members": "团队成员",
}


# ---------------------------------------------------------------------- the entry form


def clean_form_fields(fields) -> list[dict]:
    """The call's entry form: a list of {"name", "label", "type", "required", "choices"}."""
    if not isinstance(fields, list):
        raise ValidationError({"form_fields": "申报表字段应为列表"})
    cleaned, seen = [], set()
    for n, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict) or not str(spec.get("name", "")).strip():
            raise ValidationError({"form_fields": f"第{n}个字段缺少名称(name)"})
        name = str(spec["name"]).strip()
        kind = spec.get("type", "text")
        if kind not in FIELD_TYPES:
            raise ValidationError(
                {"form_fields": f"字段“{name}”的类型“{kind}”不可用,可用:{'、'.join(FIELD_TYPES)}"}
            )
        if name in seen:
            raise ValidationError({"form_fields": f"字段名“{name}”重复"})
        seen.add(name)
        choices = [str(c) for c in spec.get("choices", [])] if kind == "choice" else []
        if kind == "choice" and not choices:
            raise ValidationError({"form_fields": f"选项字段“{name}”需要选项(choices)"})
        field = {"name": name, "label": str(spec.get("label") or name), "type": kind,
                 "required": bool(spec.get("required", False)), "choices": choices}  # fmt: skip
        if kind == "file":
            field.update(_file_limits(name, spec))
        cleaned.append(field)
    return cleaned


FILE_EXTENSIONS = (".pdf", ".docx", ".jpg", ".jpeg", ".png")


def _file_limits(name: str, spec: dict) -> dict:
    """A file field's limits: `extensions` (a subset of FILE_EXTENSIONS; default all) and
    `max_mb` (default and ceiling: the site's upload limit)."""
    from django.conf import settings

    extensions = [str(e).lower() if str(e).startswith(".") else "." + str(e).lower()
                  for e in spec.get("extensions") or FILE_EXTENSIONS]  # fmt: skip
    bad = [e for e in extensions if e not in FILE_EXTENSIONS]
    if bad:
        raise ValidationError(
            {
                "form_fields": f"附件字段“{name}”的类型 {'、'.join(bad)} 不可用,可用:{'、'.join(FILE_EXTENSIONS)}"
            }
        )
    ceiling = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
    max_mb = spec.get("max_mb", ceiling)
    if isinstance(max_mb, bool) or not isinstance(max_mb, int | float) or not 0 < max_mb <= ceiling:
        raise ValidationError(
            {"form_fields": f"附件字段“{name}”的大小上限(max_mb)应在 0 到 {ceiling:g} MB 之间"}
        )
    return {"extensions": extensions, "max_mb": max_mb}


def answer_problems(form_fields: list[dict], answers: dict) -> dict[str, str]:
    """What is wrong with an entry's answers to the call's form, by field name."""
    problems = {}
    for spec in form_fields:
        name, label, kind = spec["name"], spec["label"], spec["type"]
        if kind in ("members", "file"):
            continue  # members are rows of EntryMember; files are attachments
        value = answers.get(name)
        if value in (None, ""):
            if spec.get("required"):
                problems[name] = f"请填写“{label}”"
            continue
        if kind == "number":
            try:
                float(str(value))
            except ValueError:
                problems[name] = f"“{label}”应为数字,收到“{value}”"
        elif kind == "date" and _date(value) is None:
            problems[name] = f"“{label}”应为日期(如 2020-05-30),收到“{value}”"
        elif kind == "choice" and str(value) not in spec["choices"]:
            problems[name] = f"“{label}”应为 {'、'.join(spec['choices'])} 之一,收到“{value}”"
    unknown = sorted(set(answers) - {s["name"] for s in form_fields})
    for name in unknown:
        problems[name] = f"申报表没有字段“{name}”"
    return problems


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


# ---------------------------------------------------------------------- eligibility


@dataclass(frozen=True)
class EntryFacts:
    """What the rules look at, gathered once by the service (no query inside a rule)."""

    call_closes_on: dt.date
    answers: dict
    members: list  # EntryMember-like objects (role, name, birth_date, school_stage, occupation)
    person_is_cadre: bool
    identities: list[str]  # one key per natural person of the entry
    other_entries_of: Callable[[list[str]], list[str]]  # identity keys → codes of their live entries
    earlier_wins_of: Callable[[list[str], int | None], list[str]]  # identity keys → earlier honours


@dataclass(frozen=True)
class Rule:
    label: str
    params: dict[str, type]  # parameter name → type
    check: Callable[[dict, EntryFacts], list[str]]


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _age_range(params: dict, facts: EntryFacts) -> list[str]:
    day = _date(params.get("on")) or facts.call_closes_on
    problems = []
    for m in facts.members:
        if m.role == "adviser":
            continue
        if m.birth_date is None:
            problems.append(f"{m.name}:请填写出生日期(年龄条件)")
            continue
        age = _age_on(m.birth_date, day)
        if "min" in params and age < params["min"]:
            problems.append(f"{m.name}:{day} 时 {age} 岁,未满 {params['min']} 岁")
        if "max" in params and age > params["max"]:
            problems.append(f"{m.name}:{day} 时 {age} 岁,超过 {params['max']} 岁")
    return problems


def _one_per_person(params: dict, facts: EntryFacts) -> list[str]:
    codes = facts.other_entries_of(facts.identities)
    return (
        [f"每人每届限报{params.get('max', 1)}项,已有申报 {'、'.join(codes)}"]
        if len(codes) >= params.get("max", 1)
        else []
    )


def _team(params: dict, facts: EntryFacts) -> list[str]:
    students = [m for m in facts.members if m.role != "adviser"]
    problems = []
    if "max" in params and len(students) > params["max"]:
        problems.append(f"团队成员 {len(students)} 人,超过 {params['max']} 人")
    if "min" in params and len(students) < params["min"]:
        problems.append(f"团队成员 {len(students)} 人,少于 {params['min']} 人")
    if params.get("same_stage"):
        stages = {m.school_stage for m in students}
        if len(stages) > 1 or "" in stages:
            problems.append("团队成员须为同一学段(请填写每位成员的学段)")
    return problems


def _finished_within(params: dict, facts: EntryFacts) -> list[str]:
    field = params.get("field", "finished_on")
    finished = _date(facts.answers.get(field))
    if finished is None:
        return [f"请填写完成日期({field}),以核对“{params['years']}年内完成”"]
    earliest = facts.call_closes_on.replace(year=facts.call_closes_on.year - params["years"])
    return (
        [f"完成于 {finished},早于 {earliest}(须为近{params['years']}年内完成)"] if finished < earliest else []
    )


def _exclusions(params: dict, facts: EntryFacts) -> list[str]:
    words = params.get("occupations", [])
    problems = []
    if params.get("cadres") and facts.person_is_cadre:
        problems.append("科协机关干部不在参评范围内")
    for m in facts.members:
        if m.role != "adviser" and any(w and w in (m.occupation or "") for w in words):
            problems.append(f"{m.name}:身份“{m.occupation}”不在参评范围内")
    return problems


def _not_earlier_winner(params: dict, facts: EntryFacts) -> list[str]:
    wins = facts.earlier_wins_of(facts.identities, params.get("years"))
    return [f"往届已获此荣誉:{'、'.join(wins)}"] if wins else []


RULES: dict[str, Rule] = {
    "age_range": Rule("年龄限制", {"min": int, "max": int, "on": str}, _age_range),
    "one_per_person": Rule("每人每届限报", {"max": int}, _one_per_person),
    "team": Rule("团队人数与学段", {"min": int, "max": int, "same_stage": bool}, _team),
    "finished_within": Rule("近年完成", {"years": int, "field": str}, _finished_within),
    "exclusions": Rule("排除对象", {"cadres": bool, "occupations": list}, _exclusions),
    "not_earlier_winner": Rule("往届获奖者不得再报", {"years": int}, _not_earlier_winner),
}
REQUIRED_PARAMS = {"finished_within": ("years",)}


def clean_eligibility(rules) -> list[dict]:
    if not isinstance(rules, list):
        raise ValidationError({"eligibility": "资格条件应为列表"})
    cleaned = []
    for n, spec in enumerate(rules, start=1):
        code = spec.get("rule") if isinstance(spec, dict) else None
        if code not in RULES:
            raise ValidationError({"eligibility": f"第{n}条:规则“{code}”不可用,可用:{'、'.join(RULES)}"})
        rule = RULES[code]
        params = {k: v for k, v in spec.items() if k != "rule"}
        for name, value in params.items():
            expected = rule.params.get(name)
            if expected is None:
                raise ValidationError({"eligibility": f"第{n}条({rule.label}):没有参数“{name}”"})
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise ValidationError(
                    {"eligibility": f"第{n}条({rule.label}):参数“{name}”类型应为 {expected.__name__}"}
                )
        for name in REQUIRED_PARAMS.get(code, ()):
            if name not in params:
                raise ValidationError({"eligibility": f"第{n}条({rule.label}):缺少参数“{name}”"})
        cleaned.append({"rule": code, **params})
    return cleaned


def eligibility_problems(rules: list[dict], facts: EntryFacts) -> list[str]:
    problems = []
    for spec in rules:
        rule = RULES[spec["rule"]]
        params = {k: v for k, v in spec.items() if k != "rule"}
        problems += [f"{rule.label}:{p}" for p in rule.check(params, facts)]
    return problems


def clean_prize_levels(levels) -> list[dict]:
    """[{"code": "first", "label": "一等奖", "max_count": 3, "max_share": 0.1}], best first."""
    if not isinstance(levels, list):
        raise ValidationError({"prize_levels": "奖项等级应为列表"})
    cleaned, seen = [], set()
    for n, spec in enumerate(levels, start=1):
        if not isinstance(spec, dict) or not spec.get("code") or not spec.get("label"):
            raise ValidationError({"prize_levels": f"第{n}个奖项需要代码(code)和名称(label)"})
        if spec["code"] in seen:
            raise ValidationError({"prize_levels": f"奖项代码“{spec['code']}”重复"})
        seen.add(spec["code"])
        item = {"code": str(spec["code"]), "label": str(spec["label"])}
        for key, kind in (("max_count", int), ("max_share", float)):
            if spec.get(key) is not None:
                value = spec[key]
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise ValidationError({"prize_levels": f"奖项“{item['label']}”的 {key} 应为非负数"})
                item[key] = kind(value)
        cleaned.append(item)
    return cleaned


def prize_limit(level: dict, accepted: int) -> int | None:
    """How many entries a prize level may take when `accepted` entries passed the formal check:
    the smaller of max_count and floor(max_share × accepted) (documented in docs/calls.md)."""
    limits = []
    if "max_count" in level:
        limits.append(level["max_count"])
    if "max_share" in level:
        limits.append(int(level["max_share"] * accepted))
    return min(limits) if limits else None
