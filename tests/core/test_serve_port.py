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
    """Django's runserver banner (version, settings, "Quit the server with…", its warning) is English.
    The server is the production one (issue 10): static files with hashed names, compressed and
    cached for good, from the data directory; a stop lets it end cleanly."""
    import os
    import re
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The embedded default, whatever database the suite itself runs on: the data directory holds it.
    env = {
        **{k: v for k, v in os.environ.items() if k != "KEXIE_DATABASE_URL"},
        "KEXIE_DATA_DIR": str(tmp_path),
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
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10)
        css = re.search(r'/static/vendor/[^"]+\.[0-9a-f]{12}\.css', page.read().decode()).group(0)
        asset = urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}{css}", headers={"Accept-Encoding": "gzip"}),
            timeout=10,
        )
        assert "immutable" in asset.headers["Cache-Control"] and asset.headers["Content-Encoding"] == "gzip"
        assert "WSGIServer" not in (asset.headers["Server"] or "")  # Django's development server
    finally:
        server.terminate()
        out, _err = server.communicate(timeout=60)
    assert server.returncode == 0 and "kexie 已停止" in out, _err
    assert (tmp_path / "kexie.sqlite3").is_file() and (tmp_path / "static" / "staticfiles.json").is_file()
    assert f"kexie 正在运行: http://127.0.0.1:{port}/" in out
    for english in ("Django version", "Starting development server", "Quit the server", "development server"):
        assert english not in out, out
