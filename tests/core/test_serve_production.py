"""`kexie serve` runs a production server (issue 10, "Serving"): worker processes and threads set by
option or environment, static files collected into the data directory."""

import pytest
from django.core.management import CommandError, call_command

from kexie import serving
from kexie.core.management.commands import serve


@pytest.fixture
def launched(monkeypatch):
    runs = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **kw: None)
    monkeypatch.setattr(serving, "collect_static", lambda: None)
    monkeypatch.setattr(serving, "run", lambda **kw: runs.append(kw))
    monkeypatch.setattr(serving, "start_worker", lambda: "worker")
    monkeypatch.setattr(serving, "stop_worker", lambda worker: None)
    monkeypatch.delenv("KEXIE_WORKERS", raising=False)
    monkeypatch.delenv("KEXIE_THREADS", raising=False)
    monkeypatch.delenv("KEXIE_SECURE_COOKIES", raising=False)
    return runs


def test_serve_starts_the_production_server_with_the_workers_and_threads_asked_for(launched):
    call_command("serve", "--port", "8123", "--workers", "3", "--threads", "6")
    assert launched == [{"host": "127.0.0.1", "port": 8123, "workers": 3, "threads": 6}]


def test_serve_takes_workers_and_threads_from_the_environment(launched, monkeypatch):
    monkeypatch.setenv("KEXIE_WORKERS", "2")
    monkeypatch.setenv("KEXIE_THREADS", "8")
    call_command("serve", port=8123)
    assert launched[0]["workers"] == 2 and launched[0]["threads"] == 8


def test_the_option_wins_over_the_environment(launched, monkeypatch):
    monkeypatch.setenv("KEXIE_WORKERS", "2")
    call_command("serve", "--workers", "5", port=8123)
    assert launched[0]["workers"] == 5


def test_a_default_size_serves_more_than_one_request_at_a_time(launched):
    call_command("serve", port=8123)
    assert launched[0]["workers"] >= 1 and launched[0]["workers"] * launched[0]["threads"] > 1


def test_a_bad_worker_count_in_the_environment_is_refused_in_chinese(launched, monkeypatch):
    monkeypatch.setenv("KEXIE_WORKERS", "-1")
    with pytest.raises(CommandError, match="KEXIE_WORKERS"):
        call_command("serve", port=8123)
    assert launched == []


def test_demo_serves_with_the_production_server(launched, monkeypatch):
    from kexie.core.management.commands import demo

    monkeypatch.setattr(demo, "load", lambda reset, **kw: None)
    monkeypatch.setattr(demo, "ensure_port_free", lambda host, port: None)
    call_command("demo", port=8124)
    assert launched and launched[0]["port"] == 8124


def test_serve_starts_a_job_worker_beside_the_server_and_stops_it_after(launched, monkeypatch, capsys):
    events = []
    monkeypatch.setattr(serving, "start_worker", lambda: events.append("worker started") or "worker")
    monkeypatch.setattr(serving, "run", lambda **kw: events.append("serving"))
    monkeypatch.setattr(serving, "stop_worker", lambda worker: events.append(f"{worker} stopped"))
    call_command("serve", "--port", "8123")
    assert events == ["worker started", "serving", "worker stopped"]
    assert "后台任务进程已一同启动" in capsys.readouterr().out


def test_the_worker_is_stopped_also_when_the_server_fails(launched, monkeypatch):
    stopped = []

    def broken(**kw):
        raise OSError("port taken")

    monkeypatch.setattr(serving, "run", broken)
    monkeypatch.setattr(serving, "stop_worker", stopped.append)
    with pytest.raises(OSError):
        call_command("serve", "--port", "8123")
    assert stopped == ["worker"]


def test_serve_no_worker_starts_none(launched, monkeypatch, capsys):
    monkeypatch.setattr(serving, "start_worker", lambda: pytest.fail("a worker was started"))
    call_command("serve", "--port", "8123", "--no-worker")
    assert launched and "--no-worker" in capsys.readouterr().out


def test_whitenoise_serves_hashed_compressed_static_files():
    from django.conf import settings

    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    security = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
    assert settings.MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") == security + 1
    from whitenoise.storage import CompressedManifestStaticFilesStorage

    from kexie.core.staticfiles import Storage

    assert issubclass(Storage, CompressedManifestStaticFilesStorage)
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "kexie.core.staticfiles.Storage"


def test_collect_static_runs_once_then_only_when_the_files_change(tmp_path, settings, monkeypatch):
    settings.STATIC_ROOT = tmp_path
    collected = []
    monkeypatch.setattr("django.core.management.call_command", lambda name, **kw: collected.append(name))
    assert serving.collect_static() is True
    assert serving.collect_static() is False
    assert collected == ["collectstatic"]
    monkeypatch.setattr(serving, "_static_fingerprint", lambda: "changed")
    assert serving.collect_static() is True


def test_on_windows_serve_runs_one_process_with_threads_and_says_so(launched, monkeypatch):
    from io import StringIO

    monkeypatch.setattr(serving.sys, "platform", "win32")
    out = StringIO()
    call_command("serve", "--workers", "4", "--threads", "8", port=8123, stdout=out)
    assert launched[0]["workers"] == 1 and launched[0]["threads"] == 8
    assert "Windows" in out.getvalue()


def test_the_forked_workers_keep_their_database_connections(monkeypatch):
    """granian forks its workers from `kexie serve`, whose settings are already read: the
    connection age must reach the live settings, not only the environment (a new SQLite
    connection a request had cost 43% of a worker's time: home 211 → 531 requests/s at c=32)."""
    import granian.server
    from django.db import connections

    started = []

    class FakeServer:
        def __init__(self, *args, **kwargs):
            pass

        def serve(self):
            started.append(connections.settings["default"]["CONN_MAX_AGE"])

    monkeypatch.setattr(granian.server, "Server", FakeServer)
    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))  # before the fork
    for name in ("KEXIE_DB_CONN_MAX_AGE", serving.SERVE_HOST_VARIABLE, "KEXIE_SECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    serving.run(host="127.0.0.1", port=8000, workers=2, threads=2)
    assert started == [300]
    monkeypatch.setenv("KEXIE_DB_CONN_MAX_AGE", "60")  # the operator's value, read with the settings
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    serving.run(host="127.0.0.1", port=8000, workers=2, threads=2)
    assert started == [300, 60] and closed == [True, True]
