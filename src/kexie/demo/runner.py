"""Run the demo: wipe if asked, load the core dataset once, then each module's `demo.load(context)`."""

import importlib
from importlib.util import find_spec

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from kexie.demo.loader import DemoContext, is_loaded, load_demo


def module_loaders() -> list[tuple[str, object]]:
    """`kexie.<app>.demo` modules of the installed apps, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("kexie.") or find_spec(f"{config.name}.demo") is None:
            continue
        module = importlib.import_module(f"{config.name}.demo")
        if callable(getattr(module, "load", None)):
            found.append((config.label, module.load))
    return found


def drop_all_tables() -> None:
    """Wipe the database: drop every table, so that migrate rebuilds it (data migrations included)."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            # Views first (a view over a dropped table breaks every later statement), then the
            # virtual tables (they drop their own shadow tables), then the rest.
            for kind, name in _sqlite_objects_to_drop(cursor):
                cursor.execute(f'DROP {kind} IF EXISTS "{name}"')
            for table in tables:
                cursor.execute(f'DROP TABLE IF EXISTS "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            for table in tables:
                cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')


def _sqlite_objects_to_drop(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type = 'view' OR "
        "(type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%')"
    )
    rows = cursor.fetchall()
    views = [("VIEW", name) for kind, name, _sql in rows if kind == "view"]
    virtual = [("TABLE", name) for kind, name, _sql in rows if kind == "table"]
    return views + virtual


def load(
    *, reset: bool = False, modules: bool = True, migrate: bool = True, progress=None
) -> DemoContext | None:
    """Load the demo; returns the context, or None when it was already loaded (nothing changed).
    `progress(done, total, line)` hears each step (`kexie demo`'s progress bar)."""
    loaders = module_loaders() if modules else []
    total = 2 + len(loaders)  # migrate, the directory and activities, then each module
    step = progress or (lambda done, total, line: None)
    if reset:
        drop_all_tables()
    if migrate:
        step(0, total, "数据库迁移")
        call_command("migrate", interactive=False, verbosity=0)
    if is_loaded():
        return None
    with transaction.atomic():
        step(1, total, "组织与活动")
        context = load_demo()
        for done, (label, loader) in enumerate(loaders, start=2):
            step(done, total, label)
            loader(context)
    step(total, total, "")
    return context
