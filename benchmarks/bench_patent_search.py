"""Patent search benchmark: quality on patents-cnki-sample, speed on a synthetic corpus.

Quality: each patent's abstract is a query (the patent itself dropped from results); a result is
relevant when it shares an IPC subclass (e.g. G06F) with the query patent. Reported: precision@10
and nDCG@10 of plain BM25 (bm25s over title+abstract+claims), tantivy and SQLite FTS5 as kexie
configures them. Nearly all sample patents come from one applicant (中山大学 and its hospitals).

Speed: N synthetic patents (default 1,000,000) recombined from the sample's segmented sentences,
with synthetic applicants, dates and legal statuses; each engine runs in its own process so that
its memory (RSS) is its own. Search latency (p50/p95) for keyword queries with filters and for
long abstract queries, build rate, index size.

    python benchmarks/bench_patent_search.py [--size 1000000] [--engines tantivy,fts5] [--no-quality]

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
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kexie.engines.search import (  # noqa: E402
    Fts5Backend,
    PatentAnalyzer,
    PatentDoc,
    PatentSearchEngine,
    SearchFilters,
    ipc_subclass,
    normalize_headers,
    normalize_row,
)

DATA = ROOT.parent / "shared" / "data" / "patents" / "patents-cnki-sample.csv"
STATUSES = ("有效", "失效", "审中", "驳回")


def load_docs(path: Path = DATA) -> list[PatentDoc]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        mapping = normalize_headers(reader.fieldnames or [], {"CLC-中图分类号": "ipc"})
        return [PatentDoc.from_record(normalize_row(row, mapping)) for row in reader]


def subclasses(doc: PatentDoc) -> set[str]:
    return {ipc_subclass(c) for c in doc.ipc}


# ------------------------------------------------------------------------------------------ quality
def evaluate(search_fn, docs: list[PatentDoc]) -> dict[str, float]:
    by_id = {d.id: d for d in docs}
    p10, nd10 = [], []
    for doc in docs:
        mine = subclasses(doc)
        n_rel = sum(1 for d in docs if d.id != doc.id and subclasses(d) & mine)
        if not doc.abstract or n_rel == 0:
            continue
        ranked = [pid for pid in search_fn(doc) if pid != doc.id][:10]
        rels = [int(bool(subclasses(by_id[pid]) & mine)) for pid in ranked]
        p10.append(sum(rels) / 10)
        dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rels))
        ideal = sum(1 / math.log2(i + 2) for i in range(min(10, n_rel)))
        nd10.append(dcg / ideal)
    return {
        "p@10": round(statistics.fmean(p10), 4),
        "ndcg@10": round(statistics.fmean(nd10), 4),
        "queries": len(p10),
    }


def quality(docs: list[PatentDoc], engines: list[str]) -> dict[str, dict[str, float]]:
    import bm25s

    analyzer = PatentAnalyzer()
    corpus = [analyzer.terms(f"{d.title}。{d.abstract}。{d.claims}") for d in docs]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)

    def bm25_search(doc: PatentDoc) -> list[str]:
        q = [t for t in analyzer.terms(doc.abstract) if t in retriever.vocab_dict]
        found, _ = retriever.retrieve([q], k=11, show_progress=False, n_threads=1)
        return [docs[int(i)].id for i in found[0]]

    out = {"bm25_plain": evaluate(bm25_search, docs)}
    for name in engines:
        backend = make_backend(name, None, analyzer)
        backend.index(docs)
        out[name] = evaluate(lambda d, b=backend: b.search(d.abstract, limit=11).ids, docs)
        engine = PatentSearchEngine(backend)
        out[f"kexie_{name}"] = evaluate(lambda d, e=engine: e.search(d.abstract, limit=11).ids, docs)
        out[f"kexie_similar_{name}"] = evaluate(
            lambda d, e=engine: [h.id for h in e.similar(d.abstract, limit=11)], docs
        )
        backend.close()
    return out


def make_backend(name: str, path: str | None, analyzer: PatentAnalyzer | None = None):
    if name == "tantivy":
        from kexie.engines.search.tantivy_backend import TantivyBackend

        return TantivyBackend(path, analyzer=analyzer)
    if name == "fts5":
        return Fts5Backend(os.path.join(path, "fts.db") if path else ":memory:", analyzer=analyzer)
    raise ValueError(name)


# ------------------------------------------------------------------------------------------ synthetic
def _segmented_sentences(docs: list[PatentDoc], analyzer: PatentAnalyzer) -> dict[str, list[list[str]]]:
    pools: dict[str, list[list[str]]] = {"title": [], "abstract": [], "claims": []}
    for d in docs:
        pools["title"].append(analyzer.terms(d.title))
        for name in ("abstract", "claims"):
            for sent in re.split(r"(?<=[。；;])", getattr(d, name)):
                terms = analyzer.terms(sent)
                if terms:
                    pools[name].append(terms)
    return pools


def synthetic(docs: list[PatentDoc], size: int, seed: int = 11):
    """Yields (PatentDoc, segmented fields) pairs: recombined text, a base patent's IPC codes."""
    rng = random.Random(seed)
    analyzer = PatentAnalyzer()
    pools = _segmented_sentences(docs, analyzer)
    applicants = [f"合成企业{i:04d}有限公司" for i in range(2000)] + ["中山大学"] * 200
    start = date(2000, 1, 1).toordinal()
    span = date(2025, 12, 31).toordinal() - start
    for n in range(size):
        base = docs[rng.randrange(len(docs))]
        title = rng.choice(pools["title"])[:3] + rng.choice(pools["title"])[-3:]
        abstract = [t for _ in range(5) for t in rng.choice(pools["abstract"])]
        claims = [t for _ in range(3) for t in rng.choice(pools["claims"])]
        pub = date.fromordinal(start + rng.randrange(span))
        doc = PatentDoc(
            id=f"SYN{n:08d}",
            applicants=(rng.choice(applicants),),
            ipc=base.ipc,
            publication_date=pub,
            application_date=date.fromordinal(pub.toordinal() - rng.randrange(200, 900)),
            legal_status=rng.choice(STATUSES),
        )
        yield doc, {"title": " ".join(title), "abstract": " ".join(abstract), "claims": " ".join(claims)}


def speed_queries(docs: list[PatentDoc], n: int = 200, seed: int = 5) -> list[tuple[str, str, SearchFilters]]:
    rng = random.Random(seed)
    analyzer = PatentAnalyzer()
    out = []
    for i in range(n):
        doc = docs[rng.randrange(len(docs))]
        terms = [t for t in analyzer.terms(doc.title) if len(t) >= 2]
        year = rng.randrange(2003, 2024)
        filters = SearchFilters(
            ipc_prefix=ipc_subclass(doc.ipc[0]) if doc.ipc else None,
            date_from=date(year, 1, 1),
            date_to=date(year + 2, 12, 31),
            legal_status=rng.choice(STATUSES) if i % 2 else None,
            applicant="中山大学" if i % 5 == 0 else None,
        )
        out.append(("keywords", " ".join(rng.sample(terms, min(3, len(terms)))), filters))
        out.append(("abstract", doc.abstract, SearchFilters(ipc_prefix=filters.ipc_prefix)))
    return out


# ------------------------------------------------------------------------------------------ speed worker
def worker(engine: str, size: int) -> dict[str, object]:
    import psutil

    proc = psutil.Process()
    docs = load_docs()
    analyzer = PatentAnalyzer()
    t = time.perf_counter()
    for d in docs:
        analyzer.segment(d.title), analyzer.segment(d.abstract), analyzer.segment(d.claims)
    segment_rate = len(docs) / (time.perf_counter() - t)
    rss0 = proc.memory_info().rss
    with tempfile.TemporaryDirectory(dir=os.environ.get("KEXIE_BENCH_TMP")) as tmp:
        backend = make_backend(engine, tmp, analyzer)
        gen_s = _time_generation(docs, min(size, 20_000))
        t = time.perf_counter()
        if engine == "tantivy":
            backend.add_documents(backend.document_from_segmented(d, seg) for d, seg in synthetic(docs, size))
            backend.wait_merging()
        else:
            backend.add_segmented(synthetic(docs, size))
        build_s = time.perf_counter() - t - gen_s * size / min(size, 20_000)
        rss_built = proc.memory_info().rss
        lat = _latencies(backend, speed_queries(docs))
        rss_search = proc.memory_info().rss
        disk = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
        count = backend.count()
        upd = _update_latency(backend, docs)
        backend.close()
    return {
        "engine": engine,
        "docs": count,
        "build_docs_per_s": round(size / build_s),
        "build_s": round(build_s, 1),
        "segment_docs_per_s": round(segment_rate),
        "index_mb": round(disk / 2**20),
        "rss_mb_after_build": round(rss_built / 2**20),
        "rss_mb_after_search": round(rss_search / 2**20),
        "rss_mb_baseline": round(rss0 / 2**20),
        **lat,
        **upd,
    }


def _time_generation(docs: list[PatentDoc], n: int) -> float:
    """Time to generate n synthetic docs, subtracted from the build time."""
    t = time.perf_counter()
    for _ in synthetic(docs, n):
        pass
    return time.perf_counter() - t


def _latencies(backend, queries) -> dict[str, float]:
    """Wall and process-CPU percentiles: CPU time stays meaningful on a loaded machine."""
    engine = PatentSearchEngine(backend)
    runs = {
        "keywords": backend.search,
        "abstract": backend.search,
        "kexie_abstract": engine.search,
        # "more like this" as recommendations run it: no total, the most common terms left out
        "similar_abstract": backend.similar,
        "kexie_similar_abstract": engine.similar,
    }
    out: dict[str, float] = {}
    for label, search in runs.items():
        kind = label.removeprefix("kexie_").removeprefix("similar_")
        wall, cpu = [], []
        for qkind, text, filters in queries:
            if qkind != kind:
                continue
            t, c = time.perf_counter(), time.process_time()
            search(text, filters, limit=10)
            wall.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        wall.sort()
        cpu.sort()
        out[f"{label}_filtered_p50_ms"] = round(statistics.median(wall), 2)
        out[f"{label}_filtered_p95_ms"] = round(wall[int(0.95 * (len(wall) - 1))], 2)
        out[f"{label}_filtered_cpu_p95_ms"] = round(cpu[int(0.95 * (len(cpu) - 1))], 2)
    out["load_average_1min"] = round(os.getloadavg()[0], 1)
    return out


def _update_latency(backend, docs: list[PatentDoc]) -> dict[str, float]:
    times = []
    for doc in docs[:20]:
        t = time.perf_counter()
        backend.update(doc)
        times.append((time.perf_counter() - t) * 1000)
    return {"update_commit_ms_median": round(statistics.median(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--engines", default="tantivy,fts5")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.size)))
        return
    if not DATA.exists():
        print(json.dumps({"skipped": f"{DATA} is absent"}))
        return
    engines = [e for e in args.engines.split(",") if e]
    figures: dict[str, object] = {"bench": "patent_search", "data": "patents-cnki-sample"}
    if not args.no_quality:
        figures["quality"] = quality(load_docs(), engines)
        print(json.dumps(figures["quality"], ensure_ascii=False), file=sys.stderr)
    if not args.no_speed:
        figures["speed_size"] = args.size
        figures["speed"] = {}
        for engine in engines:
            cmd = [sys.executable, __file__, "--worker", engine, "--size", str(args.size)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            lines = done.stdout.strip().splitlines()
            figures["speed"][engine] = json.loads(lines[-1]) if lines else {"error": done.stderr[-2000:]}
            print(json.dumps(figures["speed"][engine], ensure_ascii=False), file=sys.stderr)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
