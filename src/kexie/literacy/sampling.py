"""Sample selection with probability proportional to size: pure Python, no Django.

Systematic PPS (Madow): lay the units' sizes end to end, take a random start in the first
interval and every interval after it. A unit whose expected hits n·size/total reach 1 is a
certainty unit: it is taken with probability 1 and the rest of the sample is drawn from the
remaining units, repeated until no unit reaches 1. Every other unit's inclusion probability
is then exactly n'·size/total' over the remainder.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    unit: Hashable
    size: float
    probability: float
    certainty: bool


def inclusion_probabilities(sizes: Sequence[float], n: int) -> tuple[list[float], list[bool]]:
    """Expected inclusion probabilities n·size/total with certainty units capped at 1."""
    if n < 0:
        raise ValueError("样本量不能为负数")
    if any(s < 0 for s in sizes):
        raise ValueError("规模(人口数)不能为负数")
    positive = sum(1 for s in sizes if s > 0)
    if n > positive:
        raise ValueError(f"样本量 {n} 大于规模为正的单位数 {positive}")
    certain = [False] * len(sizes)
    while True:
        remaining = n - sum(certain)
        total = sum(s for s, c in zip(sizes, certain, strict=True) if not c)
        if remaining == 0 or total <= 0:
            break
        newly = [
            i
            for i, s in enumerate(sizes)
            if not certain[i] and remaining * s / total >= 1.0 - 1e-12 and s > 0
        ]
        if not newly:
            break
        for i in newly:
            certain[i] = True
    remaining = n - sum(certain)
    total = sum(s for s, c in zip(sizes, certain, strict=True) if not c)
    probs = [
        1.0 if c else (remaining * s / total if total > 0 else 0.0)
        for s, c in zip(sizes, certain, strict=True)
    ]
    return probs, certain


def systematic_pps(
    units: Sequence[tuple[Hashable, float]],
    n: int,
    *,
    rng: random.Random | None = None,
    start: float | None = None,
) -> list[Selection]:
    """Select n units by systematic PPS. `start` (in [0, 1)) fixes the random start for tests."""
    sizes = [float(size) for _, size in units]
    probs, certain = inclusion_probabilities(sizes, n)
    chosen = [i for i, c in enumerate(certain) if c]
    rest = [i for i, c in enumerate(certain) if not c and probs[i] > 0]
    k = n - len(chosen)
    if k > 0:
        u = start if start is not None else (rng or random.Random()).random()
        if not 0.0 <= u < 1.0:
            raise ValueError("随机起点须在 [0, 1) 之间")
        chosen += _systematic(rest, [probs[i] for i in rest], k, u)
    return [Selection(units[i][0], sizes[i], probs[i], certain[i]) for i in sorted(chosen)]


def _systematic(indices: list[int], probs: list[float], k: int, u: float) -> list[int]:
    """Points u, u+1, …, u+k-1 on the cumulated probabilities (which sum to k)."""
    picked = []
    cumulative = 0.0
    point = u
    for index, p in zip(indices, probs, strict=True):
        cumulative += p
        while len(picked) < k and point < cumulative - 1e-12:
            picked.append(index)
            point += 1.0
    return picked


def stratified_pps(
    frame: Sequence[tuple[Hashable, Hashable, float]],
    allocation: dict[Hashable, int],
    *,
    seed: int | None = None,
) -> list[tuple[Hashable, Selection]]:
    """Systematic PPS in each stratum: frame rows are (stratum, unit, size)."""
    rng = random.Random(seed)
    by_stratum: dict[Hashable, list[tuple[Hashable, float]]] = {}
    for stratum, unit, size in frame:
        by_stratum.setdefault(stratum, []).append((unit, size))
    selected = []
    for stratum, n in allocation.items():
        if stratum not in by_stratum:
            raise ValueError(f"分层“{stratum}”在抽样框中没有单位")
        for selection in systematic_pps(by_stratum[stratum], n, rng=rng):
            selected.append((stratum, selection))
    return selected
