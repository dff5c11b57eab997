"""Ranking: shared ranks, the single-score rule, z-scores and calibration against hand-computed values."""

import math

import numpy as np
import pytest
from scipy.stats import kendalltau

from kexie.engines.contest import Quota, award, break_ties, calibrated_fit, rank, rank_side_by_side


def _by_entry(ranked):
    return {r.entry: r for r in ranked}


def test_equal_scores_share_the_better_rank():
    scores = [("a", "j1", 90), ("b", "j1", 90), ("c", "j1", 80), ("d", "j2", 80), ("e", "j2", 70)]
    ranked = rank(scores)
    assert [(r.entry, r.rank) for r in ranked] == [("a", 1), ("b", 1), ("c", 3), ("d", 3), ("e", 5)]
    assert ranked[0].as_dict() == {"entry": "a", "score": 90.0, "rank": 1, "raw_mean": 90.0, "n_judges": 1}


def test_raw_mean_and_spread_flag():
    scores = [("a", "j1", 60), ("a", "j2", 100), ("b", "j1", 80), ("b", "j2", 82), ("c", "j1", 70)]
    ranked = _by_entry(rank(scores, spread_limit=10))
    assert ranked["a"].raw_mean == 80 and ranked["a"].spread == 40 and ranked["a"].spread_flagged
    assert ranked["b"].raw_mean == 81 and not ranked["b"].spread_flagged
    assert ranked["c"].n_judges == 1 and not ranked["c"].spread_flagged  # one score: no spread
    assert [r.entry for r in rank(scores)] == ["b", "a", "c"]


def test_zscore_against_hand_computed_values():
    """A: 60, 80 (mean 70, sd 10); B: 70, 90, 80 (mean 80, sd √(200/3)); C gave one score (95):
    the single-score rule standardises it by the overall mean 475/6 and sd √(820.8333/6)."""
    scores = [
        ("e1", "A", 60),
        ("e2", "A", 80),
        ("e1", "B", 70),
        ("e2", "B", 90),
        ("e3", "B", 80),
        ("e3", "C", 95),
    ]
    mean = 475 / 6
    sd = math.sqrt(sum((s - mean) ** 2 for *_, s in scores) / 6)
    sd_b = math.sqrt(200 / 3)
    z = {
        "e1": ((60 - 70) / 10 + (70 - 80) / sd_b) / 2,
        "e2": ((80 - 70) / 10 + (90 - 80) / sd_b) / 2,
        "e3": (0 + (95 - mean) / sd) / 2,
    }
    ranked = rank(scores, "zscore")
    assert [r.entry for r in ranked] == ["e2", "e3", "e1"]
    for r in ranked:
        assert r.score == pytest.approx(mean + sd * z[r.entry], abs=1e-6)


def test_a_judge_without_a_scale_is_used_as_given():
    """One score, or all scores equal: not normalisable; z against the overall mean and sd, and in
    the calibrated fit a = 0, b = 1 (not estimated)."""
    scores = [("e1", "A", 60), ("e2", "A", 80), ("e1", "Z", 75), ("e2", "Z", 75), ("e3", "S", 70)]
    mean = sum(s for *_, s in scores) / 5
    sd = math.sqrt(sum((s - mean) ** 2 for *_, s in scores) / 5)
    zscored = _by_entry(rank(scores, "zscore"))
    assert zscored["e3"].score == pytest.approx(70, abs=1e-6)  # the only score, as given
    assert zscored["e1"].score == pytest.approx(mean + sd * (-1 + (75 - mean) / sd) / 2, abs=1e-6)
    fit = calibrated_fit(scores)
    assert set(fit.not_normalised) == {"Z", "S"}
    assert fit.leniency["Z"] == 0 and fit.scale["Z"] == 1 and fit.leniency["S"] == 0 and fit.scale["S"] == 1
    assert fit.theta["e3"] == pytest.approx(70, abs=1e-6)


def test_calibrated_equals_raw_when_judges_agree():
    scores = [(e, j, s) for e, s in (("a", 71), ("b", 84), ("c", 66)) for j in ("J1", "J2", "J3")]
    for r in rank(scores, "calibrated"):
        assert r.score == pytest.approx(r.raw_mean, abs=1e-6)


def test_calibrated_removes_leniency_that_misleads_the_raw_mean():
    """True merit e3 60 < e1 70 < e2 75 < e4 80; judge L adds 15, judge H takes off 10, N is fair.
    e1 was seen by L and e2 by H, so the raw means put e1 (77.5) above e2 (70)."""
    merit = {"e1": 70, "e2": 75, "e3": 60, "e4": 80}
    offset = {"N": 0, "L": 15, "H": -10}
    seen = {"N": ("e1", "e2", "e4"), "L": ("e1", "e3", "e4"), "H": ("e2", "e3", "e4")}
    scores = [(e, j, merit[e] + offset[j]) for j, entries in seen.items() for e in entries]
    raw = _by_entry(rank(scores))
    assert raw["e1"].rank < raw["e2"].rank
    calibrated = rank(scores, "calibrated", strength=1e-6)
    assert [r.entry for r in calibrated] == ["e4", "e2", "e1", "e3"]
    # noise-free scores are reproduced exactly, so θ is the merit up to one affine map (the model's
    # own freedom): differences keep their ratios, and L gives 15 points more than N
    fit = calibrated_fit(scores, strength=1e-6)
    theta = fit.theta
    for e, j, s in scores:
        assert fit.mean + fit.leniency[j] + fit.scale[j] * (theta[e] - fit.mean) == pytest.approx(s, abs=1e-3)
    unit = (theta["e4"] - theta["e3"]) / 20
    assert (theta["e2"] - theta["e1"]) / unit == pytest.approx(5, abs=1e-3)
    assert fit.leniency["L"] - fit.leniency["N"] == pytest.approx(15, abs=1e-3)  # in score points
    assert [r.entry for r in rank(scores, "calibrated")] == ["e4", "e2", "e1", "e3"]  # default strength too


def test_calibrated_recovers_a_known_order_better_than_raw():
    rng = np.random.default_rng(7)
    n_entries, n_judges = 300, 40
    merit = rng.normal(0, 1, n_entries)
    lenient, scale = rng.normal(0, 1, n_judges), np.exp(rng.normal(0, 0.5, n_judges))
    scores = [
        (f"e{e}", f"j{j}", 70 + 8 * (lenient[j] + scale[j] * merit[e] + rng.normal(0, 0.5)))
        for e in range(n_entries)
        for j in rng.choice(n_judges, 3, replace=False)
    ]

    def tau(method):
        got = {r.entry: r.score for r in rank(scores, method)}
        return kendalltau(merit, [got[f"e{e}"] for e in range(n_entries)]).statistic

    assert tau("calibrated") > tau("zscore") > tau("raw") + 0.05


def test_bad_scores_are_refused():
    with pytest.raises(ValueError, match="打了不止一次分"):
        rank([("a", "j", 1), ("a", "j", 2)])
    with pytest.raises(ValueError, match="不是有限数值"):
        rank([("a", "j", float("nan"))])
    with pytest.raises(ValueError, match="排名方法“best”无效"):
        rank([("a", "j", 1)], "best")
    assert rank([], "calibrated") == []


def test_side_by_side_has_every_method():
    scores = [("a", "j1", 60), ("a", "j2", 80), ("b", "j1", 70), ("b", "j2", 95)]
    rows = rank_side_by_side(scores)
    assert rows[0]["entry"] == "b" and rows[0]["raw"] == 82.5 and rows[0]["raw_rank"] == 1
    assert {"zscore", "calibrated", "zscore_rank", "calibrated_rank", "spread_flagged"} <= set(rows[0])


def test_break_ties_by_a_further_score():
    ranked = rank([("a", "j", 90), ("b", "j", 90), ("c", "j", 90), ("d", "j", 80)])
    broken = break_ties(ranked, {"a": 1.0, "b": 3.0, "c": 1.0})
    assert [(r.entry, r.rank) for r in broken] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]


def test_quotas_are_maxima_and_ties_are_never_split():
    """10 entries; 一等奖 at most 20 % (2), 二等奖 at most 3, 三等奖 at most 3. Ranks 1, 2, 2: the tied
    pair does not fit in what is left of 一等奖 (1 place) and goes down to 二等奖 whole."""
    scores = [
        (e, "j", s) for e, s in zip("abcdefghij", (99, 95, 95, 90, 88, 88, 88, 80, 70, 60), strict=True)
    ]
    quotas = [Quota("一等奖", share=0.2), Quota("二等奖", count=3), Quota("三等奖", count=3, share=0.5)]
    levels = {a.entry: a.level for a in award(rank(scores), quotas)}
    assert levels == {"a": "一等奖", "b": "二等奖", "c": "二等奖", "d": "二等奖", "e": "三等奖", "f": "三等奖",
                      "g": "三等奖", "h": None, "i": None, "j": None}  # fmt: skip
    with pytest.raises(ValueError, match="既无名额也无比例"):
        award(rank(scores), [Quota("一等奖")])
