"""Near-duplicate clustering of monitored items: kexie's bulk MinHash LSH (numpy; candidates
verified by their exact Jaccard) beside the exact all-pairs baseline and the per-item datasketch
MinHashLSH that kexie used before.

Real texts: the sentences of the CSL abstracts and the patent abstracts in ../shared/data (skipped,
saying why, where absent). A unique item is three random sentences; a share of the items are
copies of an earlier item (possibly itself a copy) with synthetic edits of a repost: a prefix
(【转发】, 转自…), punctuation changes, a few characters replaced, inserted or deleted, sometimes a
sentence added. The truth: an item and its copies form one group.

--corpus distinct (default): sentences split at 。；;!?！？ and ASCII full stops, 15–80 characters,
each once; no two unique items share two sentences (a pair of sentences is used by one unique item
only), so unique items are genuinely different texts (sharing one sentence: Jaccard ≈ 0.2).
--corpus reuse: the earlier generator. Its splitter ignored ASCII full stops, so many CSL
abstracts stayed whole as one 200–400-character "sentence"; two unique items sharing that one long
sentence (or two of their three) are near-duplicates by text (Jaccard 0.5–0.7) that the truth calls
different, and connected components chain them: that, not the hashing, was the low precision.

    python benchmarks/bench_opinion_dedup.py [--items 100000] [--sample 5000] [--corpus distinct]
        [--repeat 3]

Prints figures on stderr and one JSON line at the end: for each method the median time of
--repeat runs, its peak memory and pairwise precision/recall against the truth; on the sample also
against the exact baseline. Peak memory is measured three ways: RSS above the start (sampled every
20 ms), tracemalloc's peak of traced allocations (numpy's arrays included) and the growth of the
process's maximum RSS (resource.getrusage; it only grows, so the chunked engine runs before the
whole-corpus one, chunk=None, the engine as it was before chunking).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import re
import resource
import statistics
import sys
import threading
import time
import tracemalloc
from itertools import combinations
from pathlib import Path

from kexie.engines.opinion import DEFAULT_THRESHOLD, clusters, exact_clusters
from kexie.engines.opinion.dedup import CHUNK, _components, similar_pairs

# ../shared/data beside the project (KEXIE_SHARED_DATA names another place, e.g. from a worktree)
DATA = Path(
    os.environ.get("KEXIE_SHARED_DATA") or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)
PREFIXES = ["【转发】", "转自济宁日报:", "#热点# ", "【关注】", ""]


def sentences(old: bool = False) -> list[str]:
    texts = []
    csl = DATA / "csl" / "csl-dev.csv"
    patents = DATA / "patents" / "patents-cnki-sample.csv"
    if not csl.is_file() or not patents.is_file():
        sys.exit(f"skipped: {DATA} holds no csl/ and patents/ (real texts are needed; see its README)")
    with csl.open(encoding="utf-8") as fh:
        texts += [row["abstract"] for row in csv.DictReader(fh)]
    with patents.open(encoding="utf-8-sig") as fh:
        texts += [row["Summary-摘要"] for row in csv.DictReader(fh)]
    if old:  # the earlier splitter: ASCII full stops kept whole CSL abstracts as one "sentence"
        return [s for t in texts for s in re.split(r"(?<=[。；;!?！？])", t) if len(s) >= 15]
    out = [s for t in texts for s in re.split(r"(?<=[。；;!?！？.])(?!\d)", t) if 15 <= len(s) <= 80]
    return list(dict.fromkeys(out))  # each sentence once, of comparable lengths


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


def unique_text(rng: random.Random, pool: list[str], distinct: bool, used: set) -> str:
    while True:
        picked = rng.sample(range(len(pool)), 3)
        pairs_ = {tuple(sorted(p)) for p in combinations(picked, 2)}
        if not distinct or not (pairs_ & used):
            used |= pairs_
            return "".join(pool[i] for i in picked)


def corpus(n: int, pool: list[str], rng: random.Random, copy_share: float, rate: float, distinct: bool):
    items, origin, used = [], [], set()
    for i in range(n):
        if items and rng.random() < copy_share:
            j = rng.randrange(len(items))
            items.append((i, edited(items[j][1], rng, rate, pool)))
            origin.append(origin[j])
        else:
            items.append((i, unique_text(rng, pool, distinct, used)))
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


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def traced(fn):
    """(result, seconds, RSS peak MiB above the start, tracemalloc peak MiB, max-RSS growth MiB)."""
    gc.collect()
    max_before = max_rss_mib()
    tracemalloc.start()
    try:
        result, seconds, peak = measured(fn)
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return result, seconds, peak, traced_peak, max_rss_mib() - max_before


def measured(fn):
    """(result, seconds, peak MiB above the start)."""
    import psutil

    gc.collect()
    process = psutil.Process()
    before = process.memory_info().rss
    peak = [before]
    stop = threading.Event()

    def watch():
        while not stop.wait(0.02):
            peak[0] = max(peak[0], process.memory_info().rss)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    stop.set()
    watcher.join()
    return result, seconds, max(0.0, (peak[0] - before) / 2**20)


def datasketch_clusters(items, threshold):
    """kexie's former implementation: a datasketch MinHash per item, MinHashLSH, estimate check."""
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    from kexie.engines.opinion import shingles

    template = MinHash(num_perm=128, seed=17)
    hashes = []
    for _, text in items:
        m = MinHash(num_perm=128, seed=17, permutations=template.permutations, scheme=template.scheme)
        grams = shingles(text)
        if grams:
            m.update_batch([g.encode("utf-8") for g in grams])
        hashes.append(LeanMinHash(m) if grams else None)
    lsh = MinHashLSH(threshold=min(max(threshold - 0.1, 0.05), 0.9), num_perm=128)
    parent = list(range(len(items)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hashes):
        if h is None:
            continue
        for j in lsh.query(h):
            if h.jaccard(hashes[j]) >= threshold:
                parent[max(find(i), find(j))] = min(find(i), find(j))
        lsh.insert(i, h, check_duplication=False)
    by: dict[int, list[int]] = {}
    for i in range(len(items)):
        by.setdefault(find(i), []).append(items[i][0])
    return [g for g in by.values() if len(g) > 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--copy-share", type=float, default=0.3)
    parser.add_argument("--edit-rate", type=float, default=0.05)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--corpus", choices=["distinct", "reuse"], default="distinct")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-datasketch", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each exact engine (median)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pool = sentences(old=args.corpus == "reuse")
    items, origin = corpus(
        args.items, pool, rng, args.copy_share, args.edit_rate, distinct=args.corpus == "distinct"
    )
    print(f"{len(items)} items ({args.corpus}) from {len(pool)} real sentences", file=sys.stderr)
    print(f"max RSS after building the corpus: {max_rss_mib():.0f} MiB", file=sys.stderr)
    out = {"items": len(items), "corpus": args.corpus, "threshold": args.threshold, "sample": args.sample}
    truth_all = pairs(truth_groups(origin, [i for i, _ in items]))

    texts = [t for _, t in items]

    def engine(verify, chunk):
        left, right, stats = similar_pairs(texts, args.threshold, verify=verify, chunk=chunk)
        return _components(len(items), left, right, items), stats

    runs = [
        ("kexie_exact_verify", "exact", CHUNK),  # chunked first: getrusage's maximum only grows
        ("kexie_exact_verify_whole", "exact", None),
        ("kexie_estimate_only", "estimate", CHUNK),
    ]
    for name, verify, chunk in runs:
        # one run under tracemalloc (memory; its time is not counted: tracing slows it), then
        # --repeat plain runs for the median time
        (groups, stats), _, _, traced_peak, max_growth = traced(lambda v=verify, c=chunk: engine(v, c))
        max_after = max_rss_mib()
        times, peaks = [], []
        for attempt in range(args.repeat if verify == "exact" else 1):
            _, seconds, peak = measured(lambda v=verify, c=chunk: engine(v, c))
            times.append(seconds)
            peaks.append(peak)
            print(f"  {name} run {attempt + 1}: {seconds:.1f} s, RSS +{peak:.0f} MiB", file=sys.stderr)
        p, r = pr(pairs(groups), truth_all)
        seconds, peak = statistics.median(times), statistics.median(peaks)
        out[name] = {"chunk": chunk, "seconds_median": round(seconds, 1), "runs": len(times),
                     "peak_rss_mib_median": round(peak), "tracemalloc_peak_mib": round(traced_peak),
                     "max_rss_growth_mib": round(max_growth), "max_rss_after_mib": round(max_after),
                     "precision": round(p, 3), "recall": round(r, 3), "lsh": stats}  # fmt: skip
        print(
            f"{name} {len(items)} (chunk {chunk}): median {seconds:.1f} s of {len(times)}, RSS +{peak:.0f} MiB, "
            f"tracemalloc peak {traced_peak:.0f} MiB, max RSS +{max_growth:.0f} MiB (now {max_after:.0f}), "
            f"P {p:.3f} R {r:.3f}; LSH {stats}",
            file=sys.stderr,
        )
    chunked, whole = out["kexie_exact_verify"], out["kexie_exact_verify_whole"]
    out["chunked_vs_whole"] = {
        "tracemalloc_peak_ratio": round(
            chunked["tracemalloc_peak_mib"] / max(whole["tracemalloc_peak_mib"], 1), 3
        ),
        "peak_rss_ratio": round(chunked["peak_rss_mib_median"] / max(whole["peak_rss_mib_median"], 1), 3),
        "time_ratio": round(chunked["seconds_median"] / max(whole["seconds_median"], 0.001), 3),
    }
    print(f"chunked / whole: {out['chunked_vs_whole']}", file=sys.stderr)

    sample = items[: args.sample]
    truth = pairs(truth_groups(origin, [i for i, _ in sample]))
    exact, seconds, peak = measured(lambda: exact_clusters(sample, args.threshold))
    exact_pairs = pairs(exact)
    p, r = pr(exact_pairs, truth)
    out["sample_exact_all_pairs"] = {"seconds": round(seconds, 2), "peak_mib": round(peak), "precision": round(p, 3),
                                     "recall": round(r, 3)}  # fmt: skip
    print(
        f"exact all pairs {len(sample)}: {seconds:.2f} s, +{peak:.0f} MiB, P {p:.3f} R {r:.3f}",
        file=sys.stderr,
    )
    methods = [("kexie_exact_verify", lambda: clusters(sample, args.threshold))]
    if not args.skip_datasketch:
        methods.append(("datasketch_per_item", lambda: datasketch_clusters(sample, args.threshold)))
    for name, fn in methods:
        groups, seconds, peak = measured(fn)
        p, r = pr(pairs(groups), truth)
        ap, ar = pr(pairs(groups), exact_pairs)
        out["sample_" + name] = {"seconds": round(seconds, 2), "peak_mib": round(peak), "precision": round(p, 3),
                                 "recall": round(r, 3), "vs_exact_precision": round(ap, 3),
                                 "vs_exact_recall": round(ar, 3)}  # fmt: skip
        print(
            f"{name} {len(sample)}: {seconds:.2f} s, +{peak:.0f} MiB, P {p:.3f} R {r:.3f}; "
            f"against exact P {ap:.3f} R {ar:.3f}",
            file=sys.stderr,
        )
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
