"""Sentiment: kexie's model (seed lexicon, no corrections) beside snownlp on public Chinese labelled
sets that neither was trained on, binary, a neutral answer counted wrong; and throughput.

The sets (not shipped, not in the repository; no licence file, so used to measure only):
ChnSentiCorp_htl_all.csv (7,766 hotel reviews) and waimai_10k.csv (11,987 food-delivery reviews)
of the public SophonPlus/ChineseNlpCorpus repository, columns label (1 positive, 0 negative) and
review. Put them in a folder and name it:

    python benchmarks/bench_opinion_sentiment.py --data /path/to/folder [--limit N]

(or KEXIE_SENTIMENT_EVAL=/path/to/folder). Skipped, saying why, when the folder is absent.
snownlp (extra `bench`) is measured when importable; its bundled model was trained on its own
e-commerce review files (neg.txt/pos.txt), whose licence is not stated.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

from kexie.engines.opinion import SentimentModel

SETS = ("ChnSentiCorp_htl_all.csv", "waimai_10k.csv")


def load(path: Path, limit: int | None) -> list[tuple[str, bool]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [(r["review"], r["label"].strip() == "1") for r in csv.DictReader(fh) if r.get("review")]
    return rows[:limit] if limit else rows


def kexie_labels(texts):
    model = SentimentModel.default()
    return [p.sentiment for p in model.predict(texts)]


def snownlp_labels(texts):
    from snownlp import SnowNLP

    out = []
    for t in texts:
        # snownlp answers a probability of positive, binary: 0.5 splits it (no neutral band, its best case)
        out.append("positive" if SnowNLP(t).sentiments >= 0.5 else "negative")
    return out


def accuracy(labels, gold) -> float:
    ok = sum(
        1
        for label, positive in zip(labels, gold, strict=True)
        if label == ("positive" if positive else "negative")
    )
    return ok / len(gold)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.environ.get("KEXIE_SENTIMENT_EVAL", ""))
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    folder = Path(args.data) if args.data else None
    if folder is None or not all((folder / name).is_file() for name in SETS):
        sys.exit(f"skipped: --data must name a folder holding {', '.join(SETS)}")
    classifiers = {"kexie": kexie_labels}
    try:
        import snownlp  # noqa: F401

        classifiers["snownlp"] = snownlp_labels
    except ImportError:
        print("snownlp not installed: measured kexie only", file=sys.stderr)
    SentimentModel.default()  # built once, outside the timing
    result = {}
    for name in SETS:
        rows = load(folder / name, args.limit)
        texts, gold = [t for t, _ in rows], [g for _, g in rows]
        for who, classify in classifiers.items():
            started = time.perf_counter()
            labels = classify(texts)
            seconds = time.perf_counter() - started
            acc = accuracy(labels, gold)
            neutral = labels.count("neutral") / len(labels)
            key = f"{who}:{name}"
            result[key] = {"n": len(rows), "accuracy": round(acc, 3), "neutral": round(neutral, 3),
                           "items_per_second": round(len(rows) / seconds)}  # fmt: skip
            print(
                f"{key}: accuracy {acc:.3f} (neutral {neutral:.1%}), {len(rows) / seconds:.0f} items/s",
                file=sys.stderr,
            )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
