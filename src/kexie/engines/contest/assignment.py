"""Judge assignment as an exact min-cost flow.

Each entry gets ``per_entry`` (K) judges, no judge gets a pair in hard conflict, every judge's load
lies in ``[min_load, max_load]``, and the total affinity of the made pairs is the largest possible.

The problem is a flow: source → entry (K units) → judge (1 unit per non-conflicted pair) → sink
(between ``min_load`` and ``max_load`` units). Its constraint matrix is the incidence matrix of a
bipartite graph, hence totally unimodular: the linear programme's basic optimal solutions are
integral, so the LP *is* the exact integer optimum. scipy's HiGHS solves it (dual simplex, a basic
solution). To stay fast on 1,000s of entries × 100s of judges it first solves the LP over each
entry's best candidates only, then prices every left-out pair with the LP's duals and adds those
whose reduced cost is negative, until none is: the textbook column-generation optimality
certificate, so the answer is the optimum over *all* pairs, not over the candidates.

Affinities are rounded to integer micro-units (``RESOLUTION`` = 1e-6) before solving: the optimum is
exact for the rounded affinities (two assignments closer than 1e-6 in total are a tie), and with
integer costs and a unimodular basis the duals are integers, so "reduced cost < -0.5" separates a
real improvement from rounding noise.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from .affinity import matrix_affinity, table_affinity, text_affinity
from .model import SAME_INSTITUTION, Assignment, Conflict, Entry, Exclusion, Infeasibility, Judge, Pair

RESOLUTION = 1e-6
SCALE = 1_000_000
MAX_PRICING_ROUNDS = 30
PRICING_MARGIN = 0.05  # also add pairs whose reduced cost is below +0.05 affinity (see _solve)
NAMED = 10  # at most this many ids are written out in a message
MAX_AFFINITY = 1_000_000  # so that a total in micro-units stays exact in a float (< 2**53)


def assign(
    entries: Sequence[Entry],
    judges: Sequence[Judge],
    *,
    per_entry: int,
    max_load: int,
    min_load: int = 0,
    conflicts: Iterable[Conflict | tuple[str, str] | tuple[str, str, str]] = (),
    affinity: Mapping[tuple[str, str], float] | np.ndarray | None = None,
) -> Assignment:
    """The assignment of ``per_entry`` judges to each entry with the largest total affinity.

    ``conflicts`` adds pairs to the institution conflicts (an explicit list, the judge's own
    nominees, declared relations): ``Conflict`` objects or ``(entry, judge[, reason])`` tuples.
    ``affinity`` is ``{(entry, judge): value}`` or an entries × judges array, used as given; None
    computes it from the text (:func:`text_affinity`). When no assignment exists the result has no
    pairs and ``infeasible`` names the constraint to relax and whom it concerns.
    Raises ``ValueError`` (in Chinese) on malformed input: duplicate ids, unknown ids, bad numbers.
    """
    entries, judges = list(entries), list(judges)
    _check_parameters(entries, judges, per_entry, max_load, min_load)
    reasons = _conflict_reasons(entries, judges, conflicts)
    allowed = np.ones((len(entries), len(judges)), dtype=bool)
    for e, j in reasons:
        allowed[e, j] = False
    if affinity is None:
        values = text_affinity(entries, judges)
    elif isinstance(affinity, Mapping):
        values = table_affinity(affinity, entries, judges)
    else:
        values = matrix_affinity(affinity, entries, judges)
    if values.size and np.abs(values).max() > MAX_AFFINITY:
        raise ValueError(f"亲和度须在 ±{MAX_AFFINITY:,} 之内(按 {RESOLUTION:g} 的精度求精确解)")
    weights = np.rint(values * SCALE).astype(np.int64)
    problem = _Problem(entries, judges, allowed, weights, reasons, per_entry, max_load, min_load)
    exclusions = [
        Exclusion(entries[e].id, judges[j].id, tuple(why)) for (e, j), why in sorted(reasons.items())
    ]
    started = time.perf_counter()
    diagnosis = _diagnose(problem)
    chosen = None if diagnosis else _solve(problem)
    if chosen is None and diagnosis is None:
        diagnosis = Infeasibility(
            "min_load",
            f"每位评委至少 {min_load} 件、至多 {max_load} 件与每件 {per_entry} 位评委无法同时满足;"
            "放宽:降低评委下限或提高上限",
        )
    seconds = time.perf_counter() - started
    result = Assignment(exclusions=exclusions, resolution=RESOLUTION, solve_seconds=seconds)
    if diagnosis is not None:
        result.infeasible, result.diagnosis = diagnosis.reason, diagnosis
        result._explain = problem.explainer(None)
        return result
    result.pairs = problem.pairs(chosen)
    result.total_affinity = round(int(weights[chosen].sum()) / SCALE, 6)
    result._explain = problem.explainer(chosen)
    return result


# ---------------------------------------------------------------------------------------- input


def _check_parameters(entries, judges, per_entry, max_load, min_load) -> None:
    for label, items in (("作品", entries), ("评委", judges)):
        seen: set[str] = set()
        for item in items:
            if not item.id:
                raise ValueError(f"{label}编号不能为空")
            if item.id in seen:
                raise ValueError(f"{label}编号“{item.id}”重复")
            seen.add(item.id)
    if not isinstance(per_entry, int | np.integer) or per_entry < 1:
        raise ValueError("每件作品的评委数须为正整数")
    if not isinstance(max_load, int | np.integer) or max_load < 0:
        raise ValueError("评委工作量上限须为非负整数")
    if not isinstance(min_load, int | np.integer) or min_load < 0:
        raise ValueError("评委工作量下限须为非负整数")
    if min_load > max_load:
        raise ValueError(f"评委工作量下限 {min_load} 大于上限 {max_load}")


def _conflict_reasons(entries, judges, conflicts) -> dict[tuple[int, int], list[str]]:
    """(entry index, judge index) -> reasons, for every pair in conflict."""
    rows = {e.id: r for r, e in enumerate(entries)}
    cols = {j.id: c for c, j in enumerate(judges)}
    by_institution: dict[str, list[int]] = {}
    for c, judge in enumerate(judges):
        for name in judge.institutions:
            by_institution.setdefault(name, []).append(c)
    reasons: dict[tuple[int, int], list[str]] = {}
    for r, entry in enumerate(entries):
        for name in entry.institutions:
            for c in by_institution.get(name, ()):
                reasons.setdefault((r, c), []).append(f"{SAME_INSTITUTION}({name})")
    for item in conflicts:
        conflict = item if isinstance(item, Conflict) else Conflict(*item)
        if conflict.entry not in rows:
            raise ValueError(f"回避名单中的作品“{conflict.entry}”不在作品名单中")
        if conflict.judge not in cols:
            raise ValueError(f"回避名单中的评委“{conflict.judge}”不在评委名单中")
        why = reasons.setdefault((rows[conflict.entry], cols[conflict.judge]), [])
        if conflict.reason not in why:
            why.append(conflict.reason)
    return reasons


def _named(ids: Sequence[str]) -> str:
    shown = "、".join(ids[:NAMED])
    return shown if len(ids) <= NAMED else f"{shown} 等 {len(ids)} 个"


# ---------------------------------------------------------------------------------------- problem


class _Problem:
    def __init__(self, entries, judges, allowed, weights, reasons, per_entry, max_load, min_load):
        self.entries, self.judges = entries, judges
        self.allowed, self.weights, self.reasons = allowed, weights, reasons
        self.k, self.max_load, self.min_load = per_entry, max_load, min_load

    @property
    def shape(self) -> tuple[int, int]:
        return self.allowed.shape

    def candidate_ranks(self) -> np.ndarray:
        """Rank (1 = best, ties share the better rank) of each judge among the entry's
        non-conflicted judges; 0 where in conflict."""
        ranks = np.zeros(self.shape, dtype=np.int64)
        for r in range(self.shape[0]):
            values = np.sort(self.weights[r, self.allowed[r]])
            ranks[r] = values.size - np.searchsorted(values, self.weights[r], side="right") + 1
        return np.where(self.allowed, ranks, 0)

    def pairs(self, chosen: np.ndarray) -> list[Pair]:
        ranks, counts = self.candidate_ranks(), self.allowed.sum(axis=1)
        loads = chosen.sum(axis=0)
        out = []
        rows, cols = np.nonzero(chosen)
        order = np.lexsort((ranks[rows, cols], rows))  # by entry, then best judge first
        for e, j in zip(rows[order], cols[order], strict=True):
            text = self._made(e, j, chosen, ranks, counts, loads)
            out.append(
                Pair(self.entries[e].id, self.judges[j].id, int(self.weights[e, j]) / SCALE,
                     int(ranks[e, j]), int(counts[e]), text)
            )  # fmt: skip
        return out

    def _made(self, e, j, chosen, ranks, counts, loads) -> str:
        text = f"亲和度 {self.weights[e, j] / SCALE:.4f},在 {counts[e]} 位无回避评委中排第 {ranks[e, j]}"
        before = np.nonzero((ranks[e] > 0) & (ranks[e] < ranks[e, j]) & ~chosen[e])[0]
        skipped = before[np.argsort(ranks[e, before], kind="stable")]
        if skipped.size:
            notes = [self._not_chosen_note(c, loads) for c in skipped[:3]]
            text += ";排在前面未分配的:" + "、".join(notes)
        return text

    def _not_chosen_note(self, c, loads) -> str:
        judge = self.judges[c].id
        if loads[c] >= self.max_load:
            return f"{judge}(已满 {self.max_load} 件)"
        return f"{judge}(总亲和度最优的取舍)"

    def explainer(self, chosen: np.ndarray | None):
        rows = {e.id: r for r, e in enumerate(self.entries)}
        cols = {j.id: c for c, j in enumerate(self.judges)}
        ranks, counts = self.candidate_ranks(), self.allowed.sum(axis=1)
        loads = chosen.sum(axis=0) if chosen is not None else None

        def explain(entry: str, judge: str) -> str:
            if entry not in rows or judge not in cols:
                return "没有这件作品或这位评委"
            e, j = rows[entry], cols[judge]
            if (e, j) in self.reasons:
                return "回避:" + ";".join(self.reasons[(e, j)])
            if chosen is None:
                return "无可行分配,未分配任何评委"
            if chosen[e, j]:
                return "已分配:" + self._made(e, j, chosen, ranks, counts, loads)
            text = f"未分配:亲和度 {self.weights[e, j] / SCALE:.4f},在 {counts[e]} 位无回避评委中排第 {ranks[e, j]}"
            if loads[j] >= self.max_load:
                return text + f";该评委已满 {self.max_load} 件"
            if ranks[e, chosen[e]].max() < ranks[e, j]:
                return text + f";该作品已有 {self.k} 位亲和度更高的评委"
            return text + ";总亲和度最优的取舍(照顾其他评委的工作量下限)"

        return explain


# ---------------------------------------------------------------------------------------- diagnosis


def _diagnose(p: _Problem) -> Infeasibility | None:
    """The first constraint that makes the problem infeasible, with the entries or judges concerned."""
    n_entries, n_judges = p.shape
    ids_e = [e.id for e in p.entries]
    ids_j = [j.id for j in p.judges]
    degree = p.allowed.sum(axis=1)
    short = np.nonzero(degree < p.k)[0]
    if short.size:
        detail = ";".join(f"作品 {ids_e[e]} 只有 {degree[e]} 位无回避的评委" for e in short[:NAMED])
        return Infeasibility(
            "per_entry",
            f"{short.size} 件作品的无回避评委不足每件 {p.k} 位({detail});放宽:"
            + (f"把每件评委数降到 {int(degree.min())},或" if degree.min() > 0 else "")
            + "为这些作品增加评委、解除部分回避",
            entries=tuple(ids_e[e] for e in short),
        )
    need = p.k * n_entries
    if n_judges * p.max_load < need:
        return Infeasibility(
            "max_load",
            f"评委总容量不足:{n_judges} 位评委 × 上限 {p.max_load} 件 = {n_judges * p.max_load},"
            f"少于 {n_entries} 件 × 每件 {p.k} 位 = {need};"
            f"放宽:把评委上限提高到至少 {math.ceil(need / max(n_judges, 1))} 件,或增加评委",
        )
    flow, left, right = _max_flow_cut(p.allowed, p.k, p.max_load)
    if flow < need:
        entries = [ids_e[e] for e in np.nonzero(left)[0]]
        judges = [ids_j[j] for j in np.nonzero(right)[0]]
        can = p.k * len(entries) - (need - flow)
        return Infeasibility(
            "max_load",
            f"作品 {_named(entries)} 共需 {p.k * len(entries)} 人次评审,但因回避只能分给评委 "
            f"{_named(judges) or '(无)'} 等,最多得到 {can} 人次;"
            "放宽:提高这些评委的上限,或解除这些作品的部分回避",
            entries=tuple(entries),
            judges=tuple(judges),
        )
    if p.min_load:
        return _diagnose_min_load(p, ids_e, ids_j)
    return None


def _diagnose_min_load(p: _Problem, ids_e, ids_j) -> Infeasibility | None:
    n_entries, n_judges = p.shape
    supply = p.k * n_entries
    if n_judges * p.min_load > supply:
        return Infeasibility(
            "min_load",
            f"评委下限无法达到:{n_judges} 位评委 × 下限 {p.min_load} 件 = {n_judges * p.min_load},"
            f"多于全部评审人次 {n_entries} 件 × 每件 {p.k} 位 = {supply};"
            f"放宽:把评委下限降到至多 {supply // n_judges} 件,或减少评委",
        )
    degree = p.allowed.sum(axis=0)
    few = np.nonzero(degree < p.min_load)[0]
    if few.size:
        detail = ";".join(f"评委 {ids_j[j]} 只有 {degree[j]} 件无回避的作品" for j in few[:NAMED])
        return Infeasibility(
            "min_load",
            f"{few.size} 位评委的无回避作品少于下限 {p.min_load} 件({detail});"
            f"放宽:把评委下限降到 {int(degree.min())},或解除部分回避",
            judges=tuple(ids_j[j] for j in few),
        )
    flow, left, right = _max_flow_cut(p.allowed.T, p.min_load, p.k)
    if flow < n_judges * p.min_load:
        judges = [ids_j[j] for j in np.nonzero(left)[0]]
        entries = [ids_e[e] for e in np.nonzero(right)[0]]
        can = p.min_load * len(judges) - (n_judges * p.min_load - flow)
        return Infeasibility(
            "min_load",
            f"评委 {_named(judges)} 每人至少 {p.min_load} 件,共需 {p.min_load * len(judges)} 件,"
            f"但因回避只能评作品 {_named(entries) or '(无)'} 等,最多 {can} 件;"
            "放宽:降低评委下限,或解除这些评委的部分回避",
            entries=tuple(entries),
            judges=tuple(judges),
        )
    return None


def _max_flow_cut(allowed: np.ndarray, left_cap: int, right_cap: int):
    """Max flow source → left (``left_cap``) → right (1 per allowed pair) → sink (``right_cap``),
    and the left and right nodes on the source side of a minimum cut (the Hall violators)."""
    n_left, n_right = allowed.shape
    source, sink = 0, n_left + n_right + 1
    li, ri = np.nonzero(allowed)
    tails = np.concatenate([np.full(n_left, source), 1 + li, 1 + n_left + np.arange(n_right)])
    heads = np.concatenate([1 + np.arange(n_left), 1 + n_left + ri, np.full(n_right, sink)])
    caps = np.concatenate([np.full(n_left, left_cap), np.ones(li.size), np.full(n_right, right_cap)])
    size = sink + 1
    capacity = sparse.csr_matrix((caps.astype(np.int32), (tails, heads)), shape=(size, size))
    result = maximum_flow(capacity, source, sink)
    residual = (capacity - result.flow).tocsr()
    residual.data = (residual.data > 0).astype(np.int32)
    residual.eliminate_zeros()
    reached = np.zeros(size, dtype=bool)
    reached[breadth_first_order(residual, source, directed=True, return_predecessors=False)] = True
    return int(result.flow_value), reached[1 : 1 + n_left], reached[1 + n_left : sink]


# ---------------------------------------------------------------------------------------- solving


def _solve(p: _Problem) -> np.ndarray | None:
    """The optimal pairs as an entries × judges boolean matrix, or None if infeasible.

    Column generation: solve over the candidates, price every other pair with the duals, add those
    that could improve the optimum, repeat. Pairs within ``PRICING_MARGIN`` of improving are added
    too, which saves rounds (each round is a cold solve). If the candidates alone are infeasible
    (e.g. minimum loads), the candidate lists are widened."""
    ei, ji = np.nonzero(p.allowed)
    if ei.size == 0:  # no entries (the diagnosis has refused entries without judges)
        return np.zeros(p.shape, dtype=bool)
    w = p.weights[ei, ji]
    width = 3 * p.k + 10
    in_lp = _initial_candidates(p, ei, ji, width)
    for _ in range(MAX_PRICING_ROUNDS):
        idx = np.nonzero(in_lp)[0]
        lp = _lp(p, ei[idx], ji[idx], w[idx])
        if lp is None:
            if in_lp.all():
                return None
            width *= 2
            in_lp |= _initial_candidates(p, ei, ji, width)
            continue
        x, entry_dual, judge_dual = lp
        reduced = -w - entry_dual[ei] - judge_dual[ji]
        if not (~in_lp & (reduced < -0.5)).any():
            return _as_matrix(p, ei[idx], ji[idx], x)
        in_lp |= reduced < PRICING_MARGIN * SCALE
    lp = _lp(p, ei, ji, w)
    return None if lp is None else _as_matrix(p, ei, ji, lp[0])


def _initial_candidates(p: _Problem, ei: np.ndarray, ji: np.ndarray, width: int) -> np.ndarray:
    """Each entry's ``width`` best judges and each judge's best entries (at least twice the mean
    load), as a mask over the allowed pairs (ei, ji)."""
    n_entries, n_judges = p.shape
    masked = np.where(p.allowed, p.weights, -1)
    keep = np.zeros(p.shape, dtype=bool)
    per_entry = min(n_judges, width)
    top = np.argpartition(-masked, per_entry - 1, axis=1)[:, :per_entry]
    keep[np.arange(n_entries)[:, None], top] = True
    mean_load = math.ceil(p.k * n_entries / max(n_judges, 1))
    per_judge = min(n_entries, 2 * max(p.min_load, mean_load) + 5 + (width - 3 * p.k - 10))
    top = np.argpartition(-masked, per_judge - 1, axis=0)[:per_judge, :]
    keep[top, np.arange(n_judges)[None, :]] = True
    return keep[ei, ji]


def _lp(p: _Problem, ei: np.ndarray, ji: np.ndarray, w: np.ndarray):
    """Solves the LP over the given pairs: (x, entry duals, judge duals) or None if infeasible."""
    n_entries, n_judges = p.shape
    n = ei.size
    cols = np.arange(n)
    a_eq = sparse.csr_matrix((np.ones(n), (ei, cols)), shape=(n_entries, n))
    per_judge = sparse.csr_matrix((np.ones(n), (ji, cols)), shape=(n_judges, n))
    a_ub, b_ub = per_judge, np.full(n_judges, p.max_load, dtype=float)
    if p.min_load:
        a_ub = sparse.vstack([per_judge, -per_judge]).tocsr()
        b_ub = np.concatenate([b_ub, np.full(n_judges, -p.min_load, dtype=float)])
    res = linprog(
        -w.astype(float), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=np.full(n_entries, float(p.k)),
        bounds=(0, 1), method="highs-ds",
    )  # fmt: skip
    if res.status == 2:
        return None
    if res.status != 0:
        raise RuntimeError(f"HiGHS: {res.message}")
    judge_dual = res.ineqlin.marginals[:n_judges]
    if p.min_load:
        judge_dual = judge_dual - res.ineqlin.marginals[n_judges:]
    return res.x, res.eqlin.marginals, judge_dual


def _as_matrix(p: _Problem, ei: np.ndarray, ji: np.ndarray, x: np.ndarray) -> np.ndarray:
    if np.abs(x - np.rint(x)).max(initial=0.0) > 1e-6:
        raise RuntimeError("the flow LP returned a fractional solution")  # TU: cannot happen at a vertex
    chosen = np.zeros(p.shape, dtype=bool)
    on = np.rint(x) == 1
    chosen[ei[on], ji[on]] = True
    loads = chosen.sum(axis=0)
    if not (
        (chosen.sum(axis=1) == p.k).all() and (loads <= p.max_load).all() and (loads >= p.min_load).all()
    ):
        raise RuntimeError("the flow LP broke a load")  # cannot happen: the LP's constraints
    if (chosen & ~p.allowed).any():
        raise RuntimeError("the flow LP made a pair in conflict")
    return chosen


def greedy_baseline(
    affinity: np.ndarray, allowed: np.ndarray, per_entry: int, max_load: int
) -> np.ndarray | None:
    """The common greedy heuristic, for comparison only: take pairs by descending affinity while the
    entry still needs judges and the judge has room. Returns the chosen matrix, or None when it
    leaves an entry short (greedy can get stuck where an exact assignment exists)."""
    order = np.argsort(-np.where(allowed, affinity, -np.inf), axis=None, kind="stable")
    need = np.full(allowed.shape[0], per_entry)
    room = np.full(allowed.shape[1], max_load)
    chosen = np.zeros(allowed.shape, dtype=bool)
    left = int(need.sum())
    for flat in order:
        e, j = divmod(int(flat), allowed.shape[1])
        if not allowed[e, j]:
            break
        if need[e] and room[j]:
            chosen[e, j] = True
            need[e] -= 1
            room[j] -= 1
            left -= 1
            if not left:
                break
    return chosen if not need.any() else None
