"""The production web server behind `kexie serve` and `kexie demo` (docs/operations.md), and the
background job worker they start beside it.

Granian (docs/dependencies.md says why) runs kexie's WSGI application in several worker
processes, each with several threads, and on SIGINT/SIGTERM (Ctrl-C, `systemctl stop`, a Windows
service stop) stops accepting connections and lets the requests under way finish.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import signal
import subprocess
import sys
from pathlib import Path

# The host `kexie serve` checked the keys for; its workers read it (they are new processes).
SERVE_HOST_VARIABLE = "KEXIE_SERVE_HOST"
GRACE_SECONDS = 30  # a worker still busy this long after a stop is ended
STAMP = ".kexie-collected"


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def workers_possible(workers: int) -> int:
    """granian runs one worker process on Windows (a socket limitation there; threads still serve
    requests side by side); elsewhere as many as asked."""
    return 1 if sys.platform == "win32" else workers


def run(*, host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped (blocks)."""
    from django.conf import settings
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    # The workers are new processes: what `kexie serve` decided reaches them through the environment.
    os.environ[SERVE_HOST_VARIABLE] = host
    os.environ["KEXIE_SECURE_COOKIES"] = "1" if settings.SESSION_COOKIE_SECURE else "0"
    keep_connections()
    Server(
        "kexie.serving:application",
        address=host.strip("[]"),
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        workers_kill_timeout=GRACE_SECONDS,
        respawn_failed_workers=True,
        log_level=LogLevels.warning,
    ).serve()


def keep_connections(max_age: int = 300) -> None:
    """Each worker thread keeps its database connection between requests (checked before reuse)
    instead of opening one per request (SQLite: 43% of a worker's time on the home page); a
    KEXIE_DB_CONN_MAX_AGE set by the operator wins. granian forks its workers from this process,
    whose settings are already read: the value goes into the live settings, not only into the
    environment; this process's own connections are closed before the fork."""
    from django.db import connections

    if "KEXIE_DB_CONN_MAX_AGE" not in os.environ:
        os.environ["KEXIE_DB_CONN_MAX_AGE"] = str(max_age)
        for alias in connections:
            connections.settings[alias]["CONN_MAX_AGE"] = max_age
    connections.close_all()


def start_worker() -> subprocess.Popen:
    """A background job worker beside the server (`kexie worker --parent <this process>`: it ends
    with the server, even one killed without a chance to stop it)."""
    command = [sys.executable, "-m", "kexie.cli", "worker", "--quiet", "--parent", str(os.getpid())]
    return subprocess.Popen(command, env=os.environ.copy())


def stop_worker(worker: subprocess.Popen | None) -> None:
    """Ask the worker to stop (it finishes the job under way), wait GRACE_SECONDS, then end it."""
    if worker is None or worker.poll() is not None:
        return
    if sys.platform == "win32":
        worker.terminate()
    else:
        worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def collect_static(stdout=None) -> bool:
    """Collect the static files into STATIC_ROOT unless they are already there, as kexie and its
    libraries ship them now; True when it collected."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / STAMP
    wanted = _static_fingerprint()
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted:
        return False
    call_command("collectstatic", interactive=False, verbosity=0, **({"stdout": stdout} if stdout else {}))
    stamp.write_text(wanted, encoding="utf-8")
    return True


def _static_fingerprint() -> str:
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def _application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    from kexie.core.crypto import refuse_default_keys

    # `kexie serve` refused the published keys off loopback before starting; a worker started any
    # other way (another WSGI server pointed here) refuses them as kexie.wsgi does.
    if not is_loopback(os.environ.get(SERVE_HOST_VARIABLE, "")):
        refuse_default_keys()
    return app


def __getattr__(name):
    # The application is built in the worker, not when `kexie serve` imports this module.
    if name == "application":
        app = globals()["application"] = _application()
        return app
    raise AttributeError(name)
