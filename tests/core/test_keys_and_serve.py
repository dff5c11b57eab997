"""Keys and transport security of `kexie serve` / `kexie demo` (issue 8, "Keys and personal data")."""

import pytest
from django.core.management import CommandError, call_command

from kexie.core import crypto
from kexie.core.management.commands import serve

REAL_KEYS = {"SECRET_KEY": "a-real-installation-secret-" + "x" * 30, "FIELD_ENCRYPTION_KEY": "f" * 50}


@pytest.fixture
def started(monkeypatch):
    """Records the commands `serve` would run instead of migrating and serving for real."""
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda name, *a, **kw: calls.append((name, a, kw)))
    monkeypatch.setattr(serve.serving, "collect_static", lambda: calls.append(("collectstatic", (), {})))
    monkeypatch.setattr(serve, "start_server", lambda **kw: calls.append(("server", (), kw)))
    monkeypatch.delenv("KEXIE_SECURE_COOKIES", raising=False)
    return calls


@pytest.fixture
def real_keys(settings):
    for name, value in REAL_KEYS.items():
        setattr(settings, name, value)


def test_serve_off_loopback_refuses_the_published_default_keys(started, settings):
    settings.SECRET_KEY = crypto.DEFAULT_SECRET_KEY
    settings.FIELD_ENCRYPTION_KEY = crypto.DEFAULT_SECRET_KEY
    with pytest.raises(CommandError, match="KEXIE_SECRET_KEY"):
        call_command("serve", host="0.0.0.0", port=8123)
    assert started == []  # neither migrated nor served


def test_serve_off_loopback_refuses_a_default_field_key_too(started, settings):
    settings.SECRET_KEY = REAL_KEYS["SECRET_KEY"]
    settings.FIELD_ENCRYPTION_KEY = crypto.DEFAULT_SECRET_KEY
    with pytest.raises(CommandError, match="KEXIE_FIELD_KEY"):
        call_command("serve", host="192.168.1.20", port=8123)


def test_serve_on_loopback_keeps_the_demo_key_and_says_so(started, settings, capsys):
    settings.SECRET_KEY = settings.FIELD_ENCRYPTION_KEY = crypto.DEFAULT_SECRET_KEY
    call_command("serve", host="127.0.0.1", port=8123)
    assert [name for name, _, _ in started] == ["migrate", "collectstatic", "server"]
    assert "默认密钥" in capsys.readouterr().out


def test_serve_off_loopback_starts_with_real_keys_and_secure_cookies(started, settings, real_keys):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    call_command("serve", host="0.0.0.0", port=8123)
    assert [name for name, _, _ in started] == ["migrate", "collectstatic", "server"]
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


def test_serve_off_loopback_refuses_to_turn_secure_cookies_off(started, settings, real_keys, monkeypatch):
    monkeypatch.setenv("KEXIE_SECURE_COOKIES", "0")
    with pytest.raises(CommandError, match="KEXIE_SECURE_COOKIES"):
        call_command("serve", host="0.0.0.0", port=8123)
    assert started == []


def test_serve_on_loopback_turns_secure_cookies_off_for_plain_http(started, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    call_command("serve", host="localhost", port=8123)
    assert not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE


class NoRun:
    def execute(self):
        pass


def test_cli_leaves_cookie_security_to_serve(monkeypatch):
    """`kexie serve --host 0.0.0.0` used to set KEXIE_SECURE_COOKIES=0 before parsing the host."""
    import os

    from kexie import cli

    monkeypatch.delenv("KEXIE_SECURE_COOKIES", raising=False)
    dispatched = []
    monkeypatch.setattr(cli, "_utility_class", lambda: lambda argv: dispatched.append(argv) or NoRun())
    cli.main(["serve", "--host", "0.0.0.0"])
    assert dispatched == [["kexie", "serve", "--host", "0.0.0.0"]]
    assert "KEXIE_SECURE_COOKIES" not in os.environ


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_hosts(host):
    assert serve.is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "kexie.example.cn"])
def test_non_loopback_hosts(host):
    assert not serve.is_loopback(host)


def test_wsgi_refuses_default_keys_unless_debug(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.DEBUG = False
    settings.SECRET_KEY = settings.FIELD_ENCRYPTION_KEY = crypto.DEFAULT_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="KEXIE_SECRET_KEY"):
        crypto.refuse_default_keys()
    settings.SECRET_KEY, settings.FIELD_ENCRYPTION_KEY = (
        REAL_KEYS["SECRET_KEY"],
        REAL_KEYS["FIELD_ENCRYPTION_KEY"],
    )
    crypto.refuse_default_keys()


# ---- key lookup by id (rotation comes later; the token already names its key) ----------------


def test_tokens_name_their_key_and_old_tokens_still_open(settings):
    settings.FIELD_ENCRYPTION_KEY = "k" * 40
    token = crypto.encrypt("13812345678")
    assert token.startswith(crypto.current_key_id() + ":")
    assert crypto.decrypt(token) == "13812345678"
    legacy = token.split(":", 1)[1]  # tokens written before key ids carry none: key "1"
    assert crypto.decrypt(legacy) == "13812345678"


def test_another_installation_key_cannot_open_the_token(settings):
    from cryptography.fernet import InvalidToken

    settings.FIELD_ENCRYPTION_KEY = "installation-a" * 3
    token = crypto.encrypt("13812345678")
    settings.FIELD_ENCRYPTION_KEY = "installation-b" * 3
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_serve_workers_keep_their_database_connections(monkeypatch):
    """A connection per request cost every request a connect (and on SQLite its PRAGMAs); the
    workers keep theirs unless the operator set KEXIE_DB_CONN_MAX_AGE."""
    import granian.server

    from kexie import serving

    started = []

    class FakeServer:
        def __init__(self, *args, **kwargs):
            started.append(kwargs)

        def serve(self):
            pass

    monkeypatch.setattr(granian.server, "Server", FakeServer)
    monkeypatch.delenv("KEXIE_DB_CONN_MAX_AGE", raising=False)
    monkeypatch.setenv(serving.SERVE_HOST_VARIABLE, "")
    monkeypatch.delenv("KEXIE_SECURE_COOKIES", raising=False)
    serving.run(host="127.0.0.1", port=8123, workers=2, threads=4)
    assert started and int(serving.os.environ["KEXIE_DB_CONN_MAX_AGE"]) > 0
    monkeypatch.setenv("KEXIE_DB_CONN_MAX_AGE", "0")
    serving.run(host="127.0.0.1", port=8123, workers=2, threads=4)
    assert serving.os.environ["KEXIE_DB_CONN_MAX_AGE"] == "0"
