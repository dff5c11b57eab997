"""Ranking entries from judges' scores: raw means, per-judge z-scores, calibrated scores.

A higher score is better. Every method reports on the scale of the scores themselves, so that the
three can stand side by side:

* ``raw``: the mean of the entry's scores.
* ``zscore``: each judge's scores are standardised by that judge's own mean and standard deviation
  (population, ddof = 0); the entry's mean z is put back on the common scale
  (overall mean + overall standard deviation × mean z).
* ``calibrated``: the model of examiner calibration of Paul (1981, "Bayesian methods for calibration
  of examiners", Brit. J. Math. Stat. Psych. 34: 213–223): judge j gives entry e
  ``s = a_j + b_j·θ_e + ε``, with a leniency ``a_j`` (additive) and a scale ``b_j``
  (multiplicative). It is fitted by alternating least squares with Gaussian priors a_j ~ N(0, ·),
  b_j ~ N(1, ·) of weight ``strength`` (a ridge penalty, i.e. the MAP estimate), on scores
  standardised over all judges; θ_e is the entry's calibrated score, put back on the common scale.
  With b_j fixed at 1 this is the additive least-squares calibration of MacKay, Kenna, Low and
  Parker (2017, "Calibration with confidence: a principled method for panel assessment",
  R. Soc. Open Sci. 4: 160760) with equal confidences. The priors make the fit identified (the
  model alone is unchanged by θ → cθ + d) and keep a judge with few scores near "as given".

**The single-score rule.** A judge with a single score, or whose scores are all equal, has no
scale of their own: their scores are used as given (z-scores against the overall mean and standard
deviation; in the calibrated fit a = 0, b = 1, not estimated). The other judges are normalised
as usual.

**Ties.** Scores are compared rounded to 6 decimals; equal scores share the better rank
(1, 1, 3: "competition ranking"); within a tie, entries are listed by id.

**Spread.** Each entry's spread is the range (max − min) of its raw scores; it is flagged when it
exceeds ``spread_limit`` (default 1.5 × the standard deviation of all scores), i.e. when the judges
disagree about it by more than the field's own variety.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

import numpy as np

METHODS = ("raw", "zscore", "calibrated")
DECIMALS = 6
SPREAD_FACTOR = 1.5
MIN_SCALE = 0.1  # a judge's scale b_j is kept at least this (a judge does not rank backwards)


@dataclass(frozen=True)
class Score:
    entry: str
    judge: str
    score: float


@dataclass(frozen=True)
class Ranked:
    entry: str
    score: float  # by the method asked for, on the scores' scale
    rank: int  # 1 = best; equal scores share the better rank
    raw_mean: float
    n_judges: int
    spread: float  # max − min of the entry's raw scores (0 with one score)
    spread_flagged: bool

    def as_dict(self) -> dict[str, object]:
        """The command line's JSON shape."""
        return {
            "entry": self.entry,
            "score": self.score,
            "rank": self.rank,
            "raw_mean": self.raw_mean,
            "n_judges": self.n_judges,
        }


class _Scores:
    """Scores as index arrays: entry index, judge index, value."""

    def __init__(self, scores: Iterable[Score | tuple[str, str, float]]):
        entries: dict[str, int] = {}
        judges: dict[str, int] = {}
        seen: set[tuple[str, str]] = set()
        e, j, s = [], [], []
        for item in scores:
            score = item if isinstance(item, Score) else Score(*item)
            entry, judge = str(score.entry), str(score.judge)
            value = float(score.score)
            if not math.isfinite(value):
                raise ValueError(f"评委“{judge}”给作品“{entry}”的分数不是有限数值")
            if (entry, judge) in seen:
                raise ValueError(f"评委“{judge}”给作品“{entry}”打了不止一次分")
            seen.add((entry, judge))
            e.append(entries.setdefault(entry, len(entries)))
            j.append(judges.setdefault(judge, len(judges)))
            s.append(value)
        self.entry_ids, self.judge_ids = list(entries), list(judges)
        self.e = np.array(e, dtype=np.int64)
        self.j = np.array(j, dtype=np.int64)
        self.s = np.array(s, dtype=np.float64)
        self.n_entries, self.n_judges = len(entries), len(judges)
        self.mean = float(self.s.mean()) if self.s.size else 0.0
        self.sd = float(self.s.std()) if self.s.size else 0.0

    def per_entry(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.e, values, self.n_entries) / self.entry_counts()

    def entry_counts(self) -> np.ndarray:
        return np.bincount(self.e, minlength=self.n_entries)

    def judge_stats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each judge's count, mean and population standard deviation."""
        count = np.bincount(self.j, minlength=self.n_judges)
        mean = np.bincount(self.j, self.s, self.n_judges) / count
        var = np.bincount(self.j, (self.s - mean[self.j]) ** 2, self.n_judges) / count
        return count, mean, np.sqrt(var)

    def normalisable(self) -> np.ndarray:
        """Judges with a scale of their own: two scores or more, not all equal."""
        count, _, sd = self.judge_stats()
        return (count >= 2) & (sd > 1e-12 * max(1.0, abs(self.mean)))


def raw_means(data: _Scores) -> np.ndarray:
    return data.per_entry(data.s)


def zscore_means(data: _Scores) -> np.ndarray:
    """Mean per-judge z-score, on the common scale; the single-score rule for judges without a scale."""
    if data.sd == 0:
        return raw_means(data)
    _, mean, sd = data.judge_stats()
    own = data.normalisable()
    centre = np.where(own, mean, data.mean)
    spread = np.where(own, sd, data.sd)
    z = (data.s - centre[data.j]) / spread[data.j]
    return data.mean + data.sd * data.per_entry(z)


def calibrated_scores(
    data: _Scores, strength: float = 1.0, tolerance: float = 1e-10, max_iterations: int = 1000
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """θ per entry (common scale), and leniency a_j (common scale) and scale b_j per judge, by
    alternating least squares (see the module's docstring)."""
    if data.sd == 0:
        return raw_means(data), np.zeros(data.n_judges), np.ones(data.n_judges)
    u = (data.s - data.mean) / data.sd
    free = data.normalisable()
    a, b = np.zeros(data.n_judges), np.ones(data.n_judges)
    theta = data.per_entry(u)
    count = np.bincount(data.j, minlength=data.n_judges).astype(float)
    for _ in range(max_iterations):
        t = theta[data.e]
        st = np.bincount(data.j, t, data.n_judges)
        stt = np.bincount(data.j, t * t, data.n_judges)
        su = np.bincount(data.j, u, data.n_judges)
        sut = np.bincount(data.j, u * t, data.n_judges)
        # ridge normal equations: [n+λ, Σθ; Σθ, Σθ²+λ] [a, b] = [Σu, Σuθ + λ]
        m11, m12, m22 = count + strength, st, stt + strength
        r1, r2 = su, sut + strength
        det = m11 * m22 - m12 * m12
        new_b = np.maximum((m11 * r2 - m12 * r1) / det, MIN_SCALE)
        new_a = (r1 - new_b * m12) / m11
        new_a, new_b = np.where(free, new_a, 0.0), np.where(free, new_b, 1.0)
        bj, aj = new_b[data.j], new_a[data.j]
        new_theta = np.bincount(data.e, bj * (u - aj), data.n_entries) / np.bincount(
            data.e, bj * bj, data.n_entries
        )
        change = max(np.abs(new_theta - theta).max(), np.abs(new_a - a).max(), np.abs(new_b - b).max())
        a, b, theta = new_a, new_b, new_theta
        if change < tolerance:
            break
    return data.mean + data.sd * theta, data.sd * a, b


@dataclass(frozen=True)
class Calibration:
    """The calibrated fit on the scores' scale: judge j is modelled to give entry e
    ``mean + leniency[j] + scale[j] × (theta[e] − mean)``, i.e. ``leniency`` is what the judge adds
    for an entry of average merit and ``scale`` how much they stretch differences; ``not_normalised``
    are the judges whose leniency and scale were not estimated (the single-score rule)."""

    mean: float
    theta: dict[str, float]
    leniency: dict[str, float]
    scale: dict[str, float]
    not_normalised: tuple[str, ...]


def calibrated_fit(scores: Iterable[Score | tuple[str, str, float]], strength: float = 1.0) -> Calibration:
    """The calibrated model's parameters, to show a judge how lenient and how spread out they were."""
    data = _Scores(scores)
    theta, a, b = calibrated_scores(data, strength=strength) if data.s.size else ([], [], [])
    free = data.normalisable() if data.s.size else []
    return Calibration(
        mean=data.mean,
        theta={e: float(t) for e, t in zip(data.entry_ids, theta, strict=True)},
        leniency={j: float(x) for j, x in zip(data.judge_ids, a, strict=True)},
        scale={j: float(x) for j, x in zip(data.judge_ids, b, strict=True)},
        not_normalised=tuple(j for j, ok in zip(data.judge_ids, free, strict=True) if not ok),
    )


def rank(
    scores: Iterable[Score | tuple[str, str, float]],
    method: str = "raw",
    *,
    spread_limit: float | None = None,
    strength: float = 1.0,
) -> list[Ranked]:
    """Entries ranked best first by ``method`` (``"raw"``, ``"zscore"`` or ``"calibrated"``);
    see the module's docstring for each method, the single-score rule, ties and the spread flag."""
    if method not in METHODS:
        raise ValueError(f"排名方法“{method}”无效,可选:{'、'.join(METHODS)}")
    data = _Scores(scores)
    if not data.s.size:
        return []
    if method == "raw":
        values = raw_means(data)
    elif method == "zscore":
        values = zscore_means(data)
    else:
        values = calibrated_scores(data, strength=strength)[0]
    return _ranked(data, values, spread_limit)


def _ranked(data: _Scores, values: np.ndarray, spread_limit: float | None) -> list[Ranked]:
    limit = SPREAD_FACTOR * data.sd if spread_limit is None else spread_limit
    raw = raw_means(data)
    high = np.full(data.n_entries, -np.inf)
    low = np.full(data.n_entries, np.inf)
    np.maximum.at(high, data.e, data.s)
    np.minimum.at(low, data.e, data.s)
    counts = data.entry_counts()
    rounded = np.round(values, DECIMALS)
    order = sorted(range(data.n_entries), key=lambda i: (-rounded[i], data.entry_ids[i]))
    out: list[Ranked] = []
    for position, i in enumerate(order):
        shared = out and rounded[i] == rounded[order[position - 1]]
        spread = float(high[i] - low[i])
        out.append(
            Ranked(
                entry=data.entry_ids[i],
                score=float(rounded[i]),
                rank=out[-1].rank if shared else position + 1,
                raw_mean=round(float(raw[i]), DECIMALS),
                n_judges=int(counts[i]),
                spread=round(spread, DECIMALS),
                spread_flagged=bool(counts[i] >= 2 and spread > limit + 1e-9),
            )
        )
    return out


def rank_side_by_side(scores: Iterable[Score | tuple[str, str, float]], **options) -> list[dict[str, object]]:
    """One row per entry with the score and rank of every method, in the calibrated order."""
    scores = list(scores)
    by_method = {m: {r.entry: r for r in rank(scores, m, **options)} for m in METHODS}
    rows = []
    for item in by_method["calibrated"].values():
        row: dict[str, object] = {"entry": item.entry, "n_judges": item.n_judges, "spread": item.spread,
                                  "spread_flagged": item.spread_flagged}  # fmt: skip
        for m in METHODS:
            row[m] = by_method[m][item.entry].score
            row[f"{m}_rank"] = by_method[m][item.entry].rank
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------- ties, quotas


def break_ties(ranked: Sequence[Ranked], *keys: Mapping[str, float]) -> list[Ranked]:
    """Breaks shared ranks by further scores, in order (higher is better), e.g. the calibrated score,
    then a particular criterion's mean. Entries still equal on every key keep sharing their rank."""

    def key(item: Ranked) -> tuple:
        return (item.rank, *(-round(float(k.get(item.entry, -math.inf)), DECIMALS) for k in keys))

    ordered = sorted(ranked, key=lambda r: (key(r), r.entry))
    out: list[Ranked] = []
    for position, item in enumerate(ordered):
        shared = out and key(item) == key(ordered[position - 1])
        new_rank = out[-1].rank if shared else position + 1
        out.append(Ranked(**{**item.__dict__, "rank": new_rank}))
    return out


@dataclass(frozen=True)
class Quota:
    """A prize level with at most ``count`` entries and/or at most ``share`` of all ranked entries
    (rounded down); with both, the smaller."""

    level: str
    share: float | None = None
    count: int | None = None

    def capacity(self, n_entries: int) -> int:
        limits = []
        if self.share is not None:
            limits.append(math.floor(self.share * n_entries + 1e-9))
        if self.count is not None:
            limits.append(self.count)
        if not limits:
            raise ValueError(f"奖项“{self.level}”既无名额也无比例")
        return max(0, min(limits))


@dataclass(frozen=True)
class Award:
    entry: str
    rank: int
    level: str | None  # None: no prize


def award(ranked: Sequence[Ranked], quotas: Sequence[Quota]) -> list[Award]:
    """Prize levels in rank order, best level first, each quota a maximum that is never exceeded.

    Rules: entries sharing a rank are never split: a tie group that does not fit in what is left of
    a level goes down to the next level whole (the level's remaining places stay empty); a
    lower-ranked entry never gets a better level than a higher-ranked one; entries past the last
    level get no prize (``level`` None)."""
    n = len(ranked)
    capacities = [q.capacity(n) for q in quotas]
    out: list[Award] = []
    level, taken = 0, 0
    items = sorted(ranked, key=lambda r: (r.rank, r.entry))
    for _, tied in groupby(items, key=lambda r: r.rank):
        group = list(tied)
        while level < len(quotas) and taken + len(group) > capacities[level]:
            level, taken = level + 1, 0
        name = quotas[level].level if level < len(quotas) else None
        if name is not None:
            taken += len(group)
        out.extend(Award(r.entry, r.rank, name) for r in group)
    return out
