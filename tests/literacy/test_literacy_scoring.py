"""Scoring and thresholds (kexie.literacy.scoring: no database)."""

import pytest

from kexie.literacy import scoring
from kexie.literacy.questionnaire import ITEMS
from kexie.literacy.scoring import Item, ScoringConfig, is_literate, item_fraction, level_of, score_answers

SAMPLE_ITEMS = [Item(code, dim, kind, frozenset(answer)) for code, dim, kind, _t, _o, answer in ITEMS]


def answers_with(correct: set[str]) -> dict:
    """Right answers for the codes in `correct`, a wrong one elsewhere."""
    out = {}
    for item in SAMPLE_ITEMS:
        if item.code in correct:
            out[item.code] = sorted(item.answer)
        else:
            out[item.code] = (
                ["Z"] if item.kind == scoring.MULTIPLE else ("F" if item.answer == {"T"} else "Z")
            )
    return out


def test_sample_questionnaire_has_six_items_per_dimension():
    by_dimension = {}
    for item in SAMPLE_ITEMS:
        by_dimension[item.dimension] = by_dimension.get(item.dimension, 0) + 1
    assert by_dimension == dict.fromkeys(scoring.DIMENSIONS, 6)


def test_all_correct_scores_100_and_is_advanced():
    result = score_answers(SAMPLE_ITEMS, answers_with({i.code for i in SAMPLE_ITEMS}), ScoringConfig())
    assert result.total == 100
    assert result.by_dimension == dict.fromkeys(scoring.DIMENSIONS, 25.0)
    assert result.level == scoring.LEVEL_ADVANCED and result.literate


def test_each_dimension_weighs_a_quarter_whatever_its_item_count():
    items = [Item("a", "knowledge", "true_false", frozenset({"T"}))] + [
        Item(f"m{i}", "method", "true_false", frozenset({"T"})) for i in range(4)
    ]
    result = score_answers(items, {"a": "T", "m0": "T"}, ScoringConfig())
    assert result.by_dimension["knowledge"] == 25.0
    assert result.by_dimension["method"] == 6.25
    assert result.total == 31.25


def test_missing_answers_earn_nothing():
    result = score_answers(SAMPLE_ITEMS, {}, ScoringConfig())
    assert result.total == 0 and result.level == scoring.LEVEL_LOW and not result.literate


def test_multiple_choice_needs_exactly_the_right_options_by_default():
    item = Item("x", "knowledge", scoring.MULTIPLE, frozenset({"A", "B", "D"}))
    assert item_fraction(item, ["A", "B", "D"]) == 1.0
    assert item_fraction(item, "D,B,A") == 1.0
    assert item_fraction(item, ["A", "B"]) == 0.0
    assert item_fraction(item, ["A", "B", "C", "D"]) == 0.0
    assert item_fraction(item, ["A", "B"], multiple_rule="partial") == pytest.approx(2 / 3)
    assert item_fraction(item, ["A", "C"], multiple_rule="partial") == 0.0


@pytest.mark.parametrize(
    ("score", "strict_level", "inclusive_level"),
    [
        (85.0, scoring.LEVEL_LITERATE, scoring.LEVEL_ADVANCED),
        (85.01, scoring.LEVEL_ADVANCED, scoring.LEVEL_ADVANCED),
        (70.0, scoring.LEVEL_BASIC, scoring.LEVEL_LITERATE),
        (70.5, scoring.LEVEL_LITERATE, scoring.LEVEL_LITERATE),
        (55.0, scoring.LEVEL_LOW, scoring.LEVEL_BASIC),
        (54.9, scoring.LEVEL_LOW, scoring.LEVEL_LOW),
    ],
)
def test_levels_at_the_thresholds_follow_the_inclusive_setting(score, strict_level, inclusive_level):
    assert level_of(score, ScoringConfig()) == strict_level
    assert level_of(score, ScoringConfig(inclusive=True)) == inclusive_level


def test_literate_threshold_is_strict_by_default_and_inclusive_on_request():
    assert not is_literate(70.0, ScoringConfig())
    assert is_literate(70.0, ScoringConfig(inclusive=True))
    assert is_literate(70.01, ScoringConfig())
    assert not is_literate(64.0, ScoringConfig(literate_threshold=65, inclusive=True))


def test_three_quarters_right_is_literate_two_thirds_is_not():
    codes = [i.code for i in SAMPLE_ITEMS]
    # 5 of 6 in two dimensions (41.67) + 4 of 6 in two (33.33) = 75 → literate
    chosen = set(codes[0:5] + codes[6:11] + codes[12:16] + codes[18:22])
    assert len(chosen) == 18
    assert score_answers(SAMPLE_ITEMS, answers_with(chosen), ScoringConfig()).literate
    # 4 of 6 everywhere = 66.67 → not literate
    chosen = set(codes[0:4] + codes[6:10] + codes[12:16] + codes[18:22])
    result = score_answers(SAMPLE_ITEMS, answers_with(chosen), ScoringConfig())
    assert result.total == pytest.approx(66.6667, abs=1e-3)
    assert not result.literate and result.level == scoring.LEVEL_BASIC


def test_config_from_dict_validates_weights_and_rules():
    config = ScoringConfig.from_dict(
        {"dimension_weights": {"knowledge": 40, "method": 20, "spirit": 20, "application": 20}}
    )
    assert config.dimension_weights["knowledge"] == 40
    with pytest.raises(ValueError, match="100"):
        ScoringConfig.from_dict({"dimension_weights": {"knowledge": 50}})
    with pytest.raises(ValueError, match="多选题"):
        ScoringConfig.from_dict({"multiple_rule": "any"})
    with pytest.raises(ValueError, match="从高到低"):
        ScoringConfig.from_dict({"level_thresholds": [["basic", 55], ["advanced", 85]]})
