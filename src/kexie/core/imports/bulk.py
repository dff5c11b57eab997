"""Bulk database helpers for imports: batched creates/updates and look-ups, never a query per row."""

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import models

from kexie.core.fields import refresh_companions, with_companions

BATCH_SIZE = 1000
LOOKUP_CHUNK = 900
SQLITE_CACHE_KIB = 256 * 1024  # stays under SQLite's bound-parameter limit


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_create(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    for batch in chunks(objs, BATCH_SIZE):
        model.objects.bulk_create(batch)
    return objs


def bulk_update(model: type[models.Model], objs: list[models.Model], fields: Sequence[str]) -> None:
    """bulk_update skips `pre_save`: the blind index and mask of an encrypted field are refreshed here."""
    names = with_companions(model, fields)
    if len(names) > len(fields):
        for obj in objs:
            refresh_companions(obj, fields)
    for batch in chunks(objs, BATCH_SIZE):
        model.objects.bulk_update(batch, names, batch_size=500)


def fetch_in(queryset: models.QuerySet, field: str, values: Iterable[Any]) -> list[Any]:
    """Rows of `queryset` whose `field` (a plain column) is in `values`. The keys are matched with
    plain SQL first (cheap even for 100,000 keys that mostly do not exist yet), and only the
    records found are loaded through the ORM."""
    from django.db import connection

    model = queryset.model
    values = sorted({v for v in values if v not in (None, "")}, key=str)
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    pk = connection.ops.quote_name(model._meta.pk.column)
    pks: list[Any] = []
    with connection.cursor() as cursor:
        for batch in chunks(values, LOOKUP_CHUNK):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"SELECT {pk} FROM {table} WHERE {column} IN ({marks})", list(batch))
            pks.extend(r[0] for r in cursor.fetchall())
    found: list[Any] = []
    for batch in chunks(pks, LOOKUP_CHUNK):
        found.extend(queryset.filter(pk__in=batch))
    return found


def replace_m2m(manager_field, wanted: dict[int, set[int]], current: dict[int, set[int]]) -> None:
    """Make the many-to-many `manager_field` (e.g. Activity.co_organisers) hold `wanted[src]`
    for every src in `wanted`, given what it holds now (`current`)."""
    through = manager_field.through
    src = manager_field.field.m2m_field_name() + "_id"
    dst = manager_field.field.m2m_reverse_field_name() + "_id"
    stale = [pk for pk, ids in wanted.items() if current.get(pk, set()) != ids and current.get(pk)]
    for batch in chunks(stale, LOOKUP_CHUNK):
        through.objects.filter(**{f"{src}__in": batch}).delete()
    new = [
        through(**{src: pk, dst: target})
        for pk, ids in wanted.items()
        if current.get(pk, set()) != ids
        for target in sorted(ids)
    ]
    bulk_create(through, new)


def current_m2m(manager_field, pks: Iterable[int]) -> dict[int, set[int]]:
    through = manager_field.through
    src = manager_field.field.m2m_field_name() + "_id"
    dst = manager_field.field.m2m_reverse_field_name() + "_id"
    result: dict[int, set[int]] = {}
    for batch in chunks(sorted(set(pks)), LOOKUP_CHUNK):
        for s, d in through.objects.filter(**{f"{src}__in": batch}).values_list(src, dst):
            result.setdefault(s, set()).add(d)
    return result


def _adapter(field, connection):
    """A per-value converter to what the database driver takes, chosen once per column."""
    if isinstance(field, models.DateTimeField):
        memo: dict[Any, Any] = {}  # imports stamp one "now" on every row: adapt it once

        def adapt(value):
            if value not in memo:
                memo[value] = field.get_db_prep_save(value, connection)
            return memo[value]

        return adapt
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField | models.DecimalField | models.UUIDField):
        return lambda v: field.get_db_prep_save(v, connection)
    return None


@contextlib.contextmanager
def _large_cache(cursor, connection):
    """SQLite's default page cache (2 MB) thrashes when many rows go into a table with several
    indexes; give this connection a larger one for the duration of the insert."""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    previous = cursor.fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def insert_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT plain value tuples (columns `names`, attnames) with executemany: the fast path for
    large imports, skipping model instances. Callers give complete, validated values."""
    from django.db import connection

    fields = [model._meta.get_field(name) for name in names]
    adapters = [_adapter(f, connection) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    converted = [i for i, a in enumerate(adapters) if a is not None]
    count = 0
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor, _large_cache(cursor, connection):
        for row in rows:
            if converted:
                row = list(row)
                for i in converted:
                    row[i] = adapters[i](row[i])
            batch.append(row)
            if len(batch) >= BATCH_SIZE * 5:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def update_rows(model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UPDATE by primary key with executemany; each row is (*values for names, pk)."""
    from django.db import connection

    fields = [model._meta.get_field(name) for name in names]
    adapters = [_adapter(f, connection) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    pk = connection.ops.quote_name(model._meta.pk.column)
    sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"
    prepared = []
    for row in rows:
        row = list(row)
        for i, adapter in enumerate(adapters):
            if adapter is not None:
                row[i] = adapter(row[i])
        prepared.append(row)
    with connection.cursor() as cursor:
        for batch in chunks(prepared, BATCH_SIZE * 5):
            cursor.executemany(sql, batch)
    return len(prepared)


def ids_by(model: type[models.Model], field: str, values: Iterable[Any]) -> dict[Any, int]:
    """{value of `field`: pk} for the given values, fetched in chunks."""
    values = list(values)
    found: dict[Any, int] = {}
    for batch in chunks(values, LOOKUP_CHUNK):
        found.update(model.objects.filter(**{f"{field}__in": batch}).values_list(field, "pk"))
    return found
