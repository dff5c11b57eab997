"""Scoring an assessment against a scheme: plain functions, no database.

A scheme is a list of thresholds {figure, minimum, points, required} and three score bands.
The score is the share of the points of the thresholds met, out of 100, to one decimal
(Decimal, rounded half up). The outcome: 优秀 from `excellent_from`, 合格 from `pass_from`,
整改 from `rectify_from`, else 撤销; a base that misses a required threshold is rated 整改 at
best, whatever its score."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from kexie.bases.codes import DEFAULT_BANDS, DEFAULT_THRESHOLDS, FIGURES, AssessmentOutcome

BANDS = ("excellent_from", "pass_from", "rectify_from")


def default_scheme() -> dict:
    return {"thresholds": [dict(t) for t in DEFAULT_THRESHOLDS], **DEFAULT_BANDS}


def clean_thresholds(rows) -> list[dict]:
    """The thresholds as data, each checked; a Chinese message names the row and field."""
    if not isinstance(rows, list) or not rows:
        raise ValidationError({"thresholds": "请至少设定一项考核指标"})
    cleaned, seen = [], set()
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ValidationError({"thresholds": f"第{n}项考核指标格式不正确"})
        figure = row.get("figure")
        if figure not in FIGURES:
            names = "、".join(label for label, _unit in FIGURES.values())
            raise ValidationError({"thresholds": f"第{n}项:考核数据应为 {names} 之一"})
        if figure in seen:
            raise ValidationError({"thresholds": f"第{n}项:“{FIGURES[figure][0]}”重复设定"})
        seen.add(figure)
        values = {}
        for key, low in (("minimum", 0), ("points", 1)):
            value = row.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < low or value > 10_000_000:
                raise ValidationError({"thresholds": f"第{n}项:“{key}”应为不小于 {low} 的整数"})
            values[key] = value
        cleaned.append({"figure": figure, **values, "required": bool(row.get("required", False))})
    return cleaned


def clean_bands(excellent_from: int, pass_from: int, rectify_from: int) -> None:
    if not 0 <= rectify_from <= pass_from <= excellent_from <= 100:
        raise ValidationError({"excellent_from": "分数线应满足 0 ≤ 整改 ≤ 合格 ≤ 优秀 ≤ 100"})


def score(figures: dict[str, int], scheme: dict) -> tuple[Decimal, str, list[str]]:
    """(score, outcome, shortfalls): the labels of the thresholds missed."""
    total = met = 0
    shortfalls, required_missed = [], False
    for t in scheme["thresholds"]:
        total += t["points"]
        value = figures.get(t["figure"]) or 0
        if value >= t["minimum"]:
            met += t["points"]
            continue
        label, unit = FIGURES[t["figure"]]
        shortfalls.append(f"{label} {value}{unit},未达到 {t['minimum']}{unit}")
        required_missed = required_missed or t["required"]
    points = (Decimal(100) * met / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return points, _outcome(points, scheme, required_missed), shortfalls


def _outcome(points: Decimal, scheme: dict, required_missed: bool) -> str:
    if points >= scheme["excellent_from"] and not required_missed:
        return AssessmentOutcome.EXCELLENT
    if points >= scheme["pass_from"] and not required_missed:
        return AssessmentOutcome.PASS
    if points >= scheme["rectify_from"] or (required_missed and points >= scheme["pass_from"]):
        return AssessmentOutcome.RECTIFY
    return AssessmentOutcome.REVOKE
