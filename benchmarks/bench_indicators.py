"""Indicator benchmark: the full indicator set for one year and the whole city, beside a
straightforward ORM implementation of the same figures (Python loops over the rows).

    python benchmarks/bench_indicators.py [--database-url URL] [--activities 1000000] [--units 100000]
        [--repeat 5] [--keep]

Builds a database (default: a temporary SQLite file; PostgreSQL with
--database-url postgres://user@127.0.0.1:PORT/db) with the demo city's regions, `--units`
organisations and as many people, `--activities` activities over 2016–2020 (mostly approved),
campaigns, designations and societies' yearly records; then times, on one core:
  - kexie: `indicators.evaluate(Period.year(2020), Scope(city admin))` (all indicators, with
    the previous year beside each), median of --repeat runs;
  - the same from the cache (the activities' scan is cached until the data changes);
  - the dashboard page (/reports/?year=2020), server time through Django's test client, cold
    (cache emptied first) and cached;
  - the list pages of issue 2 (ledger, filters, review queue, directory, home) at that size;
  - the peer: the same figures from a loop over the ORM rows of 2019–2020,
and checks that the figures agree. Ends with one JSON line. With --database-url pointing at a
database built before, the build is skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

YEARS = range(2016, 2021)
NOW = dt.datetime(2021, 1, 5, 9, 0, tzinfo=dt.UTC)


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain executemany: the ORM's bulk_create spends most of its time preparing values."""
    from django.db import connection

    if not rows:
        return
    ops = connection.ops
    rows = [tuple(ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime)
                  else ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v for v in row) for row in rows]  # fmt: skip
    sql = f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50000):
            cursor.executemany(sql, rows[start : start + 50000])


def setup(database_url: str) -> None:
    os.environ["KEXIE_DATABASE_URL"] = database_url
    # The aim is "on one core": no parallel query workers on PostgreSQL (libpq reads PGOPTIONS
    # for every connection, also those the test client's requests open).
    os.environ.setdefault("PGOPTIONS", "-c max_parallel_workers_per_gather=0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def build(n_activities: int, n_units: int, rng: random.Random, title=None) -> dict:
    """`title(rng)` names each activity (default: all "活动"; bench_list_search passes realistic titles)."""
    from django.db import connection, transaction

    from kexie.accounts.models import User
    from kexie.activities.kinds import load_default_kinds
    from kexie.activities.models import Activity, ActivityKind, Campaign
    from kexie.demo import data as D
    from kexie.demo.loader import _regions
    from kexie.directory.models import Designation, Organisation, OrganisationYear, Person

    started = time.perf_counter()
    with transaction.atomic():
        load_default_kinds(ActivityKind)
        regions = _regions()
        kinds = list(ActivityKind.objects.filter(parent__isnull=False))
        county_regions = [r for r in regions.values() if r.level == "county"]
        town_regions = [r for r in regions.values() if r.level in ("town", "county")]
        kinds_of_org = ["society", "outreach_base", "enterprise", "school", "hospital", "association",
                        "rural_tech_association", "government_department"]  # fmt: skip
        orgs = [Organisation(id=1, name=D.CITY_ASSOCIATION, kind="association", association_level="city",
                             path="/1/", region=regions["370800"])]  # fmt: skip
        for i, region in enumerate(county_regions):
            orgs.append(Organisation(id=2 + i, name=f"{region.name}科学技术协会", kind="association", parent_id=1,
                                     association_level="county", path=f"/1/{2 + i}/", region=region))  # fmt: skip
        first_free = 2 + len(county_regions)
        for pk in range(first_free, n_units + 1):
            parent = orgs[1 + rng.randrange(len(county_regions))]
            kind = rng.choice(kinds_of_org)
            orgs.append(Organisation(
                id=pk, name=f"单位{pk}", kind=kind, parent_id=parent.pk, path=f"{parent.path}{pk}/", region=parent.region,
                association_level="town" if kind == "association" else "",
            ))  # fmt: skip
        _insert(Organisation, ["id", "name", "short_name", "kind", "association_level", "parent_id", "path", "region_id", "uscc",
                               "uscc_checksum_ok", "contact_name", "contact_phone", "email", "address", "is_active", "note",
                               "created_at", "updated_at"],
                [(o.id, o.name, "", o.kind, o.association_level, o.parent_id, o.path, o.region_id, "", True, "", "", "",
                  "", True, "", NOW, NOW) for o in orgs])  # fmt: skip
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('directory_organisation','id'), %s)", [n_units]
                )
        admin = User.objects.create(username="admin", unit_id=1, roles=["admin"])
        _insert(Person, ["name", "gender", "phone", "id_number_encrypted", "id_number_hash", "id_number_masked", "title",
                         "discipline", "unit_id", "is_sci_worker", "is_expert", "is_volunteer", "is_cadre",
                         "is_grassroots_head", "profile", "created_at", "updated_at"],
                [(f"人员{i}", "", "", "", "", "", "", "", rng.randrange(1, n_units + 1), rng.random() < 0.7,
                  rng.random() < 0.2, rng.random() < 0.3, False, False, "", NOW, NOW) for i in range(n_units)])  # fmt: skip
        societies = [o.pk for o in orgs if o.kind == "society"]
        OrganisationYear.objects.bulk_create(
            [OrganisationYear(organisation_id=s, year=y, has_party_organisation=rng.random() < (0.77 if y < 2020 else 1))
             for s in societies for y in (2019, 2020)], batch_size=5000,
        )  # fmt: skip
        bases = [o.pk for o in orgs if o.kind == "outreach_base"]
        Designation.objects.bulk_create(
            [Designation(organisation_id=b, level=rng.choice(["city", "province"]), year=rng.choice(list(YEARS)))
             for b in rng.sample(bases, min(2000, len(bases)))], batch_size=5000,
        )  # fmt: skip
        campaigns = {}
        for year in YEARS:
            for name, start, end in (
                ("全国科普日", (9, 12), (9, 30)),
                ("全国科技工作者日", (5, 20), (5, 31)),
            ):
                c = Campaign.objects.create(name=f"{year}年{name}", year=year, start_date=dt.date(year, *start),
                                            end_date=dt.date(year, *end), host_unit_id=1)  # fmt: skip
                c.participating_units.set(rng.sample(range(2, 2000), 40))
                campaigns[(year, name)] = c
        statuses = ["approved"] * 86 + ["submitted"] * 7 + ["returned"] * 4 + ["draft"] * 3
        kind_ids, region_ids = [k.pk for k in kinds], [r.pk for r in town_regions]
        columns = ["code", "title", "kind_id", "start_date", "end_date", "region_id", "venue", "organiser_id",
                   "participants", "volunteers", "beneficiaries", "campaign_id", "description", "reporting_unit_id",
                   "status", "return_reason", "created_at", "updated_at"]  # fmt: skip
        batch = []
        for i in range(n_activities):
            year = YEARS[i % len(YEARS)]
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            campaign = None
            if dt.date(year, 9, 12) <= day <= dt.date(year, 9, 30) and rng.random() < 0.5:
                campaign = campaigns[(year, "全国科普日")].pk
            participants = rng.randrange(10, 800)
            batch.append((
                f"B{i:08d}", title(rng) if title else "活动", rng.choice(kind_ids), day, day, rng.choice(region_ids), "", 1, participants,
                rng.randrange(0, 30), participants * 2, campaign, "", rng.randrange(1, n_units + 1),
                rng.choice(statuses), "", NOW, NOW,
            ))  # fmt: skip
            if len(batch) == 50000:
                _insert(Activity, columns, batch)
                batch = []
        _insert(Activity, columns, batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else None
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"admin": admin, "build_s": round(time.perf_counter() - started, 1)}


def kexie_figures(admin, cold: bool = True) -> dict:
    """The full set; `cold` empties the cache first, so the records are scanned (the honest figure)."""
    from django.core.cache import cache

    from kexie.core import indicators
    from kexie.core.indicators import Period, Scope

    if cold:
        cache.clear()
    return {r["code"]: r for r in indicators.evaluate(Period.year(2020), Scope(admin))}


def peer_figures() -> dict:
    """The same figures, computed the straightforward way: loop over every row in Python."""
    from kexie.activities.models import Activity, Campaign
    from kexie.directory.models import Designation, Organisation, OrganisationYear, Person

    by_county, by_kind, by_month = Counter(), Counter(), Counter()
    totals = Counter()
    campaign_n = Counter()
    rows = Activity.objects.filter(start_date__gte=dt.date(2019, 1, 1), start_date__lt=dt.date(2021, 1, 1))
    for a in rows.select_related("region", "region__parent", "kind").iterator(chunk_size=5000):
        cur = a.start_date.year == 2020
        if a.status == "approved":
            totals["n" if cur else "n_prev"] += 1
            if cur:
                county = a.region if a.region.level == "county" else a.region.parent
                by_county[county.code] += 1
                by_kind[a.kind.code] += 1
                by_month[f"{a.start_date.month:02d}"] += 1
                totals["participants"] += a.participants
                totals["volunteers"] += a.volunteers
                totals["beneficiaries"] += a.beneficiaries
                if a.campaign_id:
                    campaign_n[a.campaign_id] += 1
        elif cur and a.status in ("submitted", "returned"):
            totals[a.status] += 1
    departments = {c.pk: sum(1 for u in c.participating_units.all() if u.kind == "government_department")
                   for c in Campaign.objects.filter(year=2020)}  # fmt: skip
    orgs = Counter(o.kind for o in Organisation.objects.filter(is_active=True))
    people = Counter()
    for p in Person.objects.all():
        for tag, field in Person.TAG_FIELDS.items():
            people[tag] += getattr(p, field)
    levels = Counter(d.level for d in Designation.objects.filter(year=2020))
    years = [y for y in OrganisationYear.objects.filter(year=2020).select_related("organisation")
             if y.organisation.kind == "society"]  # fmt: skip
    party = round(100 * sum(y.has_party_organisation for y in years) / len(years), 1)
    return {"by_county": dict(by_county), "by_kind": dict(by_kind), "by_month": dict(by_month), "totals": totals,
            "campaign_n": campaign_n, "departments": departments, "orgs": orgs, "people": people, "levels": levels,
            "party": party}  # fmt: skip


def check(ours: dict, peer: dict) -> None:
    def same(a, b, what):
        if a != b:
            raise SystemExit(f"figures differ: {what}: kexie {a} ≠ peer {b}")

    same(ours["activities.by_county"]["value"], peer["totals"]["n"], "activities")
    same(ours["activities.by_county"]["previous"], peer["totals"]["n_prev"], "activities, previous year")
    same(ours["activities.by_county"]["breakdown"]["county"], peer["by_county"], "by county")
    same(
        {k: v for k, v in ours["activities.by_kind"]["breakdown"]["kind"].items() if v},
        peer["by_kind"],
        "by kind",
    )
    same(
        {k: v for k, v in ours["activities.by_month"]["breakdown"]["month"].items() if v},
        peer["by_month"],
        "month",
    )
    for metric in ("participants", "volunteers", "beneficiaries"):
        same(ours[f"activities.{metric}"]["value"], peer["totals"][metric], metric)
    same(ours["activities.pending"]["value"], peer["totals"]["submitted"], "pending")
    same(ours["activities.returned"]["value"], peer["totals"]["returned"], "returned")
    same({int(k): v for k, v in ours["activities.campaign_activities"]["breakdown"]["campaign"].items() if v},
         dict(peer["campaign_n"]), "campaign activities")  # fmt: skip
    same({int(k): v for k, v in ours["activities.campaign_departments"]["breakdown"]["campaign"].items()},
         peer["departments"], "campaign departments")  # fmt: skip
    same(ours["directory.organisations"]["breakdown"]["kind"], dict(peer["orgs"]), "organisations")
    same(ours["directory.people"]["breakdown"]["tag"], {t: peer["people"][t] for t in ours["directory.people"]["breakdown"]["tag"]}, "people")  # fmt: skip
    same(ours["directory.new_outreach_bases"]["breakdown"]["level"], dict(peer["levels"]), "designations")
    same(ours["directory.party_coverage"]["value"], peer["party"], "party coverage")


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def dashboard_time(admin, repeat: int) -> tuple[float, float]:
    """(cold, warm) server time of the dashboard: cold after the cache is emptied (the first
    request after any change of the data), warm when the activities' scan is cached."""
    from django.core.cache import cache
    from django.test import Client
    from django.test.utils import override_settings

    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client()
        client.force_login(admin)
        client.get("/reports/?year=2020")  # warm-up: imports, templates

        def get(cold: bool):
            if cold:
                cache.clear()
            response = client.get("/reports/?year=2020")
            assert response.status_code == 200, response.status_code

        return timed(lambda: get(True), repeat)[0], timed(lambda: get(False), repeat)[0]


LIST_PAGES = {
    "activities": "/activities/",
    "activities_filtered": "/activities/?year=2020&status=approved&q=活动",
    "activities_search_no_hit": "/activities/?year=2020&status=approved&q=没有这个标题",  # scans the year
    "review_queue": "/activities/review/",
    "organisations": "/directory/organisations/",
    "people": "/directory/people/",
    "home": "/",
}


def list_page_times(admin, repeat: int) -> dict[str, float]:
    """Server time of the ledger and directory list pages (issue 2: fast with a million activities)."""
    from django.test import Client
    from django.test.utils import override_settings

    out = {}
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        client = Client()
        client.force_login(admin)
        for name, url in LIST_PAGES.items():
            client.get(url)

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            out[name] = round(timed(get, repeat)[0], 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary SQLite file (its path is printed)"
    )
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kexie-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    setup(url)
    from django.db import connection

    from kexie.accounts.models import User

    if User.objects.filter(username="admin").exists():
        admin, build_s = User.objects.get(username="admin"), 0.0  # reuse a database built before
    else:
        built = build(args.activities, args.units, random.Random(2020))
        admin, build_s = built["admin"], built["build_s"]
    print(f"built in {build_s} s on {connection.vendor}", file=sys.stderr)
    kexie_s, ours = timed(lambda: kexie_figures(admin), args.repeat)
    warm_s = timed(lambda: kexie_figures(admin, cold=False), args.repeat)[0]
    print(
        f"kexie full set: {kexie_s:.3f} s cold, {warm_s:.3f} s cached ({len(ours)} indicators)",
        file=sys.stderr,
    )
    dash_s, dash_warm_s = dashboard_time(admin, args.repeat)
    print(f"dashboard: {dash_s:.3f} s cold, {dash_warm_s:.3f} s cached", file=sys.stderr)
    pages = list_page_times(admin, args.repeat)
    print(f"list pages (s): {pages}", file=sys.stderr)
    peer_s, peer = timed(peer_figures, 1)
    print(f"peer (ORM loops): {peer_s:.3f} s", file=sys.stderr)
    check(ours, peer)
    print(json.dumps({
        "bench": "indicators", "database": connection.vendor, "activities": args.activities, "units": args.units,
        "people": args.units, "indicators": len(ours), "kexie_s": round(kexie_s, 3),
        "kexie_cached_s": round(warm_s, 3), "dashboard_s": round(dash_s, 3), "dashboard_cached_s": round(dash_warm_s, 3), "list_pages_s": pages, "peer": "ORM loops over rows", "peer_s": round(peer_s, 3),
        "ratio": round(peer_s / kexie_s, 1), "figures_agree": True,
    }))  # fmt: skip
    if args.database_url is None:
        if args.keep:
            print(f"kept {url}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
