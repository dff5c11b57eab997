"""Load benchmark: `kexie serve` (granian) against Django's development server, side by side, on a
demo database, logged in, at concurrency 1, 8 and 32 (issue 10 "Load"). Run by hand, not as a test:

    python benchmarks/bench_serve.py [--demo-dir DIR] [--duration 10] [--repeat 3]

Pages: the home dashboard (/), the activity ledger (/activities/) and the API activity list
(/api/v1/activities/). Each client keeps one connection (keep-alive where the server offers it)
and its own logged-in session, and sends GETs back to back for --duration seconds; a response
other than 200, or a connection error, counts as an error. Both servers run side by side and take
turns: each cell is measured --repeat times on each, alternately; the figures are the medians of
requests/s and of p50, p95 and p99 latency. The load generator
runs on the same machine as the server (Python threads: it takes some of the CPU, the same for
both servers). Prints a table and ends with one JSON line of figures.

The demo database is built once with `kexie demo --no-serve` into --demo-dir (reused when it
already holds one) and copied afresh for each server, so the servers see the same data. With
KEXIE_DATABASE_URL naming a PostgreSQL database (e.g. under scripts/with-postgres), the demo is
loaded into it once and both servers use it:

    scripts/with-postgres python benchmarks/bench_serve.py
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"home": "/", "ledger": "/activities/", "api": "/api/v1/activities/"}
# The servers' output (errors with their tracebacks), kept after the run.
SERVER_LOGS = Path(tempfile.mkdtemp(prefix="kexie-bench-serve-logs-"))
KEYS = {
    "KEXIE_SECRET_KEY": "bench-secret-key-not-for-production-0123456789",
    "KEXIE_FIELD_KEY": "bench-field-key-not-for-production-0123456789",
}


DATABASE_URL = os.environ.get("KEXIE_DATABASE_URL", "")


def environment(data_dir: Path) -> dict:
    env = {
        **os.environ,
        **KEYS,
        "KEXIE_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "kexie.settings",
        "KEXIE_DEBUG": "0",
        "KEXIE_SECURE_COOKIES": "0",  # plain HTTP on loopback
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.pop("KEXIE_DATABASE_URL", None)
    if DATABASE_URL:
        env["KEXIE_DATABASE_URL"] = DATABASE_URL
    return env


def build_demo(demo_dir: Path) -> Path:
    database = demo_dir / "kexie.sqlite3"
    if DATABASE_URL:  # kexie demo loads once and says so when the data is already there
        subprocess.run(
            [sys.executable, "-m", "kexie.cli", "demo", "--no-serve"], env=environment(demo_dir), check=True
        )
        return database
    if database.exists():
        return database
    demo_dir.mkdir(parents=True, exist_ok=True)
    print(f"building the demo database in {demo_dir} (kexie demo --no-serve) …", flush=True)
    subprocess.run(
        [sys.executable, "-m", "kexie.cli", "demo", "--no-serve"],
        env=environment(demo_dir),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with_checkpoint(database)
    return database


def with_checkpoint(database: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(database)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(server: str, data_dir: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    if server == "granian":
        command = [sys.executable, "-m", "kexie.cli", "serve", "--port", str(port)]
        command += ["--workers", str(workers), "--threads", str(threads)]
    else:
        command = [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"]
    log = open(SERVER_LOGS / f"{server}.log", "w")  # noqa: SIM115 - the server writes it until stopped
    return subprocess.Popen(
        command, env=environment(data_dir), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def wait_ready(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server on port {port} did not answer /healthz within {timeout:.0f} s")


def log_in(port: int, username: str, password: str) -> str:
    """A logged-in session: the Cookie header to send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/accounts/login/", data=data.encode(), headers={"Referer": base})
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit("log-in failed: no session cookie")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def client(port: int, path: str, cookie: str, until: float, start_at: float, out: list) -> None:
    latencies, errors = [], Counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < start_at:
        time.sleep(0.001)
    while time.perf_counter() < until:
        began = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors[f"HTTP {response.status}"] += 1
            if response.getheader("Connection", "").lower() == "close" or response.will_close:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        latencies.append(time.perf_counter() - began)
    connection.close()
    out.append((latencies, errors))


def server_cpu_seconds(session: int) -> float | None:
    """CPU seconds (user + system) used so far by every process of the server's session (its
    workers included): Linux /proc only, else None. Divided by the requests served, the server's
    cost of one request, which the machine's other load does not change much (unlike req/s)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command: state, ppid, pgrp, session, …; utime and stime are fields 14 and 15
        if int(fields[3]) == session:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def measure(
    port: int, path: str, cookies: list[str], concurrency: int, duration: float, session=None
) -> dict:
    cpu_before = server_cpu_seconds(session) if session else None
    out: list = []
    start_at = time.perf_counter() + 0.2
    until = start_at + duration
    threads = [
        threading.Thread(target=client, args=(port, path, cookies[i % len(cookies)], until, start_at, out))
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = sorted(x for lat, _ in out for x in lat)
    errors = sum((e for _, e in out), Counter())
    cpu_after = server_cpu_seconds(session) if session else None
    cpu_ms = (
        (cpu_after - cpu_before) * 1000 / len(latencies) if cpu_before is not None and latencies else None
    )
    return {
        "server_cpu_ms": cpu_ms,
        "rps": len(latencies) / duration,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[index]


def median_of(runs: list[dict]) -> dict:
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 1),
        "p95_ms": round(statistics.median(r["p95_ms"] for r in runs), 1),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 1),
        "server_cpu_ms": (
            round(statistics.median(r["server_cpu_ms"] for r in runs), 2)
            if all(r.get("server_cpu_ms") is not None for r in runs)
            else None
        ),
        "errors": sum(r["errors"] for r in runs),
        "error_kinds": dict(sum((Counter(r["error_kinds"]) for r in runs), Counter())),
        "requests": sum(r["requests"] for r in runs),
    }


class Running:
    """One server under test: its process, port, folder and logged-in sessions."""

    def __init__(self, server: str, database: Path, args):
        self.server = server
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"kexie-bench-serve-{server}-"))
        if not DATABASE_URL:
            shutil.copy(database, self.data_dir / "kexie.sqlite3")
        self.port = free_port()
        self.process = start(server, self.data_dir, self.port, args.workers, args.threads)
        self.cookies: list[str] = []

    def ready(self, sessions: int) -> None:
        wait_ready(self.port)
        sys.path.insert(0, str(ROOT / "src"))
        from kexie.demo import ADMIN_USERNAME, DEMO_PASSWORD

        self.cookies = [log_in(self.port, ADMIN_USERNAME, DEMO_PASSWORD) for _ in range(sessions)]

    def close(self) -> None:
        stop(self.process)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def bench(servers: list[str], database: Path, args) -> dict:
    """Both servers run at once (the one not measured sits idle) and take turns on every cell, so
    that a change in the machine's other load falls on both alike."""
    running = [Running(server, database, args) for server in servers]
    try:
        for each in running:
            each.ready(max(args.concurrency))
        results: dict = {server: {} for server in servers}
        for page in args.pages.split(","):
            path = PAGES[page]
            for each in running:
                measure(
                    each.port, path, each.cookies, 8, 3.0
                )  # warm every worker: templates, caches, connections
            for concurrency in args.concurrency:
                runs: dict = {server: [] for server in servers}
                for _ in range(args.repeat):
                    for each in running:
                        runs[each.server].append(
                            measure(
                                each.port, path, each.cookies, concurrency, args.duration, each.process.pid
                            )
                        )
                for server in servers:
                    cell = median_of(runs[server])
                    results[server].setdefault(page, {})[str(concurrency)] = cell
                    print(
                        f"{server:9} {page:7} c={concurrency:<3} {cell['rps']:7.1f} req/s  "
                        f"p50 {cell['p50_ms']:7.1f} ms  p95 {cell['p95_ms']:7.1f} ms  p99 {cell['p99_ms']:7.1f} ms  "
                        f"server CPU {cell['server_cpu_ms'] or float('nan'):5.1f} ms/req  "
                        f"errors {cell['errors']} {cell['error_kinds'] or ''}",
                        flush=True,
                    )
        return results
    finally:
        for each in running:
            each.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo-dir", type=Path, default=Path(tempfile.gettempdir()) / "kexie-bench-demo")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 8, 32])
    parser.add_argument("--workers", type=int, default=3, help="kexie serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="kexie serve --threads")
    parser.add_argument("--servers", default="granian,runserver")
    parser.add_argument("--pages", default=",".join(PAGES), help="which of " + ", ".join(PAGES))
    args = parser.parse_args()

    database = build_demo(args.demo_dir)
    print(f"server output in {SERVER_LOGS}", flush=True)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    figures = bench(args.servers.split(","), database, args)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(
        json.dumps(
            {
                "benchmark": "serve",
                "database": "postgresql" if DATABASE_URL else "sqlite",
                "demo": "PostgreSQL (KEXIE_DATABASE_URL)" if DATABASE_URL else str(database),
                "cpus": os.cpu_count(),
                "load_average_1min": [load_before, load_after],  # other work on the machine
                "python": platform.python_version(),
                "duration_s": args.duration,
                "repeat": args.repeat,
                "granian": {"workers": args.workers, "threads": args.threads},
                "results": figures,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
