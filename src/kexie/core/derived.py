"""What kexie builds from its own records (search indexes): rebuilt after a restore, never
backed up (docs/operations.md "Backup and restore").

Three kinds, all handled here so that a module adding one needs nothing from backup.py:
- SQLite virtual tables (FTS5 title search, …) and their shadow tables: never dumped as data (a
  shadow table is the index's private storage); after a restore every FTS table that has content
  to read is rebuilt from it inside the restore's transaction (`'rebuild'`).
- Files under `SEARCH_INDEX_DIR` (the data directory's `indexes/`): deleted at restore, since they
  describe the database that was there before.
- Anything else an app registers in its `<app>/derived.py` with
  `register(_("专利检索索引"), rebuild)`: called after the restore has committed.
"""

import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, connection, transaction

from kexie.core import discovery

_registry: dict[str, Callable[[], None]] = {}
# Shadow tables of SQLite's full-text modules, for a SQLite without `PRAGMA table_list` (< 3.37).
_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config", "_segments", "_segdir", "_stat")


def register(name: str, rebuild: Callable[[], None]) -> None:
    _registry[str(name)] = rebuild


def registered() -> dict[str, Callable[[], None]]:
    discovery.discover("derived")
    return dict(_registry)


def database_index_tables() -> dict[str, str]:
    """Table name -> "virtual" or "shadow", for the tables a database engine keeps for an index
    (SQLite only: PostgreSQL's indexes are not tables)."""
    if connection.vendor != "sqlite":
        return {}
    with connection.cursor() as cursor:
        try:
            cursor.execute("PRAGMA main.table_list")
            return {
                name: kind
                for _schema, name, kind, *_rest in cursor.fetchall()
                if kind in ("virtual", "shadow")
            }
        except OperationalError:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
            )
            virtual = [name for (name,) in cursor.fetchall()]
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = [name for (name,) in cursor.fetchall()]
    found = dict.fromkeys(virtual, "virtual")
    found.update(
        (name, "shadow")
        for name in tables
        for table in virtual
        if name.startswith(table + "_") and name[len(table) :] in _SHADOW_SUFFIXES
    )
    return found


def rebuild_database_indexes(progress=None) -> list[str]:
    """Rebuild every full-text table that reads its content from a table (or keeps its own) from
    that content; a contentless one has nothing to read and is left as its triggers keep it.
    `progress(done, total, line)` hears each table (`kexie index rebuild`)."""
    rebuilt = []
    quote = connection.ops.quote_name
    virtual = [name for name, kind in sorted(database_index_tables().items()) if kind == "virtual"]
    for done, name in enumerate(virtual):
        if progress:
            progress(done, len(virtual), name)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {quote(name)}({quote(name)}) VALUES ('rebuild')")
        except OperationalError:  # contentless, or not a full-text table
            continue
        rebuilt.append(name)
    return rebuilt


def clear_index_folder() -> list[str]:
    """Delete what is in SEARCH_INDEX_DIR (it describes the database before the restore)."""
    folder = Path(settings.SEARCH_INDEX_DIR)
    removed = []
    if not folder.is_dir():
        return removed
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        removed.append(entry.name)
    return removed


def rebuild_registered(progress=None) -> list[str]:
    names = []
    entries = registered()
    for done, (name, rebuild) in enumerate(entries.items()):
        if progress:
            progress(done, len(entries), name)
        rebuild()
        names.append(name)
    return names
