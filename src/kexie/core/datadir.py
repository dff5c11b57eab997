"""Where an installation keeps its data (README "Configuration", docs/operations.md).

One folder, `KEXIE_DATA_DIR`, holds the embedded SQLite database, uploaded files, the collected
static files and the search indexes, so that where data lives never depends on the folder a
command happens to be started from.
"""

import os
import sys
from pathlib import Path


def default_data_dir() -> Path:
    """The platform's per-user data folder: %LOCALAPPDATA%\\kexie on Windows,
    ~/Library/Application Support/kexie on macOS, $XDG_DATA_HOME/kexie (~/.local/share/kexie)
    elsewhere."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local"
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "kexie"


def data_dir() -> Path:
    raw = os.environ.get("KEXIE_DATA_DIR", "").strip()
    return Path(raw).expanduser().resolve() if raw else default_data_dir()


def where() -> str:
    """Where this installation's data is, in a sentence for the command line."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        stored = f"数据库 {database['NAME']}"
    else:
        stored = f"数据库 {database.get('NAME', '')}@{database.get('HOST') or 'localhost'}"
    return f"数据目录: {settings.DATA_DIR}({stored};上传文件 {settings.MEDIA_ROOT})"
