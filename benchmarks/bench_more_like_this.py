""" "More like this" on tantivy: a patent's abstract as the query, as recommendations run it.

    python benchmarks/bench_more_like_this.py [--size 1000000] [--index-dir DIR] [--ratios 0.2]
        [--no-quality]

Speed: the synthetic corpus of bench_patent_search.py (--size patents recombined from the sample's
sentences) in a tantivy index (built into --index-dir, or reused from there); the 200 abstract
queries of bench_patent_search.py, each filtered by the IPC subclass of its patent, through
kexie's ranking: the search path (`PatentSearchEngine.search`, which counts every match) beside
`PatentSearchEngine.similar` (no count; the terms that more than `common_ratio` of the patents
hold are left out), for each ratio given. Wall and CPU p50/p95 (CPU is the steadier figure on a
shared machine). Quality: precision@10 and nDCG@10 on patents-cnki-sample as in
bench_patent_search.py, for the same variants. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_patent_search as base  # noqa: E402

from kexie.engines.search import PatentAnalyzer, PatentSearchEngine  # noqa: E402
from kexie.engines.search.tantivy_backend import TantivyBackend  # noqa: E402

DATA = Path(os.environ.get("KEXIE_PATENT_SAMPLE", base.DATA))


def percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "p50": round(statistics.median(values), 1),
        "p95": round(values[int(0.95 * (len(values) - 1))], 1),
    }


def timed(fn, queries) -> dict[str, float]:
    wall, cpu = [], []
    for text, filters in queries:
        t, c = time.perf_counter(), time.process_time()
        fn(text, filters)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    w, c = percentiles(wall), percentiles(cpu)
    return {"wall_p50_ms": w["p50"], "wall_p95_ms": w["p95"], "cpu_p50_ms": c["p50"], "cpu_p95_ms": c["p95"]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--index-dir", help="build the index here, or reuse the one built here before")
    parser.add_argument("--ratios", default="0.2", help="common_ratio values to measure, comma-separated")
    parser.add_argument("--no-quality", action="store_true")
    args = parser.parse_args()
    docs = base.load_docs(DATA)
    analyzer = PatentAnalyzer()
    ratios = [None if r == "none" else float(r) for r in args.ratios.split(",")]
    figures: dict[str, object] = {"bench": "more_like_this", "size": args.size, "ratios": args.ratios}
    if not args.no_quality:
        backend = TantivyBackend(None, analyzer=analyzer, common_min_docs=0)  # prune on the sample too
        backend.index(docs)
        engine = PatentSearchEngine(backend)
        quality = {"search": base.evaluate(lambda d: engine.search(d.abstract, limit=11).ids, docs)}
        for ratio in ratios:
            backend.common_ratio = ratio
            quality[f"similar_{ratio}"] = base.evaluate(
                lambda d: [h.id for h in engine.similar(d.abstract, limit=11)], docs
            )
        figures["quality"] = quality
        print(json.dumps(quality), file=sys.stderr)
    path = args.index_dir or tempfile.mkdtemp(prefix="kexie-mlt-")
    fresh = not any(Path(path).glob("*"))
    Path(path).mkdir(parents=True, exist_ok=True)
    backend = TantivyBackend(path, analyzer=analyzer)
    if fresh:
        started = time.perf_counter()
        backend.add_documents(
            backend.document_from_segmented(d, s) for d, s in base.synthetic(docs, args.size)
        )
        backend.wait_merging()
        figures["build_s"] = round(time.perf_counter() - started, 1)
    figures["docs"] = backend.count()
    queries = [(text, f) for kind, text, f in base.speed_queries(docs) if kind == "abstract"]
    engine = PatentSearchEngine(backend)
    speed = {"search": timed(lambda t, f: engine.search(t, f, limit=10), queries)}
    print(json.dumps(speed), file=sys.stderr)
    for ratio in ratios:
        backend.common_ratio = ratio
        speed[f"similar_{ratio}"] = timed(lambda t, f: engine.similar(t, f, limit=10), queries)
        print(json.dumps(speed), file=sys.stderr)
    figures["speed"] = speed
    figures["load_average_1min"] = round(os.getloadavg()[0], 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
