"""Statistical tables benchmark (issue 18): fill every table for every unit of a city at the
indicator benchmark's size, through the statistics service, beside the straightforward way.

    python benchmarks/bench_stats.py [--database-url URL] [--activities 1000000] [--units 100000]
        [--repeat 3] [--keep] [--peer-sample 200]

Builds the database of benchmarks/bench_indicators.py (the demo city's regions, `--units`
organisations, as many people, `--activities` activities over 2016–2020; with --database-url
pointing at a database built before, the build is skipped), then times, median of --repeat runs:
  - kexie: `stats.services.fill_city(city, 2020)` from no reports at all (every report and cell
    created; the reports are deleted between runs), i.e. the city, its counties and every
    society, each with its tables' computed cells;
  - the re-computation of the same reports (they exist; figures taken again);
  - the peer: the unit-by-unit way (`compute.subtree_figures` for each unit, its own queries),
    timed on `--peer-sample` units and scaled to all of them; its figures must equal the fill's.
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_indicators as base  # noqa: E402


def clear_reports(city) -> None:
    from kexie.stats.models import StatsCell, StatsReport

    StatsCell.objects.unscoped(reason="benchmark").all().delete()
    StatsReport.objects.unscoped(reason="benchmark").all().delete()


def fill(admin, city):
    from django.core.cache import cache

    from kexie.stats import services

    cache.clear()  # the activities' scan is not taken from an earlier run
    return services.fill_city(actor=admin, city=city, year=2020)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-sample", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kexie-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    base.setup(url)
    from django.db import connection

    from kexie.accounts.models import User
    from kexie.directory.models import Organisation
    from kexie.stats import compute
    from kexie.stats.models import StatsCell, StatsReport

    if User.objects.filter(username="admin").exists():
        admin, build_s = User.objects.get(username="admin"), 0.0
    else:
        built = base.build(args.activities, args.units, random.Random(2020))
        admin, build_s = built["admin"], built["build_s"]
    print(f"built in {build_s} s on {connection.vendor}", file=sys.stderr)
    city = Organisation.objects.unscoped(reason="benchmark").get(pk=1)

    times = []
    for _ in range(args.repeat):
        clear_reports(city)
        started = time.perf_counter()
        reports = fill(admin, city)
        times.append(time.perf_counter() - started)
        print(f"fill: {times[-1]:.2f} s", file=sys.stderr)
    fill_s = statistics.median(times)
    n_reports = len(reports)
    n_cells = StatsCell.objects.unscoped(reason="benchmark").count()
    again = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        fill(admin, city)
        again.append(time.perf_counter() - started)
    recompute_s = statistics.median(again)
    print(
        f"fill {fill_s:.2f} s ({n_reports} reports, {n_cells} cells), again {recompute_s:.2f} s",
        file=sys.stderr,
    )

    # the peer: unit by unit, each unit's own queries; its figures must equal the cells
    rng = random.Random(18)
    units = [r.unit for r in reports if r.unit_id != city.pk]
    sample = rng.sample(units, min(args.peer_sample, len(units)))
    cells = {}
    for c in (
        StatsCell.objects.unscoped(reason="benchmark")
        .filter(report__unit__in=sample, source="computed")
        .select_related("report")
    ):
        cells[(c.report.unit_id, c.table, c.code)] = c.value
    started = time.perf_counter()
    for unit in sample:
        figures = compute.subtree_figures(unit, 2020, compute.tables_of(unit, 2020))
        for (table, code), value in figures.items():
            if cells[(unit.pk, table, code)] != value:
                raise SystemExit(
                    f"figures differ: {unit} {table}:{code}: fill {cells[(unit.pk, table, code)]} ≠ {value}"
                )
    peer_sample_s = time.perf_counter() - started
    peer_s = peer_sample_s * len(units) / max(len(sample), 1)
    print(
        f"peer (unit by unit): {peer_sample_s:.2f} s for {len(sample)} units → {peer_s:.1f} s for all",
        file=sys.stderr,
    )
    assert StatsReport.objects.unscoped(reason="benchmark").count() == n_reports
    print(json.dumps({
        "bench": "stats", "database": connection.vendor, "activities": args.activities, "units": args.units,
        "reports": n_reports, "cells": n_cells, "fill_s": round(fill_s, 2), "fill_runs_s": [round(t, 2) for t in times],
        "recompute_s": round(recompute_s, 2), "aim_s": 10, "peer": "unit by unit (own queries), scaled from a sample",
        "peer_sample": len(sample), "peer_s": round(peer_s, 1), "ratio": round(peer_s / fill_s, 1),
        "figures_agree": True, "load_average_1min": round(__import__("os").getloadavg()[0], 1),
    }))  # fmt: skip
    if args.database_url is None:
        if args.keep:
            print(f"kept {url}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
