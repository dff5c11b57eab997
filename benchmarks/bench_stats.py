"""Statistical tables benchmark (issue 18): fill every table for every unit of a city at the
indicator benchmark's size, through the statistics service, beside the code it replaced and
the straightforward way.

    python benchmarks/bench_stats.py [--database-url URL] [--activities 1000000] [--units 100000]
        [--repeat 3] [--keep] [--peer-sample 200] [--old-commit aaf7593]

Builds the database of benchmarks/bench_indicators.py (the demo city's regions, `--units`
organisations, as many people, `--activities` activities over 2016–2020; with --database-url
pointing at a database built before, the build is skipped), then times, median of --repeat runs
(wall and process CPU; old and new taking turns in the same run):
  - kexie: `stats.services.fill_city(city, 2020)` from no reports at all (every report and cell
    created; the reports are deleted between runs), i.e. the city, its counties and every
    society, each with its tables' computed cells; and the re-computation of the same reports;
  - kexie, every table of every unit: `fill_city(form=("kx", "kp"))`, both forms in one fill
    from no reports (its cells must equal those of the two forms filled one at a time);
  - the old code: `fill_city` as it was at --old-commit (kexie/stats/services.py and compute.py
    read from git, loaded beside the current ones), the same two steps; every cell (value,
    computed figure, source) of both must be the same, for the 科协综合统计 and the 科普统计;
  - the peer: the unit-by-unit way (`compute.subtree_figures` for each unit, its own queries),
    timed on `--peer-sample` units and scaled to all of them; its figures must equal the fill's.
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_indicators as base  # noqa: E402

OLD_COMMIT = "aaf7593"  # before the fill wrote its cells as plain rows (issue 18, stop 23)


def clear_reports(city) -> None:
    from kexie.stats.models import StatsCell, StatsReport

    StatsCell.objects.unscoped(reason="benchmark").all().delete()
    StatsReport.objects.unscoped(reason="benchmark").all().delete()


def old_services(commit: str, folder: str):
    """kexie.stats.services (and the compute module it used) as they were at `commit`."""
    modules = {}
    for name in ("compute", "services"):
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{commit}:src/kexie/stats/{name}.py"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        text = text.replace(
            "from kexie.stats import checks, compute, definitions",
            "from kexie.stats import checks, definitions\nimport kexie_old_stats_compute as compute",
        )
        path = Path(folder) / f"kexie_old_stats_{name}.py"
        path.write_text(text, "utf-8")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        modules[name] = module
    return modules["services"]


def fill(services, admin, city, form="kx"):
    from django.core.cache import cache

    cache.clear()  # the activities' scan is not taken from an earlier run
    return services.fill_city(actor=admin, city=city, year=2020, form=form)


def timed(run) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def cells_now() -> dict:
    """Every stored cell but the empty hand cells and the computed 0s (code before the sixth session
    stored them all; now a report stores a hand cell when it is first entered and a computed cell
    when its figure is not 0: kexie.stats.compute.report_cells)."""
    from kexie.stats.models import StatsCell

    return {
        (unit, table, code): (value, computed, source, dash)
        for unit, table, code, value, computed, source, dash in StatsCell.objects.unscoped(reason="benchmark")
        .exclude(source="hand", value__isnull=True, is_dash=False)
        .exclude(source="computed", value=0, computed=0, overridden=False, note="")
        .values_list("report__unit_id", "table", "code", "value", "computed", "source", "is_dash")
        .iterator(chunk_size=20000)
    }


def compare(runs: dict, form: str, old, new, admin, city, repeat: int) -> int:
    """Fill from nothing and again, old and new taking turns; returns the number of cells. The
    cells of both must be the same."""
    snapshot = {}
    for i in range(repeat):
        turns = (("old", old), ("new", new)) if i % 2 == 0 else (("new", new), ("old", old))
        for label, services in [(label, s) for label, s in turns if s is not None]:
            clear_reports(city)
            wall, cpu, _ = timed(lambda s=services: fill(s, admin, city, form))
            runs[(form, label, "fill")].append((wall, cpu))
            wall, cpu, _ = timed(lambda s=services: fill(s, admin, city, form))
            runs[(form, label, "again")].append((wall, cpu))
            print(f"{form} {label}: fill {runs[(form, label, 'fill')][-1][0]:.2f} s, again {wall:.2f} s",
                  file=sys.stderr)  # fmt: skip
            if i == 0:
                snapshot[label] = cells_now()
    if "old" in snapshot and snapshot["old"] != snapshot["new"]:
        differ = [k for k in snapshot["old"].keys() | snapshot["new"].keys()
                  if snapshot["old"].get(k) != snapshot["new"].get(k)]  # fmt: skip
        raise SystemExit(
            f"{form}: old and new fills differ in {len(differ)} cells, e.g. {sorted(differ)[:3]}"
        )
    return len(snapshot["new"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-sample", type=int, default=200)
    parser.add_argument("--old-commit", default=OLD_COMMIT,
                        help="the code to compare with (git); none: time the current code alone")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    args = parser.parse_args()
    load_at_start = round(os.getloadavg()[0], 1)
    tmp = tempfile.mkdtemp(prefix="kexie-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    base.setup(url)
    from django.db import connection

    from kexie.accounts.models import User
    from kexie.activities.models import Activity
    from kexie.core import indicators
    from kexie.directory.models import Organisation
    from kexie.stats import compute, services
    from kexie.stats.models import StatsCell, StatsReport

    if User.objects.filter(username="admin").exists():
        admin, build_s = User.objects.get(username="admin"), 0.0
    else:
        built = base.build(args.activities, args.units, random.Random(2020))
        admin, build_s = built["admin"], built["build_s"]
    print(f"built in {build_s} s on {connection.vendor}", file=sys.stderr)
    city = Organisation.objects.unscoped(reason="benchmark").get(pk=1)
    n_units = Organisation.objects.unscoped(reason="benchmark").count()
    n_activities = Activity.objects.unscoped(reason="benchmark").count()
    indicators.discover()  # every module's indicators imported once, before any timing
    old = None if args.old_commit == "none" else old_services(args.old_commit, tmp)

    runs = {
        (f, label, step): [] for f in ("kx", "kp") for label in ("old", "new") for step in ("fill", "again")
    }
    n_cells = {form: compare(runs, form, old, services, admin, city, args.repeat) for form in ("kp", "kx")}
    # every table of every unit: both forms in one fill (the records read once), from nothing; its
    # cells must be those of the two forms filled one at a time
    fill(services, admin, city, "kp")  # the 科协综合统计's reports are there from the last turn
    one_at_a_time = cells_now()
    both = []
    for _ in range(args.repeat):
        clear_reports(city)
        both.append(timed(lambda: fill(services, admin, city, ("kx", "kp")))[:2])
        print(f"both forms: fill {both[-1][0]:.2f} s", file=sys.stderr)
    if cells_now() != one_at_a_time:
        raise SystemExit("both forms at once differ from the forms one at a time")
    # the reports of the 科协综合统计 stay (the last fill was new or old: the same cells)
    reports = list(StatsReport.objects.unscoped(reason="benchmark").filter(form="kx").select_related("unit"))
    n_reports = len(reports)

    def median(form, label, step, which):
        found = [r[which] for r in runs[(form, label, step)]]
        return round(statistics.median(found), 2) if found else None

    # the peer: unit by unit, each unit's own queries; its figures must equal the cells
    rng = random.Random(18)
    units = [r.unit for r in reports if r.unit_id != city.pk]
    sample = rng.sample(units, min(args.peer_sample, len(units)))
    cells = {}
    for c in (
        StatsCell.objects.unscoped(reason="benchmark")
        .filter(report__unit__in=sample, report__form="kx", source="computed")
        .select_related("report")
    ):
        cells[(c.report.unit_id, c.table, c.code)] = c.value
    started = time.perf_counter()
    for unit in sample:
        figures = compute.subtree_figures(unit, 2020, compute.tables_of(unit, 2020))
        for (table, code), value in figures.items():
            stated = cells.get((unit.pk, table, code), 0)  # a computed cell not stored reads 0
            if stated != value:
                raise SystemExit(f"figures differ: {unit} {table}:{code}: fill {stated} ≠ {value}")
    peer_sample_s = time.perf_counter() - started
    peer_s = peer_sample_s * len(units) / max(len(sample), 1)
    print(
        f"peer (unit by unit): {peer_sample_s:.2f} s for {len(sample)} units → {peer_s:.1f} s for all",
        file=sys.stderr,
    )
    fill_s, old_s = median("kx", "new", "fill", 0), median("kx", "old", "fill", 0)
    print(json.dumps({
        "bench": "stats", "database": connection.vendor, "activities": n_activities, "units": n_units,
        "reports": n_reports, "cells": n_cells["kx"], "kp_cells": n_cells["kp"], "repeat": args.repeat,
        "fill_s": fill_s, "fill_cpu_s": median("kx", "new", "fill", 1),
        "recompute_s": median("kx", "new", "again", 0), "recompute_cpu_s": median("kx", "new", "again", 1),
        "old_commit": args.old_commit, "old_fill_s": old_s, "old_fill_cpu_s": median("kx", "old", "fill", 1),
        "old_recompute_s": median("kx", "old", "again", 0), "old_recompute_cpu_s": median("kx", "old", "again", 1),
        "kp_fill_s": median("kp", "new", "fill", 0), "old_kp_fill_s": median("kp", "old", "fill", 0),
        "both_forms_fill_s": round(statistics.median(w for w, _ in both), 2),
        "both_forms_fill_cpu_s": round(statistics.median(c for _, c in both), 2), "same_cells_both_forms": True,
        "old_over_new": round(old_s / fill_s, 1) if old_s else None, "aim_s": 10,
        "same_cells_old_and_new": True if old is not None else None,
        "peer": "unit by unit (own queries), scaled from a sample", "peer_sample": len(sample),
        "peer_s": round(peer_s, 1), "peer_over_new": round(peer_s / fill_s, 1), "figures_agree": True,
        "load_average_1min": round(os.getloadavg()[0], 1), "load_average_at_start": load_at_start,
    }))  # fmt: skip
    if args.database_url is None:
        if args.keep:
            print(f"kept {url}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
