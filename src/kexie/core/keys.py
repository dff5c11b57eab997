"""Field key rotation: `kexie keys rotate` and `kexie keys status` (docs/operations.md
"Rotate the field key").

A rotation runs in steps; each one can be interrupted (Ctrl-C, a crash, `kill -9`) and running
`kexie keys rotate` again carries on where it stopped (the keyring file says a rotation is under
way, and a value already sealed with the new key is not sealed again):

1. add: a new key joins the keyring and becomes current; from that moment every process seals
   new values with it, and the old keys still open the old values.
2. reseal: every encrypted column (found by field class: `kexie.core.fields.encrypted_fields`)
   is sealed again with the new key, a batch per short transaction. A row changed meanwhile keeps
   what its writer put there (already the new key).
3. switch the blind indexes: every blind index (phone_hash, id_number_hash, …) is recomputed
   under the new key, and the keyring's index key switched, in one transaction that holds the
   write lock on those tables, so that a look-up never compares hashes made under two keys.
4. sweep: a blind index that a writer computed under the old key in the instant of the switch is
   recomputed (PostgreSQL locks tables, not the computing before an INSERT).
5. retire: the old keys leave the keyring (key "1": `KEXIE_FIELD_KEY` is no longer read).

The blind-index key rotates with the field key on purpose: a blind index under a leaked key can
be reversed by trying every phone number, so retiring a key must retire its indexes too.
"""

import secrets
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from kexie.core import audit, crypto
from kexie.core.fields import blind_indexes_of, encrypted_fields

BATCH_SIZE = 500
TAIL = 22  # characters of a token's end that identify it (its HMAC)
Progress = Callable[[str], None]


class RotationError(Exception):
    """A refusal with a message for the operator (Chinese)."""


@dataclass
class Column:
    model: type[models.Model]
    field: models.Field
    indexes: list[models.Field]

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"


def columns() -> list[Column]:
    return [Column(model, field, blind_indexes_of(model, field)) for model, field in encrypted_fields()]


# --- status ----------------------------------------------------------------------------------


def status() -> dict:
    """The keyring (ids only, never a secret) and how many values each key seals, per column."""
    ring = crypto.keyring()
    ids = sorted({*ring.keys, ring.current}, key=int)
    return {
        "current": ring.current,
        "index": ring.index,
        "keys": ids,
        "retired": list(ring.retired),
        "rotating": ring.rotating,
        "columns": {column.label: sealed_by_key(column, ids) for column in columns()},
    }


def sealed_by_key(column: Column, ids: list[str]) -> dict[str, int]:
    """Key id -> values sealed with it ("?" for a key id this keyring does not know)."""
    table, col = _quoted(column)[:2]
    counts = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} <> ''")
        total = cursor.fetchone()[0]
        for key_id in ids:
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} LIKE %s", [f"{key_id}:%"])
            counts[key_id] = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {col} <> '' AND {col} NOT LIKE %s", ["%:%"])
        counts[crypto.LEGACY_KEY_ID] = counts.get(crypto.LEGACY_KEY_ID, 0) + cursor.fetchone()[0]
    unknown = total - sum(counts.values())
    if unknown:
        counts["?"] = unknown
    return {key_id: n for key_id, n in counts.items() if n}


def _quoted(column: Column) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    return quote(column.model._meta.db_table), quote(column.field.column), quote(column.model._meta.pk.column)


# --- rotate ----------------------------------------------------------------------------------


def rotate(*, retire: bool = True, batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> dict:
    """Run (or resume) a rotation to its end; return what was done."""
    ring = crypto.keyring()
    if not ring.rotating:
        ring = _add_key(ring)
        _say(progress, _("新密钥 %(id)s 已加入并成为当前密钥") % {"id": ring.current})
    else:
        _say(progress, _("继续未完成的轮换(当前密钥 %(id)s)") % {"id": ring.current})
    resealed = {column.label: _reseal(column, ring.current, batch_size, progress) for column in columns()}
    switch_seconds = None
    if crypto.keyring().index != ring.current:
        switch_seconds = round(_switch_indexes(ring.current, batch_size), 2)
        _say(
            progress,
            _("盲索引已改用密钥 %(id)s 重新计算(写入等待了 %(s)s 秒)")
            % {"id": ring.current, "s": switch_seconds},
        )
    # A record loaded before its value was resealed and saved after puts the old token back (an ID
    # number is kept as its token): a second pass reseals those, then the sweep fixes their indexes.
    for column in columns():
        resealed[column.label] += _reseal(column, ring.current, batch_size, progress)
    swept = sum(_recompute(column, ring.current, batch_size, each_batch=True) for column in columns())
    retired = _retire() if retire else []
    summary = {
        "current": ring.current,
        "resealed": resealed,
        "switch_seconds": switch_seconds,
        "swept": swept,
        "retired": retired,
    }
    if retire:
        _log(
            "kexie.keys.rotated",
            _("重新加密 %(n)s 个值;停用密钥 %(old)s;当前密钥 %(id)s")
            % {"n": sum(resealed.values()), "old": "、".join(retired) or "-", "id": ring.current},
        )
    return summary


def _add_key(ring: crypto.Keyring) -> crypto.Keyring:
    stored = ring.stored
    known = [*ring.keys, *ring.retired, *stored.get("keys", {})]
    new_id = str(max(int(k) for k in known) + 1)
    crypto.write_keyring(
        {
            **stored,
            "keys": {**stored.get("keys", {}), new_id: secrets.token_urlsafe(48)},
            "current": new_id,
            "index": ring.index,
            "retired": list(ring.retired),
            "rotating": True,
        }
    )
    _log(
        "kexie.keys.rotation_started",
        _("新密钥 %(id)s 成为当前密钥;旧密钥 %(old)s 在重新加密完成前仍可解密")
        % {"id": new_id, "old": "、".join(sorted(ring.keys, key=int))},
    )
    return crypto.keyring()


def _reseal(column: Column, key_id: str, batch_size: int, progress: Progress | None) -> int:
    """Seal every value of `column` not yet sealed with `key_id` again with it, a batch per
    transaction, in id order (an interrupted run starts over and finds only the rest)."""
    table, col, pk = _quoted(column)
    select = (
        f"SELECT {pk}, {col} FROM {table} WHERE {col} <> '' AND {col} NOT LIKE %s AND {pk} > %s "
        f"ORDER BY {pk} LIMIT %s"
    )
    update = f"UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s"
    last, done = _before_first(column), 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(select, [f"{key_id}:%", last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                break
            cursor.executemany(
                update,
                [
                    (crypto.encrypt(column.field.plain(token), key_id), row_id, token)
                    for row_id, token in rows
                ],
            )
        last, done = rows[-1][0], done + len(rows)
        _say(progress, _("%(column)s: 已重新加密 %(n)s 个") % {"column": column.label, "n": done})
    return done


def _before_first(column: Column):
    """A primary key value below every real one (keyset pagination's start)."""
    return "" if isinstance(column.model._meta.pk, models.CharField) else -(2**62)


def _switch_indexes(key_id: str, batch_size: int) -> float:
    """Recompute every blind index under `key_id` and switch the keyring's index key, as one
    change: inside one transaction that holds the write lock on every table with a blind index,
    the keyring file is replaced just before the commit (and put back if the commit fails).
    Returns the seconds the lock was held (writers waited).

    Why one transaction and not batches: look-ups and duplicate checks compare hashes with `=`
    (a phone search, an import matching people by ID number), so every hash of a column must be
    under one key whenever anyone reads. What makes the lock short is that no row is opened or
    hashed under it: every new hash is computed before, into a temporary table (`_precompute`),
    and under the lock one set-based UPDATE per column copies them over (SQLite: 200,000 values
    in a few seconds instead of 45 s); only rows written since are opened there."""
    stored = crypto.keyring().stored
    indexed = [column for column in columns() if column.indexes]
    staged = {}
    try:
        for column in indexed:
            staged[column.label] = _precompute(column, key_id, batch_size)
        with transaction.atomic():
            locked = time.perf_counter()
            _lock([column.model for column in indexed])
            _roomy_cache()
            for column in indexed:
                _recompute(
                    column, key_id, max(batch_size, 5000), each_batch=False, known=staged[column.label]
                )
            crypto.write_keyring({**stored, "index": key_id})
    except BaseException:
        crypto.write_keyring(stored)
        raise
    finally:
        _drop_staged(staged.values())
    return time.perf_counter() - locked


def _lock(models_: list[type[models.Model]]) -> None:
    """SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE).
    PostgreSQL: no other transaction writes these tables until the commit."""
    if connection.vendor != "postgresql":
        return
    tables = sorted({connection.ops.quote_name(m._meta.db_table) for m in models_})
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE")


def _roomy_cache() -> None:
    """SQLite: a page cache that holds the hash indexes while they are rewritten (the default
    2 MB made the UPDATEs read the same index pages again and again, under the lock)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB at most, this connection only


def _staging_table(column: Column) -> str:
    return connection.ops.quote_name(f"kexie_rotation_{column.model._meta.db_table}_{column.field.column}")


def _tail_sql(expression: str) -> str:
    """SQL for the last TAIL characters of a token column."""
    if connection.vendor == "postgresql":
        return f"right({expression}, {TAIL})"
    return f"substr({expression}, -{TAIL})"


def _precompute(column: Column, key_id: str, batch_size: int) -> str:
    """Open every token of `column` and hash it under `key_id`, outside any lock: the results go to
    a temporary table (id, token's last characters, one hash per blind index), a batch at a time
    (a temporary table is this connection's own: writing it takes no lock on the site's tables).
    A token's tail is its HMAC: a row changed since has another one. Returns the table's name."""
    table, col, pk = _quoted(column)
    staging = _staging_table(column)
    hashes = [f"h{i}" for i in range(len(column.indexes))]
    pk_type = "text" if isinstance(column.model._meta.pk, models.CharField) else "bigint"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} (id {pk_type} PRIMARY KEY, tail text NOT NULL, "
            + ", ".join(f"{h} text NOT NULL" for h in hashes)
            + ")"
        )
    select = f"SELECT {pk}, {col} FROM {table} WHERE {col} <> '' AND {pk} > %s ORDER BY {pk} LIMIT %s"
    insert = f"INSERT INTO {staging} VALUES ({', '.join(['%s'] * (2 + len(hashes)))})"
    last = _before_first(column)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(select, [last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return staging
            values = []
            for row_id, token in rows:
                plain = column.field.plain(token)
                values.append(
                    (row_id, token[-TAIL:], *(index.index_of(plain, key_id) for index in column.indexes))
                )
            cursor.executemany(insert, values)
        last = rows[-1][0]


def _drop_staged(tables) -> None:
    with connection.cursor() as cursor:
        for staging in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {staging}")


def _recompute(
    column: Column, key_id: str, batch_size: int, *, each_batch: bool, known: str | None = None
) -> int:
    """Set the blind indexes of `column` that differ from their value under `key_id`; with
    `each_batch`, a transaction per batch (the sweep, while the site runs). `known`: a table of
    `_precompute`, whose hashes are copied by one UPDATE for the rows unchanged since; only the
    other rows are opened here. Returns rows changed."""
    if not column.indexes:
        return 0
    changed = _copy_staged(column, known) if known else 0
    table, col, pk = _quoted(column)
    quote = connection.ops.quote_name
    hashes = [quote(index.column) for index in column.indexes]
    select = (
        f"SELECT {pk}, {col}, {', '.join(hashes)} FROM {table} WHERE {col} <> '' AND {pk} > %s "
        f"ORDER BY {pk} LIMIT %s"
    )
    if known:  # only the rows the staged table does not describe (written since it was filled)
        select = (
            f"SELECT t.{pk}, t.{col}, {', '.join(f't.{h}' for h in hashes)} FROM {table} t "
            f"LEFT JOIN {known} s ON s.id = t.{pk} AND s.tail = {_tail_sql(f't.{col}')} "
            f"WHERE t.{col} <> '' AND s.id IS NULL AND t.{pk} > %s ORDER BY t.{pk} LIMIT %s"
        )
    update = f"UPDATE {table} SET {', '.join(f'{h} = %s' for h in hashes)} WHERE {pk} = %s AND {col} = %s"
    last = _before_first(column)
    while True:
        with transaction.atomic() if each_batch else nullcontext(), connection.cursor() as cursor:
            cursor.execute(select, [last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                break
            updates = []
            for row_id, token, *stored in rows:
                plain = column.field.plain(token)
                wanted = [index.index_of(plain, key_id) for index in column.indexes]
                if wanted != stored:
                    updates.append((*wanted, row_id, token))
            cursor.executemany(update, updates)
        last, changed = rows[-1][0], changed + len(updates)
    return changed


def _copy_staged(column: Column, staging: str) -> int:
    """One UPDATE: every row whose token is the one staged takes the staged hashes."""
    table, col, pk = _quoted(column)
    quote = connection.ops.quote_name
    hashes = [quote(index.column) for index in column.indexes]
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    differs = " OR ".join(f"{table}.{h} {distinct} s.h{i}" for i, h in enumerate(hashes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(f'{h} = s.h{i}' for i, h in enumerate(hashes))} FROM {staging} s "
            f"WHERE s.id = {table}.{pk} AND s.tail = {_tail_sql(f'{table}.{col}')} AND ({differs})"
        )
        return cursor.rowcount


def _retire() -> list[str]:
    """Drop every key but the current one, once nothing is sealed with them any more."""
    ring = crypto.keyring()
    old = sorted(set(ring.keys) - {ring.current}, key=int)
    for column in columns():
        left = {k: n for k, n in sealed_by_key(column, old + [ring.current]).items() if k != ring.current}
        if left:
            raise RotationError(
                _("%(column)s 仍有 %(n)s 个值使用旧密钥:请再次运行 kexie keys rotate")
                % {"column": column.label, "n": sum(left.values())}
            )
    stored = ring.stored
    crypto.write_keyring(
        {
            **stored,
            "keys": {k: v for k, v in stored.get("keys", {}).items() if k == ring.current},
            "retired": sorted({*ring.retired, *old}, key=int),
            "rotating": False,
        }
    )
    return old


def _log(action: str, note: str) -> None:
    with transaction.atomic():
        audit.log(
            actor=None, action=action, system=True, object_type="", object_repr=_("字段加密密钥"), note=note
        )


def _say(progress: Progress | None, line: str) -> None:
    if progress:
        progress(line)
