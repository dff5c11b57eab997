"""Contest engine benchmark: exact judge assignment against greedy, ranking speed, calibration quality.

The instance follows the seed's 山东省大学生医养健康创新创业大赛: 1,180 entries from 71 universities,
3 judges each among 150 judges (100 of them from those universities, hence institution conflicts),
each judge 15 to 30 entries. Affinity has structure (20 fields; an entry and a judge of the same
field match well), so popular fields compete for the same judges, as in a real call.

    python benchmarks/bench_contest.py [--seeds 5] [--repeat 3]

Prints figures on stderr and one JSON line at the end. With OR-Tools importable (not a kexie
dependency), its SimpleMinCostFlow is timed on the same instance for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
from scipy.stats import kendalltau

import kexie.engines.contest.assignment as assignment
from kexie.engines.contest import Entry, Judge, assign, rank, text_affinity
from kexie.engines.contest.assignment import SCALE, greedy_baseline

N_ENTRIES, N_JUDGES, PER_ENTRY, MAX_LOAD, MIN_LOAD = 1180, 150, 3, 30, 15
N_UNIVERSITIES, N_FIELDS = 71, 20
FIELD_WORDS = [
    ["康复", "护理", "养老"], ["中医", "针灸", "草药"], ["影像", "诊断", "深度学习"], ["营养", "膳食", "肥胖"],
    ["心理", "抑郁", "干预"], ["药物", "制剂", "缓释"], ["器械", "传感器", "监测"], ["基因", "测序", "肿瘤"],
    ["疫苗", "免疫", "抗体"], ["公共卫生", "流行病", "筛查"], ["口腔", "牙齿", "修复"], ["眼科", "视力", "近视"],
    ["运动", "体能", "康养"], ["睡眠", "呼吸", "鼾症"], ["慢病", "糖尿病", "血糖"], ["心血管", "血压", "心电"],
    ["老年", "认知", "痴呆"], ["妇幼", "孕产", "儿童"], ["医院", "管理", "信息化"], ["远程", "医疗", "平台"],
]  # fmt: skip


def instance(seed: int):
    rng = np.random.default_rng(seed)
    entry_field = rng.choice(N_FIELDS, N_ENTRIES, p=rng.dirichlet(np.full(N_FIELDS, 2.0)))
    judge_fields = [rng.choice(N_FIELDS, rng.integers(1, 4), replace=False) for _ in range(N_JUDGES)]
    home = rng.integers(0, N_UNIVERSITIES, N_ENTRIES)
    adviser = np.where(rng.random(N_ENTRIES) < 0.2, rng.integers(0, N_UNIVERSITIES, N_ENTRIES), home)
    entries = [
        Entry(f"e{i}", (f"大学{home[i]}", f"大学{adviser[i]}"), f"{FIELD_WORDS[entry_field[i]][0]}项目",
              "、".join(rng.choice(FIELD_WORDS[entry_field[i]], 2)))
        for i in range(N_ENTRIES)
    ]  # fmt: skip
    judges = [
        Judge(f"j{i}", (f"大学{rng.integers(0, N_UNIVERSITIES)}" if i < 100 else f"研究院{i}",),
              ";".join(w for f in judge_fields[i] for w in FIELD_WORDS[f]))
        for i in range(N_JUDGES)
    ]  # fmt: skip
    same = np.array([[f in judge_fields[j] for j in range(N_JUDGES)] for f in entry_field])
    affinity = np.clip(0.6 * same + 0.4 * rng.random((N_ENTRIES, N_JUDGES)), 0, 1)
    return entries, judges, affinity


def allowed_matrix(entries, judges) -> np.ndarray:
    inst = [set(j.institutions) for j in judges]
    return np.array([[not set(e.institutions) & inst[j] for j in range(len(judges))] for e in entries])


CPU: dict[str, float] = {}  # CPU seconds of the last timed() call, by label


def timed(fn, repeat: int, label: str = ""):
    """Median wall seconds over ``repeat`` runs (CPU seconds kept in CPU[label]: on a shared machine
    the wall time also counts other processes' turns)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    CPU[label] = round(statistics.median(cpu), 3)
    return result, statistics.median(times)


def assignment_figures(repeat: int) -> dict[str, object]:
    entries, judges, affinity = instance(0)
    allowed = allowed_matrix(entries, judges)

    def exact():
        return assign(
            entries, judges, per_entry=PER_ENTRY, max_load=MAX_LOAD, min_load=MIN_LOAD, affinity=affinity
        )

    result, exact_s = timed(exact, repeat, "exact")
    assert result.infeasible is None, result.infeasible
    chosen, greedy_s = timed(
        lambda: greedy_baseline(affinity, allowed, PER_ENTRY, MAX_LOAD), repeat, "greedy"
    )
    rounded = np.rint(affinity * SCALE) / SCALE
    greedy_total = float(rounded[chosen].sum()) if chosen is not None else None
    greedy_loads = chosen.sum(axis=0) if chosen is not None else None
    original = assignment.MAX_PRICING_ROUNDS
    assignment.MAX_PRICING_ROUNDS = 0
    full, full_s = timed(exact, 1, "full_lp")
    assignment.MAX_PRICING_ROUNDS = original
    assert full.total_affinity == result.total_affinity
    _, text_s = timed(lambda: text_affinity(entries, judges), 1, "text_affinity")
    out = {
        "entries": N_ENTRIES, "judges": N_JUDGES, "per_entry": PER_ENTRY, "max_load": MAX_LOAD,
        "min_load": MIN_LOAD, "conflicts": int((~allowed).sum()),
        "exact_s": round(exact_s, 3), "exact_total": result.total_affinity, "exact_gap": 0.0,
        "full_lp_s": round(full_s, 3),
        "greedy_s": round(greedy_s, 3), "greedy_total": round(greedy_total, 6) if greedy_total else None,
        "greedy_gap": round((result.total_affinity - greedy_total) / result.total_affinity, 5)
        if greedy_total else None,
        "greedy_below_min_load": int((greedy_loads < MIN_LOAD).sum()) if greedy_loads is not None else None,
        "text_affinity_s": round(text_s, 3),
        **{f"{label}_cpu_s": seconds for label, seconds in CPU.items()},
        "load_average": round(os.getloadavg()[0], 1), "cores": os.cpu_count(),
    }  # fmt: skip
    out.update(ortools_figures(allowed, affinity, repeat))
    return out


def ortools_figures(allowed: np.ndarray, affinity: np.ndarray, repeat: int) -> dict[str, object]:
    try:
        from ortools.graph.python import min_cost_flow
    except ImportError:
        return {}
    ei, ji = np.nonzero(allowed)
    weights = np.rint(affinity[ei, ji] * SCALE).astype(np.int64)
    n_e, n_j = allowed.shape
    sink = n_e + n_j + 1

    def solve():
        # min loads as a lower bound: judge → sink carries MIN_LOAD forced units via node demands
        flow = min_cost_flow.SimpleMinCostFlow()
        tails = np.concatenate([np.zeros(n_e, np.int64), 1 + ei, 1 + n_e + np.arange(n_j)])
        heads = np.concatenate([1 + np.arange(n_e), 1 + n_e + ji, np.full(n_j, sink)])
        caps = np.concatenate(
            [np.full(n_e, PER_ENTRY), np.ones(ei.size, np.int64), np.full(n_j, MAX_LOAD - MIN_LOAD)]
        )
        costs = np.concatenate([np.zeros(n_e, np.int64), -weights, np.zeros(n_j, np.int64)])
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        supply = np.zeros(sink + 1, np.int64)
        supply[0] = n_e * PER_ENTRY
        supply[1 + n_e : 1 + n_e + n_j] = -MIN_LOAD
        supply[sink] = -(n_e * PER_ENTRY - n_j * MIN_LOAD)
        flow.set_nodes_supplies(np.arange(sink + 1), supply)
        assert flow.solve() == flow.OPTIMAL
        return -flow.optimal_cost() / SCALE

    total, seconds = timed(solve, repeat, "ortools")
    return {"ortools_s": round(seconds, 3), "ortools_cpu_s": CPU["ortools"], "ortools_total": round(total, 6)}


def simulate(seed: int, leniency: float, scale: float, noise: float, pairs) -> dict[str, float]:
    """Judges give 70 + 8 × (a_j + b_j·θ_e + ε): θ ~ N(0, 1), a_j ~ N(0, leniency),
    log b_j ~ N(0, scale), ε ~ N(0, noise); Kendall's tau of each ranking with θ."""
    rng = np.random.default_rng(1000 + seed)
    theta = rng.normal(0, 1, N_ENTRIES)
    a = rng.normal(0, leniency, N_JUDGES)
    b = np.exp(rng.normal(0, scale, N_JUDGES))
    scores = [(f"e{e}", f"j{j}", 70 + 8 * (a[j] + b[j] * theta[e] + rng.normal(0, noise))) for e, j in pairs]
    out = {}
    for method in ("raw", "zscore", "calibrated"):
        got = {r.entry: r.score for r in rank(scores, method)}
        out[method] = float(kendalltau(theta, [got[f"e{e}"] for e in range(N_ENTRIES)]).statistic)
    return out


def ranking_figures(seeds: int, repeat: int) -> dict[str, object]:
    entries, judges, affinity = instance(0)
    result = assign(
        entries, judges, per_entry=PER_ENTRY, max_load=MAX_LOAD, min_load=MIN_LOAD, affinity=affinity
    )
    pairs = [(int(p.entry[1:]), int(p.judge[1:])) for p in result.pairs]
    rng = np.random.default_rng(5)
    scores = [(f"e{e}", f"j{j}", float(rng.normal(75, 8))) for e, j in pairs]
    speed = {}
    for m in ("raw", "zscore", "calibrated"):
        speed[f"rank_{m}_s"] = round(timed(lambda m=m: rank(scores, m), repeat, m)[1], 4)
        speed[f"rank_{m}_cpu_s"] = CPU[m]
    settings = {
        "judge_effects": {"leniency_sd": 1.0, "log_scale_sd": 0.4, "noise_sd": 0.5},
        "no_judge_effects": {"leniency_sd": 0.0, "log_scale_sd": 0.0, "noise_sd": 0.5},
    }
    quality = {}
    for name, p in settings.items():
        runs = [simulate(s, p["leniency_sd"], p["log_scale_sd"], p["noise_sd"], pairs) for s in range(seeds)]
        quality[name] = {**p, **{m: round(statistics.median(r[m] for r in runs), 4) for m in runs[0]}}
    return {
        "scores": len(scores),
        **speed,
        "seeds": seeds,
        "design": "the exact assignment above",
        "tau": quality,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = {"bench": "contest", "assignment": assignment_figures(args.repeat)}
    print(json.dumps(figures["assignment"], ensure_ascii=False), file=sys.stderr)
    figures["ranking"] = ranking_figures(args.seeds, args.repeat)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
