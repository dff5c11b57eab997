"""Near-duplicate clustering of monitored items: MinHash LSH (kexie.engines.opinion.clusters)
beside the exact all-pairs baseline (exact_clusters).

Real texts: the sentences of the CSL abstracts and the patent abstracts in ../shared/data (skipped,
saying why, where absent). A unique item is three random sentences; a share of the items are
copies of an earlier item with synthetic edits of a repost: a prefix (【转发】, 转自…), punctuation
and full-width changes, a few characters replaced, inserted or deleted, a sentence cut or added.
The truth: an item and its copies form one group.

    python benchmarks/bench_opinion_dedup.py [--items 100000] [--sample 2000] [--edit-rate 0.05]

Prints figures on stderr and one JSON line at the end: LSH time and peak memory at --items,
the exact baseline's time on --sample (and its quadratic extrapolation), and pairwise
precision/recall of both against the truth on the sample, and of LSH against the exact baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
import threading
import time
from itertools import combinations
from pathlib import Path

from kexie.engines.opinion import DEFAULT_THRESHOLD, clusters, exact_clusters

# ../shared/data beside the project (KEXIE_SHARED_DATA names another place, e.g. from a worktree)
DATA = Path(
    os.environ.get("KEXIE_SHARED_DATA") or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)
PREFIXES = ["【转发】", "转自济宁日报:", "#热点# ", "【关注】", ""]


def sentences() -> list[str]:
    texts = []
    csl = DATA / "csl" / "csl-dev.csv"
    patents = DATA / "patents" / "patents-cnki-sample.csv"
    if not csl.is_file() or not patents.is_file():
        sys.exit(f"skipped: {DATA} holds no csl/ and patents/ (real texts are needed; see its README)")
    with csl.open(encoding="utf-8") as fh:
        texts += [row["abstract"] for row in csv.DictReader(fh)]
    with patents.open(encoding="utf-8-sig") as fh:
        texts += [row["Summary-摘要"] for row in csv.DictReader(fh)]
    out = [s for t in texts for s in re.split(r"(?<=[。；;!?！？])", t) if len(s) >= 15]
    return out


def edited(text: str, rng: random.Random, rate: float, pool: list[str]) -> str:
    chars = list(text)
    for _ in range(max(1, int(len(chars) * rate))):
        op, at = rng.random(), rng.randrange(len(chars))
        if op < 0.4:
            chars[at] = chr(rng.randrange(0x4E00, 0x9FA5))
        elif op < 0.7:
            chars.insert(at, chr(rng.randrange(0x4E00, 0x9FA5)))
        elif len(chars) > 20:
            del chars[at]
    out = "".join(chars).replace(",", ",") if rng.random() < 0.5 else "".join(chars)
    if rng.random() < 0.2:
        out += rng.choice(pool)
    return rng.choice(PREFIXES) + out


def corpus(n: int, pool: list[str], rng: random.Random, copy_share: float, rate: float):
    items, origin = [], []
    for i in range(n):
        if items and rng.random() < copy_share:
            j = rng.randrange(len(items))
            items.append((i, edited(items[j][1], rng, rate, pool)))
            origin.append(origin[j])
        else:
            items.append((i, "".join(rng.sample(pool, 3))))
            origin.append(i)
    return items, origin


def pairs(groups) -> set[tuple[int, int]]:
    return {p for g in groups for p in combinations(sorted(g), 2)}


def truth_groups(origin: list[int], ids: list[int]) -> list[list[int]]:
    by: dict[int, list[int]] = {}
    for i in ids:
        by.setdefault(origin[i], []).append(i)
    return [g for g in by.values() if len(g) > 1]


def pr(found: set, truth: set) -> tuple[float, float]:
    hit = len(found & truth)
    return (hit / len(found) if found else 1.0, hit / len(truth) if truth else 1.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--copy-share", type=float, default=0.3)
    parser.add_argument("--edit-rate", type=float, default=0.05)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = sentences()
    items, origin = corpus(args.items, pool, rng, args.copy_share, args.edit_rate)
    print(
        f"{len(items)} items from {len(pool)} real sentences, {args.copy_share:.0%} edited copies",
        file=sys.stderr,
    )

    import psutil

    process = psutil.Process()
    before = process.memory_info().rss
    peak = [before]
    stop = threading.Event()

    def watch():  # RSS sampled every 50 ms: tracemalloc would slow the run several times over
        while not stop.wait(0.05):
            peak[0] = max(peak[0], process.memory_info().rss)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    groups = clusters(items, threshold=args.threshold)
    lsh_seconds = time.perf_counter() - started
    stop.set()
    watcher.join()
    lsh_peak = (peak[0] - before) / 2**20
    full_p, full_r = pr(pairs(groups), pairs(truth_groups(origin, [i for i, _ in items])))
    print(
        f"LSH {len(items)}: {lsh_seconds:.1f} s, peak +{lsh_peak:.0f} MiB RSS, P {full_p:.3f} R {full_r:.3f}",
        file=sys.stderr,
    )

    sample = items[: args.sample]
    started = time.perf_counter()
    exact = exact_clusters(sample, threshold=args.threshold)
    exact_seconds = time.perf_counter() - started
    started = time.perf_counter()
    approx = clusters(sample, threshold=args.threshold)
    lsh_sample_seconds = time.perf_counter() - started
    truth = pairs(truth_groups(origin, [i for i, _ in sample]))
    exact_p, exact_r = pr(pairs(exact), truth)
    lsh_p, lsh_r = pr(pairs(approx), truth)
    agree_p, agree_r = pr(pairs(approx), pairs(exact))
    extrapolated = exact_seconds * (len(items) / len(sample)) ** 2
    print(
        f"sample {len(sample)}: exact {exact_seconds:.1f} s (at {len(items)}: ~{extrapolated / 3600:.1f} h), "
        f"LSH {lsh_sample_seconds:.2f} s; vs truth exact P {exact_p:.3f} R {exact_r:.3f}, "
        f"LSH P {lsh_p:.3f} R {lsh_r:.3f}; LSH vs exact P {agree_p:.3f} R {agree_r:.3f}",
        file=sys.stderr,
    )
    print(json.dumps({
        "items": len(items), "threshold": args.threshold, "edit_rate": args.edit_rate,
        "lsh_seconds": round(lsh_seconds, 1), "lsh_peak_mib": round(lsh_peak), "lsh_precision": round(full_p, 3),
        "lsh_recall": round(full_r, 3), "sample": len(sample), "exact_seconds": round(exact_seconds, 1),
        "exact_extrapolated_hours": round(extrapolated / 3600, 1), "lsh_sample_seconds": round(lsh_sample_seconds, 2),
        "exact_precision": round(exact_p, 3), "exact_recall": round(exact_r, 3), "lsh_sample_precision": round(lsh_p, 3),
        "lsh_sample_recall": round(lsh_r, 3), "lsh_vs_exact_precision": round(agree_p, 3),
        "lsh_vs_exact_recall": round(agree_r, 3),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
