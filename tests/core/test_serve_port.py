"""`kexie serve` and `kexie demo` say in Chinese that a port is taken, before claiming to run."""

import socket
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def taken_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_taken_port_is_refused_before_anything_is_claimed(taken_port, command):
    out = StringIO()
    with pytest.raises(CommandError, match=f"端口 {taken_port} 已被占用.*--port"):
        call_command(command, port=taken_port, stdout=out)
    assert "正在运行" not in out.getvalue() and "已载入" not in out.getvalue()


def test_serve_says_it_runs_in_chinese_only(tmp_path):
    """Django's runserver banner (version, settings, "Quit the server with…", its warning) is English."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "KEXIE_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "kexie.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.5)
        else:
            pytest.fail("kexie serve did not answer within 120 s")
    finally:
        server.terminate()
        out, _err = server.communicate(timeout=30)
    assert f"kexie 正在运行: http://127.0.0.1:{port}/" in out
    for english in ("Django version", "Starting development server", "Quit the server", "development server"):
        assert english not in out, out
