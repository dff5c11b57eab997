"""Systematic PPS selection (kexie.literacy.sampling: no database)."""

import random
from collections import Counter

import pytest

from kexie.literacy.sampling import inclusion_probabilities, stratified_pps, systematic_pps


def test_inclusion_probabilities_are_n_size_over_total():
    probs, certain = inclusion_probabilities([100, 200, 300, 400], 2)
    assert probs == pytest.approx([0.2, 0.4, 0.6, 0.8])
    assert certain == [False] * 4
    assert sum(probs) == pytest.approx(2)


def test_large_units_become_certainty_units_and_the_rest_share_what_is_left():
    # 2·900/1200 = 1.5 ≥ 1: the big unit is certain; 1 more draw from 100+100+100
    probs, certain = inclusion_probabilities([900, 100, 100, 100], 2)
    assert certain == [True, False, False, False]
    assert probs == pytest.approx([1.0, 1 / 3, 1 / 3, 1 / 3])


def test_certainty_is_found_iteratively():
    # 3·500/1000 ≥ 1 → certain; then 2·300/500 = 1.2 ≥ 1 → certain; 1 draw from 100+100
    probs, certain = inclusion_probabilities([500, 300, 100, 100], 3)
    assert certain == [True, True, False, False]
    assert probs == pytest.approx([1, 1, 0.5, 0.5])


def test_systematic_selection_with_a_fixed_start():
    units = [("a", 100), ("b", 200), ("c", 300), ("d", 400)]
    # cumulated probabilities .2 .6 1.2 2.0; points .5 and 1.5 → b and d
    chosen = systematic_pps(units, 2, start=0.5)
    assert [s.unit for s in chosen] == ["b", "d"]
    assert [s.probability for s in chosen] == pytest.approx([0.4, 0.8])


def test_certainty_units_are_always_selected():
    units = [("big", 900), ("x", 100), ("y", 100), ("z", 100)]
    for start in (0.0, 0.3, 0.99):
        chosen = systematic_pps(units, 2, start=start)
        assert chosen[0].unit == "big" and chosen[0].certainty and chosen[0].probability == 1.0
        assert len(chosen) == 2


def test_empirical_inclusion_frequencies_match_expected_probabilities():
    units = [(name, size) for name, size in zip("abcdefg", [50, 80, 120, 200, 250, 300, 500], strict=True)]
    expected, _ = inclusion_probabilities([s for _, s in units], 3)
    rng = random.Random(7)
    runs = 20000
    hits = Counter()
    for _ in range(runs):
        for sel in systematic_pps(units, 3, rng=rng):
            hits[sel.unit] += 1
    for (name, _), p in zip(units, expected, strict=True):
        assert hits[name] / runs == pytest.approx(p, abs=0.015)


def test_no_unit_is_drawn_twice_and_sample_size_is_exact():
    units = [(i, size) for i, size in enumerate([5, 5, 5, 100, 3, 40, 7, 9])]
    rng = random.Random(1)
    for _ in range(500):
        chosen = systematic_pps(units, 4, rng=rng)
        names = [s.unit for s in chosen]
        assert len(names) == 4 == len(set(names))


def test_bad_requests_are_refused_in_chinese():
    with pytest.raises(ValueError, match="样本量"):
        inclusion_probabilities([10, 0, 5], 3)
    with pytest.raises(ValueError, match="负数"):
        inclusion_probabilities([10, -1], 1)


def test_stratified_selection_is_reproducible_with_a_seed():
    frame = [("东县", f"东{i}", 100 + i * 10) for i in range(10)] + [
        ("西县", f"西{i}", 50 + i) for i in range(6)
    ]
    first = stratified_pps(frame, {"东县": 3, "西县": 2}, seed=42)
    again = stratified_pps(frame, {"东县": 3, "西县": 2}, seed=42)
    assert [(s, sel.unit) for s, sel in first] == [(s, sel.unit) for s, sel in again]
    assert Counter(s for s, _ in first) == {"东县": 3, "西县": 2}
    with pytest.raises(ValueError, match="北县"):
        stratified_pps(frame, {"北县": 1})
