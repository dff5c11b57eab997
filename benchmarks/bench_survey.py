"""Benchmark: design-based mean and proportion by 30 domains on 1,000,000 rows (issue 4).

Run by hand (not a test):  python benchmarks/bench_survey.py [--rows N] [--repeats K]

Measures kexie's survey engine side by side with the PyPI packages ``samplics`` and ``svy`` in one run,
checks that the estimates and standard errors agree, prints medians and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kexie.literacy import survey as sv  # noqa: E402

N_STRATA = 200
N_PSU = 2000
N_DOMAINS = 30


def make_data(rows: int, seed: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    psu = np.sort(rng.integers(0, N_PSU, rows))
    psu[:N_PSU] = np.arange(N_PSU)  # every PSU sampled
    psu = np.sort(psu)
    stratum = psu // (N_PSU // N_STRATA)
    domain = rng.integers(0, N_DOMAINS, rows)
    psu_effect = rng.normal(0, 5, N_PSU)[psu]
    y = 50 + stratum * 0.05 + domain * 0.3 + psu_effect + rng.normal(0, 10, rows)
    p = 1 / (1 + np.exp(-(psu_effect / 5 + (domain - 15) / 15)))
    yes = (rng.random(rows) < p).astype(np.int64)
    weight = rng.uniform(50, 150, rows)
    return {"stratum": stratum, "psu": psu, "domain": domain, "y": y, "yes": yes, "w": weight}


def run_kexie(data):
    design = sv.SurveyDesign(data, weights="w", strata="stratum", ids="psu", lonely_psu="fail")
    mean = sv.svymean(design, "y", by="domain")
    prop = sv.svyprop(design, "yes", by="domain")
    means = np.array([[e.estimate, e.se] for e in mean])
    props = np.array([[e.estimate, e.se] for e in prop if e.level == "1"])
    return means, props


def run_samplics(data):
    import pandas as pd
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

    kw = dict(
        samp_weight=data["w"],
        stratum=pd.Series(data["stratum"]),
        psu=pd.Series(data["psu"]),
        domain=pd.Series(data["domain"]),
        remove_nan=False,
    )
    mean = TaylorEstimator(PopParam.mean)
    mean.estimate(y=data["y"], **kw)
    prop = TaylorEstimator(PopParam.prop)
    prop.estimate(y=pd.Series(data["yes"]), **kw)
    doms = range(N_DOMAINS)
    means = np.array([[mean.point_est[d], mean.stderror[d]] for d in doms])
    props = np.array([[prop.point_est[d][1], prop.stderror[d][1]] for d in doms])
    return means, props


def run_svy(data):
    import polars as pl
    import svy

    frame = pl.DataFrame(data)
    sample = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="w"))
    mean = sample.estimation.mean("y", by="domain")
    prop = sample.estimation.prop("yes", by="domain")
    return _svy_table(mean, "mean"), _svy_table(prop, "prop")


def _svy_table(result, kind):
    frame = result.to_polars() if hasattr(result, "to_polars") else result.to_frame()
    cols = frame.columns
    est = next(c for c in cols if c.lower() in ("est", "estimate", kind))
    se = next(c for c in cols if c.lower() in ("se", "stderr", "std_err"))
    dom = next(c for c in cols if c == "domain" or c.lower() in ("by_level", "by"))
    if kind == "prop":
        lev = next(c for c in cols if c.lower() in ("level", "y_level", "category", "yes"))
        frame = frame.filter(frame[lev].cast(str) == "1")
    frame = frame.sort(dom)
    return np.column_stack([frame[est].to_numpy(), frame[se].to_numpy()])


def timed(fn, data, repeats, budget_s: float = 120.0):
    """Median of ``repeats`` runs; a slow peer stops repeating once it has used ``budget_s``."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn(data)
        times.append(time.perf_counter() - start)
        if sum(times) > budget_s:
            break
    return statistics.median(times), result, len(times)


def agree(a, b) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data = make_data(args.rows)
    warnings.simplefilter("ignore")
    figures: dict[str, object] = {
        "bench": "survey",
        "rows": args.rows,
        "strata": N_STRATA,
        "psus": N_PSU,
        "domains": N_DOMAINS,
        "repeats": args.repeats,
    }
    kexie_s, (k_means, k_props), _ = timed(run_kexie, data, args.repeats)
    print(f"kexie     median {kexie_s:8.3f} s")
    figures["kexie_s"] = round(kexie_s, 4)
    peers = {}
    for name, fn in (("samplics", run_samplics), ("svy", run_svy)):
        try:
            seconds, (means, props), runs = timed(fn, data, args.repeats)
        except Exception as exc:  # a peer that fails at this size is reported, not fatal
            print(f"{name:9s} failed: {type(exc).__name__}: {str(exc)[:200]}")
            figures[f"{name}_s"] = None
            figures[f"{name}_error"] = f"{type(exc).__name__}: {str(exc)[:120]}"
            continue
        diff = max(agree(k_means, means), agree(k_props, props))
        print(f"{name:9s} median {seconds:8.3f} s over {runs} run(s)   max rel diff vs kexie {diff:.2e}")
        figures[f"{name}_s"] = round(seconds, 4)
        figures[f"{name}_runs"] = runs
        figures[f"{name}_max_rel_diff"] = float(f"{diff:.3g}")
        peers[name] = seconds
    if peers:
        fastest = min(peers, key=peers.get)
        figures["fastest_peer"] = fastest
        figures["ratio_vs_fastest_peer"] = round(peers[fastest] / kexie_s, 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
