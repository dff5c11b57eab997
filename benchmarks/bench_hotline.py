"""Hotline service-level benchmark: the service-level figures (consultations, answered within the
service level, satisfaction with its per-expert breakdown, breaches) for 100,000 tickets, beside
a straightforward ORM loop over the same consultations.

    python benchmarks/bench_hotline.py [--database-url URL] [--tickets 100000] [--repeat 5]
        [--peer-repeat N] [--keep]

Builds a database (default: a temporary SQLite file; PostgreSQL with --database-url) with one
farm line, its pools and experts, and `--tickets` consultations received over 2020 (plus a tenth
as many in 2019 for the year-on-year figures). Each ticket's clocks are those the services would
store: the answer instant is the working-hours clock's deadline (kexie.core.workdays, with the
2020 holidays and 调休) for a random business duration, some tickets late, most rated. Then it
times, on one core, median of --repeat runs:
  - kexie: the four hotline indicators for 2020 and the whole city (one aggregate each, the
    previous year beside it);
  - the peer: the same figures from a loop over the ORM rows (`select_related("ticket")`),
and checks that the figures agree. Ends with one JSON line.
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
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SH = ZoneInfo("Asia/Shanghai")
CODES = ("hotline.consultations", "hotline.within_service_level", "hotline.satisfaction", "hotline.breached")
TARGET_MS = 200


def setup(database_url: str) -> None:
    os.environ["KEXIE_DATABASE_URL"] = database_url
    os.environ.setdefault("PGOPTIONS", "-c max_parallel_workers_per_gather=0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _insert(model, columns: list[str], rows: list[tuple]) -> list[int]:
    """Plain executemany; returns nothing (ids are assigned in order from an empty table)."""
    from django.db import connection

    ops = connection.ops
    rows = [tuple(ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime)
                  else ops.adapt_datefield_value(v) if isinstance(v, dt.date) else v for v in row) for row in rows]  # fmt: skip
    sql = f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20000):
            cursor.executemany(sql, rows[start : start + 20000])


def _world():
    from kexie.accounts.models import User
    from kexie.directory.models import Organisation, Person, Region
    from kexie.directory.services import _refresh_path
    from kexie.hotline.codes import Topic
    from kexie.hotline.models import Pool
    from kexie.tickets.models import Queue

    region = Region.objects.create(code="370800", name="济宁市", level="city")
    city = Organisation.objects.create(name="济宁市科学技术协会", kind="association", region=region)
    _refresh_path(city)
    admin = User.objects.create(username="admin", unit=city, roles=["admin"], is_superuser=False)
    queue = Queue.objects.create(unit=city, code="farm", name="农技咨询热线", first_response_minutes=240,
                                 resolution_minutes=900)  # fmt: skip
    experts = [Person.objects.create(name=f"专家{i}", unit=city, is_expert=True) for i in range(20)]
    pool = Pool.objects.create(topic=Topic.CROP, queue=queue)
    pool.experts.set(experts)
    return admin, city, region, queue, experts


def build(n: int, rng: random.Random) -> dict:
    from django.db import transaction

    from kexie.core.workdays import OFFICE_HOURS, current_calendar, deadline
    from kexie.hotline.models import Consultation
    from kexie.tickets.models import Ticket

    started = time.perf_counter()
    cal = current_calendar()
    with transaction.atomic():
        admin, city, region, queue, experts = _world()
        tickets, consultations = [], []
        total = n + n // 10
        for i in range(1, total + 1):
            year = 2020 if i <= n else 2019
            day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            opened = dt.datetime.combine(day, dt.time(rng.randrange(8, 18), rng.randrange(60)), SH)
            late = rng.random() < 0.12
            first_s = rng.randrange(60, (400 if late else 230) * 60)
            resolve_s = first_s + rng.randrange(0, (700 if late else 600) * 60)
            first_at = deadline(opened, dt.timedelta(seconds=first_s), hours=OFFICE_HOURS, calendar=cal)
            resolved_at = deadline(opened, dt.timedelta(seconds=resolve_s), hours=OFFICE_HOURS, calendar=cal)
            rated = (
                rng.choices([5, 4, 3, 2, 1], weights=[55, 30, 10, 3, 2])[0] if rng.random() < 0.6 else None
            )
            tickets.append((i, queue.pk, city.pk, city.pk, f"咨询{i}", "resolved", opened, first_at, resolved_at,
                            first_s, resolve_s, first_s > 240 * 60, resolve_s > 900 * 60, rated, "", opened))  # fmt: skip
            expert = rng.choice(experts).pk
            consultations.append((i, i, rng.choice(["phone", "wechat"]), "crop", opened, opened.astimezone(SH).date(),
                                  "", "", "", region.pk, "问题", "解答", expert, False, "", "", opened,
                                  False, False, False, None))  # fmt: skip
        _insert(Ticket, ["id", "queue_id", "unit_id", "scope_unit_id", "subject", "status", "opened_at",
                         "first_response_at", "resolved_at", "first_response_seconds", "resolution_seconds",
                         "first_response_breached", "resolution_breached", "satisfaction", "satisfaction_note",
                         "updated_at"], tickets)  # fmt: skip
        _insert(Consultation, ["id", "ticket_id", "channel", "topic", "received_at", "received_on", "caller_name",
                               "caller_phone", "caller_phone_hash", "region_id", "question", "answer", "expert_id",
                               "in_knowledge_base", "kb_question", "kb_answer", "updated_at", "resolved", "within_sla",
                               "breached", "satisfaction"], consultations)  # fmt: skip
        from kexie.hotline import outcomes

        outcomes.sync()  # the consultations' copy of their tickets' outcome, as the services keep it
    return {"admin": admin, "build_s": round(time.perf_counter() - started, 1)}


def kexie_figures(admin) -> dict:
    from kexie.core.indicators import Period, Scope, get

    scope, year = Scope(admin), Period.year(2020)
    return {code: get(code).compute(year, scope) for code in CODES}


def peer_figures() -> dict:
    """The same figures from a loop over the ORM rows of 2019–2020."""
    from kexie.hotline.models import Consultation

    counts = defaultdict(int)
    rows = (
        Consultation.objects.unscoped(reason="benchmark peer")
        .filter(received_on__gte=dt.date(2019, 1, 1), received_on__lt=dt.date(2021, 1, 1))
        .select_related("ticket")
    )
    scores: dict = defaultdict(list)
    experts: dict = defaultdict(list)
    for c in rows.iterator(chunk_size=5000):
        key = "cur" if c.received_on.year == 2020 else "prev"
        t = c.ticket
        counts[f"n_{key}"] += 1
        counts[f"channel_{c.channel}"] += key == "cur"
        if t.status == "resolved":
            counts[f"done_{key}"] += 1
            counts[f"ok_{key}"] += t.resolution_breached is False
        if t.satisfaction is not None:
            scores[key].append(t.satisfaction)
            if key == "cur" and c.expert_id:
                experts[str(c.expert_id)].append(t.satisfaction)
        counts[f"late_{key}"] += bool(t.first_response_breached or t.resolution_breached)
    share = round(100 * counts["ok_cur"] / counts["done_cur"], 1) if counts["done_cur"] else None
    mean = round(statistics.fmean(scores["cur"]), 2) if scores["cur"] else None
    return {
        "hotline.consultations": (counts["n_cur"], counts["n_prev"]),
        "hotline.within_service_level": (share, None),
        "hotline.satisfaction": (mean, {k: round(statistics.fmean(v), 2) for k, v in experts.items()}),
        "hotline.breached": (counts["late_cur"], counts["late_prev"]),
    }


def check(ours: dict, peer: dict) -> None:
    assert (ours["hotline.consultations"].value, ours["hotline.consultations"].previous) == peer[
        "hotline.consultations"
    ]
    assert ours["hotline.within_service_level"].value == peer["hotline.within_service_level"][0]
    assert ours["hotline.satisfaction"].value == peer["hotline.satisfaction"][0]
    assert ours["hotline.satisfaction"].breakdown["expert"] == peer["hotline.satisfaction"][1]
    assert (ours["hotline.breached"].value, ours["hotline.breached"].previous) == peer["hotline.breached"]


def _server_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL backend serving this connection (user + system,
    read from /proc: the server runs on this machine under scripts/with-postgres); 0 on SQLite,
    whose work is already in this process's CPU time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(fn, repeat: int):
    """Median wall time, median CPU time of this process (SQLite runs in it; on a machine shared
    with other work the CPU time is the steadier of the two) and median CPU time of the
    PostgreSQL backend (0 on SQLite), and the last result."""
    times, cpu, server, result = [], [], [], None
    for _ in range(repeat):
        started, started_cpu, started_server = time.perf_counter(), time.process_time(), _server_cpu()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        server.append(_server_cpu() - started_server)
    return statistics.median(times), statistics.median(cpu), statistics.median(server), result


def analyse() -> None:
    """PostgreSQL after a bulk load: statistics for the planner and the visibility map for
    index-only scans, as autovacuum would give a live database."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE hotline_consultation")
            cursor.execute("VACUUM ANALYZE tickets_ticket")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-repeat", type=int, help="runs of the peer (default: half of --repeat)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary SQLite file (its path is printed)"
    )
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kexie-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    setup(url)
    from django.db import connection

    from kexie.accounts.models import User

    existing = User.objects.unscoped(reason="benchmark").filter(username="admin").first()
    if existing is not None:
        admin, build_s = existing, 0.0
    else:
        built = build(args.tickets, random.Random(2020))
        admin, build_s = built["admin"], built["build_s"]
    print(f"built in {build_s} s on {connection.vendor}", file=sys.stderr)
    analyse()
    load_before = os.getloadavg()[0]
    kexie_figures(admin)  # loads the indicator registry once
    kexie_s, kexie_cpu, kexie_server, ours = timed(lambda: kexie_figures(admin), args.repeat)
    peer_s, peer_cpu, peer_server, peer = timed(peer_figures, args.peer_repeat or max(1, args.repeat // 2))
    load_after = os.getloadavg()[0]
    check(ours, peer)
    print(f"kexie {kexie_s * 1000:.1f} ms ({kexie_cpu * 1000:.1f} ms CPU, server {kexie_server * 1000:.0f} ms), "
          f"ORM loop {peer_s * 1000:.1f} ms ({peer_cpu * 1000:.1f} ms CPU, server {peer_server * 1000:.0f} ms); "
          f"load average {load_before:.2f} → {load_after:.2f}", file=sys.stderr)  # fmt: skip
    if args.keep:
        print(f"kept {url}", file=sys.stderr)
    print(json.dumps({
        "bench": "hotline_service_levels", "database": connection.vendor, "tickets": args.tickets,
        "indicators": len(CODES), "kexie_ms": round(kexie_s * 1000, 1), "kexie_cpu_ms": round(kexie_cpu * 1000, 1),
        "target_ms": TARGET_MS, "peer": "ORM loop", "peer_ms": round(peer_s * 1000, 1),
        "peer_cpu_ms": round(peer_cpu * 1000, 1), "ratio": round(peer_s / kexie_s, 1),
        "kexie_server_cpu_ms": round(kexie_server * 1000, 1), "peer_server_cpu_ms": round(peer_server * 1000, 1),
        "load_before": round(load_before, 2), "load_after": round(load_after, 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
