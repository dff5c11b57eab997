"""Key rotation while the site writes: how long `kexie keys rotate` keeps writers waiting.

    python benchmarks/bench_key_rotation.py [--database-url URL] [--people 100000]

Builds --people people, each with a phone and an ID number (two sealed values and two blind
indexes each), then runs `kexie.core.keys.rotate` while a second thread writes to the people table
every 50 ms (a name change in its own short transaction, as the site does): reports the rotation's
time, the seconds the blind-index switch held its lock, the writer's longest wait and its errors
(SQLite answers "database is locked" after KEXIE_SQLITE_TIMEOUT, 20 s). Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_indicators as base  # noqa: E402  (the shared database set-up)


def build(n_people: int) -> float:
    from django.db import transaction

    from kexie.directory.models import Organisation, Person

    started = time.perf_counter()
    rng = random.Random(7)
    with transaction.atomic():
        unit = Organisation.objects.create(name="轮换测试单位", kind="association", path="/1/")
        batch = []
        for i in range(n_people):
            person = Person(name=f"人员{i}", unit=unit, phone=f"13{rng.randrange(10**9):09d}")
            person.set_id_number(f"37080119{80 + i % 20}0101{i % 1000:03d}X")
            batch.append(person)
            if len(batch) == 5000:
                Person.objects.bulk_create(batch)
                batch = []
        Person.objects.bulk_create(batch)
    return round(time.perf_counter() - started, 1)


def write_meanwhile(stop, results) -> None:
    """A user editing people while the rotation runs (another process, as another server worker
    would be): one short write transaction every 50 ms; sends back (waits, errors)."""
    from django.db import connection, transaction

    from kexie.directory.models import Person

    connection.close()  # never use the parent's connection
    ids = list(Person.objects.unscoped(reason="benchmark").values_list("pk", flat=True)[:1000])
    waits, errors = [], []
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with transaction.atomic():
                Person.objects.unscoped(reason="benchmark").filter(pk=random.choice(ids)).update(
                    title=f"职称{random.randrange(100)}"
                )
        except Exception as error:  # noqa: BLE001  (every failure is what the benchmark counts)
            errors.append(type(error).__name__ + ": " + str(error)[:80])
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)
    results.put((waits, errors))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="kexie-bench-keys-")
    os.environ["KEXIE_KEYRING"] = f"{tmp}/keyring.json"
    base.setup(args.database_url or f"sqlite:///{tmp}/bench.sqlite3")
    from django.db import connection

    from kexie.core import keys

    build_s = build(args.people)
    print(f"built {args.people} people in {build_s} s on {connection.vendor}", file=sys.stderr)
    connection.close()
    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    writer = context.Process(target=write_meanwhile, args=(stop, results))
    writer.start()
    time.sleep(1)
    started = time.perf_counter()
    summary = keys.rotate(progress=None)
    rotate_s = round(time.perf_counter() - started, 1)
    stop.set()
    waits, errors = results.get()
    writer.join()
    waits = sorted(waits)
    print(json.dumps({
        "bench": "key_rotation", "database": connection.vendor, "people": args.people,
        "sealed_values": sum(summary["resealed"].values()), "build_s": build_s, "rotate_s": rotate_s,
        "switch_lock_s": summary["switch_seconds"], "writes": len(waits),
        "write_wait_max_s": round(waits[-1], 2), "write_wait_p99_s": round(waits[int(len(waits) * 0.99)], 3),
        "write_errors": len(errors), "first_error": (errors or [""])[0],
        "load_average_1min": round(os.getloadavg()[0], 1),
    }, ensure_ascii=False))  # fmt: skip
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
