"""Scoring a literacy questionnaire: pure Python, no Django.

The default follows the national civic scientific literacy survey since 2018: each of the
four dimensions (科学知识, 科学方法, 科学精神与思想, 应用科学的能力) weighs a quarter of a
score out of 100; a respondent over 70 is literate (具备科学素质); levels are 高阶 (> 85),
具备 (> 70), 基本具备 (> 55) and 较低. Whether a threshold is met by ">" or "≥" is a setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

KNOWLEDGE = "knowledge"
METHOD = "method"
SPIRIT = "spirit"
APPLICATION = "application"
DIMENSIONS: dict[str, str] = {
    KNOWLEDGE: "科学知识",
    METHOD: "科学方法",
    SPIRIT: "科学精神与思想",
    APPLICATION: "应用科学的能力",
}

TRUE_FALSE = "true_false"
SINGLE = "single"
MULTIPLE = "multiple"
SCORED_KINDS = (TRUE_FALSE, SINGLE, MULTIPLE)
TRUE_FALSE_KEYS = ("T", "F")

LEVEL_ADVANCED = "advanced"
LEVEL_LITERATE = "literate"
LEVEL_BASIC = "basic"
LEVEL_LOW = "low"
LEVELS: dict[str, str] = {
    LEVEL_ADVANCED: "高阶",
    LEVEL_LITERATE: "具备",
    LEVEL_BASIC: "基本具备",
    LEVEL_LOW: "较低",
}


@dataclass(frozen=True)
class Item:
    """One scored question: its dimension, kind, points and answer key (option keys)."""

    code: str
    dimension: str
    kind: str
    answer: frozenset[str]
    points: float = 1.0


@dataclass(frozen=True)
class ScoringConfig:
    """How answers become a score and a level. Thresholds are on the 0–100 scale."""

    dimension_weights: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 25.0))
    literate_threshold: float = 70.0
    level_thresholds: Sequence[tuple[str, float]] = (
        (LEVEL_ADVANCED, 85.0),
        (LEVEL_LITERATE, 70.0),
        (LEVEL_BASIC, 55.0),
    )
    inclusive: bool = False
    multiple_rule: str = "exact"  # "exact": all and only the right options; "partial": share of them

    @classmethod
    def from_dict(cls, data: Mapping | None, *, inclusive: bool | None = None) -> ScoringConfig:
        data = dict(data or {})
        kwargs: dict = {}
        if "dimension_weights" in data:
            kwargs["dimension_weights"] = {str(k): float(v) for k, v in data["dimension_weights"].items()}
        if "literate_threshold" in data:
            kwargs["literate_threshold"] = float(data["literate_threshold"])
        if "level_thresholds" in data:
            kwargs["level_thresholds"] = tuple((str(k), float(v)) for k, v in data["level_thresholds"])
        if "multiple_rule" in data:
            kwargs["multiple_rule"] = str(data["multiple_rule"])
        if inclusive is not None:
            kwargs["inclusive"] = inclusive
        elif "inclusive" in data:
            kwargs["inclusive"] = bool(data["inclusive"])
        config = cls(**kwargs)
        config.check()
        return config

    def check(self) -> None:
        unknown = set(self.dimension_weights) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"未知的维度:{'、'.join(sorted(unknown))}")
        if abs(sum(self.dimension_weights.values()) - 100.0) > 1e-6:
            raise ValueError("各维度权重之和须为 100")
        if self.multiple_rule not in ("exact", "partial"):
            raise ValueError(f"未知的多选题计分规则“{self.multiple_rule}”")
        cuts = [cut for _, cut in self.level_thresholds]
        if cuts != sorted(cuts, reverse=True):
            raise ValueError("等级分数线须从高到低排列")


@dataclass(frozen=True)
class ScoreResult:
    total: float
    by_dimension: dict[str, float]
    level: str
    literate: bool


def meets(score: float, threshold: float, *, inclusive: bool) -> bool:
    """Whether a score passes a threshold: "≥" when inclusive, ">" otherwise."""
    return score >= threshold - 1e-9 if inclusive else score > threshold + 1e-9


def level_of(score: float, config: ScoringConfig) -> str:
    for level, cut in config.level_thresholds:
        if meets(score, cut, inclusive=config.inclusive):
            return level
    return LEVEL_LOW


def is_literate(score: float, config: ScoringConfig) -> bool:
    return meets(score, config.literate_threshold, inclusive=config.inclusive)


def normalise_choice(value) -> frozenset[str]:
    """An answer as a set of option keys: "A", ["A", "C"], "A,C" or None."""
    if value is None or value == "":
        return frozenset()
    if isinstance(value, str):
        parts = value.replace(",", " ").split()
        return frozenset(p.strip().upper() for p in parts if p.strip())
    if isinstance(value, Iterable):
        return frozenset(str(v).strip().upper() for v in value if str(v).strip())
    return frozenset({str(value).strip().upper()})


def item_fraction(item: Item, value, *, multiple_rule: str = "exact") -> float:
    """Share (0–1) of an item's points earned by an answer."""
    chosen = normalise_choice(value)
    if not chosen:
        return 0.0
    if item.kind != MULTIPLE:
        return 1.0 if chosen == item.answer else 0.0
    if multiple_rule == "exact" or not item.answer:
        return 1.0 if chosen == item.answer else 0.0
    right = len(chosen & item.answer)
    wrong = len(chosen - item.answer)
    return max(0.0, (right - wrong) / len(item.answer))


def score_answers(items: Sequence[Item], answers: Mapping[str, object], config: ScoringConfig) -> ScoreResult:
    """Score one respondent. A dimension's points are rescaled to its weight; missing answers earn 0."""
    earned: dict[str, float] = dict.fromkeys(config.dimension_weights, 0.0)
    possible: dict[str, float] = dict.fromkeys(config.dimension_weights, 0.0)
    for item in items:
        if item.dimension not in possible:
            continue
        possible[item.dimension] += item.points
        earned[item.dimension] += item.points * item_fraction(
            item, answers.get(item.code), multiple_rule=config.multiple_rule
        )
    by_dimension = {}
    for dim, weight in config.dimension_weights.items():
        by_dimension[dim] = round(weight * earned[dim] / possible[dim], 4) if possible[dim] else 0.0
    total = round(sum(by_dimension.values()), 4)
    return ScoreResult(total, by_dimension, level_of(total, config), is_literate(total, config))


def max_possible(items: Sequence[Item], config: ScoringConfig) -> float:
    """The highest attainable score: 100 unless a weighted dimension has no items."""
    present = {item.dimension for item in items}
    return sum(w for d, w in config.dimension_weights.items() if d in present)
