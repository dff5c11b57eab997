"""Volunteer hours benchmark: totals by person, team, county and year for 50,000 volunteers and
1,000,000 service records, kexie's one GROUP BY query per grouping over the hours summary
(kexie.volunteers.summary, kept by the services) beside an ORM loop over the records (the
straightforward implementation), with a check that both give the same figures; then the
per-person answer a page of 50 at a time (`selectors.hours_page`, what the page and the API
read) beside the whole per-person answer, in each order, first and middle page.

    python benchmarks/bench_volunteers.py [--database-url URL] [--volunteers 50000]
        [--records 1000000] [--repeat 5] [--loop person,team,county,year] [--analyze] [--keep-summary]

Builds a temporary SQLite database (or uses --database-url, e.g. PostgreSQL; a database that
already holds records is reused, not rebuilt) with two
counties, 40 teams, the volunteers, 5,000 ledger activities over 2018–2020 and the records
(5 % pending or declined: they never count), inserted in bulk; the hours summary is then built
with `summary.rebuild()` and `summary.differences()` proves it equals the records (the services
keep it so afterwards; tests/volunteers prove that). Prints figures on stderr and one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
N_TEAMS, N_ACTIVITIES = 40, 5000


def setup(database_url: str) -> None:
    os.environ["KEXIE_DATABASE_URL"] = database_url
    os.environ.setdefault("PGOPTIONS", "-c max_parallel_workers_per_gather=0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50000):
            cursor.executemany(sql, rows[start : start + 50000])


def build(n_volunteers: int, n_records: int, rng: random.Random) -> None:
    from django.db import transaction

    from kexie.activities.models import Activity, ActivityKind
    from kexie.directory.models import Organisation, Person, Region
    from kexie.directory.services import _refresh_path
    from kexie.volunteers.models import ServiceRecord, VolunteerProfile, VolunteerTeam

    with transaction.atomic():
        province = Region.objects.create(code="370000", name="山东省", level="province")
        city_region = Region.objects.create(code="370800", name="济宁市", level="city", parent=province)
        counties = [
            Region.objects.create(code=code, name=name, level="county", parent=city_region)
            for code, name in (("370811", "任城区"), ("370812", "兖州区"))
        ]
        city = Organisation.objects.create(name="济宁市科学技术协会", kind="association", region=city_region)
        _refresh_path(city)
        teams = []
        for i in range(N_TEAMS):
            org = Organisation.objects.create(
                name=f"志愿服务队{i}", kind="other", parent=city, region=counties[i % 2]
            )
            _refresh_path(org)
            teams.append(VolunteerTeam.objects.create(organisation=org, service_category="science_outreach"))
        people = Person.objects.bulk_create(
            [Person(name=f"志愿者{i}", unit=city) for i in range(n_volunteers)], batch_size=5000
        )
        profiles = VolunteerProfile.objects.bulk_create(
            [VolunteerProfile(person=p, registered_on=dt.date(2018, 1, 1)) for p in people], batch_size=5000
        )
        kind = ActivityKind.objects.get(code="outreach.volunteer")
        days = [dt.date(2018, 1, 1) + dt.timedelta(days=d) for d in range(3 * 365)]
        activities = Activity.objects.bulk_create(
            [
                Activity(code=f"HD{i:08d}", title=f"志愿服务{i}", kind=kind, start_date=(day := rng.choice(days)),
                         end_date=day, region=counties[i % 2], organiser=city, reporting_unit=city, status="approved")
                for i in range(N_ACTIVITIES)
            ],
            batch_size=5000,
        )  # fmt: skip
        now = dt.datetime(2021, 1, 5, tzinfo=dt.UTC)
        rows = []
        for i in range(n_records):
            volunteer, k = i % n_volunteers, i // n_volunteers  # one record per volunteer, activity, day
            activity = activities[(volunteer + k * (251 + n_volunteers)) % N_ACTIVITIES]
            team = teams[rng.randrange(N_TEAMS)]
            status = "recorded" if rng.random() < 0.95 else rng.choice(("pending", "declined"))
            hours = Decimal(rng.randrange(25, 800)) / 100
            rows.append((
                profiles[volunteer].pk, activity.pk, team.pk, activity.start_date, "广场", "科普",
                str(hours), city.pk, counties[activity.pk % 2 == 0].pk, "team", status, "", activity.start_date,
                False, now, f"{i}",
            ))  # fmt: skip
        columns = ["volunteer_id", "activity_id", "team_id", "served_on", "place", "content", "hours",
                   "organising_unit_id", "county_id", "source", "status", "decline_reason", "recorded_on",
                   "is_late", "created_at", "id"]  # fmt: skip
        rows = [r[:-1] + (i + 1,) for i, r in enumerate(rows)]
        _insert(ServiceRecord._meta.db_table, columns, rows)


def kexie_totals(by: str):
    from kexie.volunteers import selectors
    from kexie.volunteers.models import HoursSummary

    rows = HoursSummary.objects.unscoped(reason="benchmark: the whole city")
    return {row["key"]: row["hours"] for row in selectors.hours_totals(rows, by)}


def loop_totals(by: str):
    """The straightforward ORM way: read every record, add up in Python."""
    from kexie.volunteers.models import ServiceRecord

    key = {"person": "volunteer_id", "team": "team_id", "county": "county_id", "year": "served_on"}[by]
    totals: dict = defaultdict(Decimal)
    for record in ServiceRecord.objects.unscoped(reason="benchmark").filter(status="recorded").iterator(5000):
        value = getattr(record, key)
        totals[value.year if by == "year" else value] += record.hours
    return dict(totals)


def stored_person_page(sort: str, offset: int):
    """The page as it is read now for hours and name order: the stored per-person totals of the
    scope level (here the whole city, a superuser's), an index range (`_person_page_stored`)."""
    from kexie.volunteers import selectors

    return selectors._person_page_stored(None, None, sort, offset, 50)


def old_person_page(sort: str, offset: int):
    """The page as it was read before the stored totals: every volunteer's total grouped from
    the summary, then sorted and cut (`selectors._person_page`)."""
    from kexie.volunteers import selectors
    from kexie.volunteers.models import HoursSummary

    rows = selectors._summary_for(
        HoursSummary.objects.unscoped(reason="benchmark: the whole city"), "person", None
    )
    return selectors._person_page(rows, sort, offset, 50)


def person_pages(result: dict, repeat: int) -> None:
    """Old and new side by side in this run, first page and a middle one, by hours and by name:
    the stored totals' index range (new) against grouping every volunteer then sorting (old),
    each checked against the whole answer sorted the same way (hours desc, name, id; name, id)."""
    whole = kexie_totals_rows("person")
    n = len(whole)
    orders = {
        "hours": lambda r: (-r["hours"], r["label"], r["key"]),
        "label": lambda r: (r["label"], r["key"]),
    }
    for sort, key in orders.items():
        ordered = sorted(whole, key=key)
        for where, offset in (("first", 0), ("middle", (n // 2) // 50 * 50)):
            name = f"person_page_{sort}_{where}"
            for label, fn in (("new", stored_person_page), ("old", old_person_page)):
                ms, (count, page) = timed(lambda s=sort, o=offset, f=fn: f(s, o), repeat)
                cpu_ms = cpu_timed(lambda s=sort, o=offset, f=fn: f(s, o), repeat)
                got = [(r["key"], r["hours"], r["entries"]) for r in page]
                want = [(r["key"], r["hours"], r["entries"]) for r in ordered[offset : offset + 50]]
                if label == "old":  # the old page broke ties of hours by id, not by name
                    got, want = [g[1] for g in got], [w[1] for w in want]
                same = count == n and got == want  # names compare by code point on SQLite, as Python does
                suffix = "" if label == "new" else "_old"
                result[f"{name}{suffix}_ms"] = round(ms, 1)
                result[f"{name}{suffix}_cpu_ms"] = round(cpu_ms, 1)
                result[f"{name}{suffix}_same"] = same
                print(f"person page ({sort:5}, {where:6}) {label} {ms:8.1f} ms (CPU {cpu_ms:.1f} ms)  as the "
                      f"whole answer sorted: {same}", file=sys.stderr)  # fmt: skip
            result[f"{name}_ratio"] = round(result[f"{name}_old_ms"] / max(result[f"{name}_ms"], 0.01), 1)
            result[f"{name}_cpu_ratio"] = round(
                result[f"{name}_old_cpu_ms"] / max(result[f"{name}_cpu_ms"], 0.01), 1
            )


def totals_check() -> bool:
    """The stored per-person totals equal the records (every scope level, year and volunteer)."""
    from kexie.volunteers import summary

    return summary.totals_stored() == summary.totals_from_records()


def kexie_totals_rows(by: str):
    from kexie.volunteers import selectors
    from kexie.volunteers.models import HoursSummary

    return selectors.hours_totals(HoursSummary.objects.unscoped(reason="benchmark: the whole city"), by)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def cpu_timed(fn, repeat: int) -> float:
    """Median CPU time of this process (SQLite runs in it; PostgreSQL's server time is not in it)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--volunteers", type=int, default=50000)
    parser.add_argument("--records", type=int, default=1000000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--loop", default="person,team,county,year", help="groupings to time the ORM loop for"
    )
    parser.add_argument(
        "--keep-summary", action="store_true",
        help="a reused database: keep its hours summary (no rebuild, no comparison with the records)",
    )  # fmt: skip
    parser.add_argument(
        "--skip-totals-check", action="store_true", help="no comparison of the totals with the records"
    )
    parser.add_argument(
        "--totals", default="person,team,county,year", help="groupings to time the totals for"
    )
    parser.add_argument("--analyze", action="store_true", help="ANALYZE after the build (planner statistics)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kexie-bench-volunteers-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    setup(url)
    from kexie.volunteers.models import ServiceRecord

    if ServiceRecord.objects.unscoped(reason="benchmark: reuse a built database").exists():
        print("reusing the records already in the database", file=sys.stderr)
    else:
        start = time.perf_counter()
        build(args.volunteers, args.records, random.Random(2020))
        build_s = time.perf_counter() - start
        print(
            f"built {args.volunteers} volunteers, {args.records} records in {build_s:.0f} s", file=sys.stderr
        )
    from kexie.volunteers import summary

    start = time.perf_counter()
    if args.keep_summary:
        from kexie.volunteers.models import HoursSummary

        summary_rows, summary_equal = HoursSummary.objects.unscoped(reason="benchmark").count(), None
    else:
        summary_rows = summary.rebuild()
        summary_equal = summary.differences() == []
    rebuild_s = time.perf_counter() - start
    print(f"summary: {summary_rows} rows rebuilt in {rebuild_s:.1f} s, equals the records: {summary_equal}",
          file=sys.stderr)  # fmt: skip
    if args.analyze:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result = {
        "benchmark": "volunteer_hours", "database": url.split(":", 1)[0], "volunteers": args.volunteers,
        "records": args.records, "load_average": [round(x, 2) for x in os.getloadavg()],
        "summary_rows": summary_rows, "summary_rebuild_s": round(rebuild_s, 1), "summary_equals_records": summary_equal,
    }  # fmt: skip
    for by in args.totals.split(",") if args.totals else ():
        ms, totals = timed(lambda by=by: kexie_totals(by), args.repeat)
        cpu_ms = cpu_timed(lambda by=by: kexie_totals(by), args.repeat)
        result[f"{by}_ms"], result[f"{by}_cpu_ms"] = round(ms, 1), round(cpu_ms, 1)
        if by not in args.loop.split(","):
            print(f"{by:7} kexie {ms:8.1f} ms (CPU {cpu_ms:.1f} ms)  ORM loop skipped", file=sys.stderr)
            continue
        loop_ms, loop = timed(lambda by=by: loop_totals(by), 1)
        same = {k: v for k, v in totals.items() if v} == {
            k: v.quantize(Decimal("0.01")) for k, v in loop.items()
        }
        print(f"{by:7} kexie {ms:8.1f} ms (CPU {cpu_ms:.1f} ms)  ORM loop {loop_ms:9.1f} ms  same figures: {same}",
              file=sys.stderr)  # fmt: skip
        result[f"{by}_loop_ms"] = round(loop_ms, 1)
        result[f"{by}_same"] = same
    if not args.skip_totals_check:
        start = time.perf_counter()
        result["totals_equal_records"] = totals_check()
        print(f"per-person totals equal the records: {result['totals_equal_records']} "
              f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)  # fmt: skip
    person_pages(result, args.repeat)
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
