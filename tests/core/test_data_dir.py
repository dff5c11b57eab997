"""One data directory (issue 10, "Concurrency on the embedded database"): where data lives does not
depend on the working folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

from kexie.core import datadir

SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'db': str(settings.DATABASES['default']['NAME']), 'media': str(settings.MEDIA_ROOT),"
    " 'static': str(settings.STATIC_ROOT), 'indexes': str(settings.SEARCH_INDEX_DIR),"
    " 'data': str(settings.DATA_DIR)}))"
)


def settings_in(cwd: Path, **env) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KEXIE_")}
    environ.update(env, DJANGO_SETTINGS_MODULE="kexie.settings")
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + SHOW],
        env=environ, cwd=cwd, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_data_directory_holds_database_uploads_static_files_and_indexes(tmp_path):
    data = tmp_path / "data"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    seen = settings_in(elsewhere, KEXIE_DATA_DIR=str(data))
    assert seen == {
        "db": str(data / "kexie.sqlite3"),
        "media": str(data / "media"),
        "static": str(data / "static"),
        "indexes": str(data / "indexes"),
        "data": str(data),
    }
    assert data.is_dir() and not list(elsewhere.iterdir())  # nothing lands in the working folder


def test_without_kexie_data_dir_the_data_does_not_follow_the_working_folder(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    home = {"HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    first, second = settings_in(one, **home), settings_in(two, **home)
    assert first == second
    assert first["db"] == str(datadir_default(home) / "kexie.sqlite3")


def datadir_default(env: dict) -> Path:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return datadir.default_data_dir()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key)
            else:
                os.environ[key] = value


def test_kexie_database_url_still_chooses_the_database(tmp_path):
    seen = settings_in(
        tmp_path, KEXIE_DATA_DIR=str(tmp_path / "data"), KEXIE_DATABASE_URL=f"sqlite:///{tmp_path}/other.db"
    )
    assert seen["db"] == f"{tmp_path}/other.db" and seen["media"] == str(tmp_path / "data" / "media")


def test_default_data_dir_per_platform(monkeypatch, tmp_path):
    monkeypatch.setattr(datadir.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert datadir.default_data_dir() == tmp_path / "Local" / "kexie"
    monkeypatch.setattr(datadir.sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert datadir.default_data_dir() == tmp_path / "share" / "kexie"
