"""Backup and restore of a whole installation: `kexie backup FILE`, `kexie restore FILE`.

A backup is a zip file:
  manifest.json            kexie version, database vendor, applied migrations per app, row
                           count and sha256 of every member, key fingerprints, a signature
  data/<app.model>.jsonl   one line with the column names, then one JSON array per row, in id order
  media/<path>             the uploaded files (MEDIA_ROOT)

Rows are the columns as stored (an encrypted phone or ID number stays a token), so a backup
made on SQLite restores into PostgreSQL and the other way round, and a copy of it alone does
not decrypt anything: the keys are never in it. The manifest holds a fingerprint of each field
key (an HMAC of a fixed text under the key) and is signed with the current key, so that a
restore can tell, before it writes anything, whether its keys can open the data.

Restore inserts through the database cursor rather than `bulk_create`: bulk_create would seal
an already sealed token a second time. It goes into an empty database only, parents before
children, in one transaction, with every constraint in force.

Search indexes are not in the file: they are built from the records, so restore rebuilds them
(kexie.core.derived): SQLite's full-text tables (virtual and shadow tables are never dumped) inside
the restore's transaction, the files of the data directory's `indexes/` deleted, registered
rebuilds run. Backup and restore each write an audit entry (system) saying what they did; the
backup's own entry is written once the file is complete, so it is in the database, not the file.
"""

import hashlib
import hmac
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from kexie.core import audit, audit_triggers, crypto, derived
from kexie.core.fields import EncryptedField

FORMAT = "kexie-backup/1"
MANIFEST = "manifest.json"
DATA_DIR = "data/"
MEDIA_DIR = "media/"
BATCH_SIZE = 2000
FINGERPRINT_TEXT = b"kexie backup key fingerprint v1"
DECRYPT_SAMPLE = 20
# Models left out: sessions are logins of the moment, not data.
SKIPPED_MODELS = {"sessions.session"}
# Tables that `migrate` itself fills (content types, permissions, the reference lists of data
# migrations): an empty database has rows in them, and a restore replaces those rows with the
# backup's, so that every id the backup's rows point at stays the same.
FILLED_BY_MIGRATE = {
    "contenttypes.contenttype",
    "auth.permission",
    "activities.activitykind",
    "directory.designationtype",
}

Progress = Callable[[str], None]


class BackupError(Exception):
    """A refusal with a message for the operator (Chinese)."""


# --- what is backed up ---------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every table of the installation, parents before children (restore order); not the tables
    a search index keeps (rebuilt instead)."""
    index_tables = derived.database_index_tables()
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in SKIPPED_MODELS
        and model._meta.db_table not in index_tables
    ]
    return _parents_first(found)


def _parents_first(found: list[type[models.Model]]) -> list[type[models.Model]]:
    ordered: list[type[models.Model]] = []
    placed: set = set()
    remaining = sorted(found, key=lambda m: m._meta.label_lower)
    while remaining:
        ready = [m for m in remaining if _parents(m, found) <= placed] or remaining[
            :1
        ]  # a cycle: constraints are deferred
        for model in ready:
            ordered.append(model)
            placed.add(model)
            remaining.remove(model)
    return ordered


def _parents(model, found) -> set:
    return {
        field.related_model
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not model and field.related_model in found
    }


def _member(model) -> str:
    return f"{DATA_DIR}{model._meta.label_lower}.jsonl"


def _is_sealed(field) -> bool:
    """A column holding kexie tokens (kexie.core.crypto)."""
    return isinstance(field, EncryptedField)


# --- keys ----------------------------------------------------------------------------------


def key_fingerprints() -> dict[str, str]:
    """Key id -> HMAC-SHA256 of a fixed text under that key: equal fingerprints, equal keys;
    the key itself cannot be found from it."""
    return {
        key_id: hmac.new(key.encode(), FINGERPRINT_TEXT, hashlib.sha256).hexdigest()
        for key_id, key in crypto.field_keys().items()
    }


def _signature(manifest: dict) -> str:
    """HMAC of the manifest under the key named by its `signature_key` (a later key rotation
    keeps old backups verifiable as long as their key id is still configured)."""
    body = json.dumps({k: v for k, v in manifest.items() if k != "signature"}, sort_keys=True).encode()
    key = ("backup:" + crypto.field_keys().get(manifest.get("signature_key", ""), "")).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


# --- backup --------------------------------------------------------------------------------


def create_backup(path: Path, *, progress: Progress | None = None) -> dict:
    """Write a backup of the database and MEDIA_ROOT to `path`; return its manifest."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".kexie-backup-", suffix=".zip", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            manifest = _manifest_head()
            with _snapshot():
                manifest["migrations"] = applied_migrations()
                for model in backed_up_models():
                    count, digest = _write_table(archive, model)
                    manifest["tables"][model._meta.label_lower] = {"rows": count, "sha256": digest}
                    _say(progress, f"{model._meta.label_lower}: {count} 行")
            manifest["media"] = _write_media(archive)
            _say(progress, f"上传文件: {len(manifest['media'])} 个")
            manifest["signature"] = _signature(manifest)
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    _log_backup(path, manifest)
    return manifest


def _totals(manifest: dict) -> dict:
    return {
        "tables": len(manifest["tables"]),
        "rows": sum(entry["rows"] for entry in manifest["tables"].values()),
        "media": len(manifest["media"]),
    }


def _log_backup(path: Path, manifest: dict) -> None:
    totals = _totals(manifest)
    with transaction.atomic():
        audit.log(
            actor=None,
            action="kexie.backup.created",
            system=True,
            object_repr=path.name,
            after={**totals, "file": str(path.resolve()), "sha256": _file_sha256(path)},
            note=_("备份到 %(file)s:%(tables)s 张表共 %(rows)s 行、%(media)s 个上传文件;不含密钥与搜索索引")
            % {"file": path.resolve(), **totals},
        )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_head() -> dict:
    try:
        kexie_version = version("kexie")
    except PackageNotFoundError:  # pragma: no cover - a source tree without install
        kexie_version = "unknown"
    return {
        "format": FORMAT,
        "kexie_version": kexie_version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "key_fingerprints": key_fingerprints(),
        "signature_key": crypto.current_key_id(),
        "index_key": crypto.keyring().index,
        "tables": {},
        "rebuilt_on_restore": ["search indexes"],
    }


@contextmanager
def _snapshot():
    """One read transaction: every table as of the same moment, while the site keeps writing.
    SQLite (WAL): a deferred read transaction sees one snapshot and blocks no writer (Django's
    own atomic would BEGIN IMMEDIATE and take the write lock). PostgreSQL: repeatable read."""
    if connection.in_atomic_block:  # already one transaction (a caller's, a test's)
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _column_values(model) -> list:
    """What to select: each column as stored (a sealed column cast to text so that the field
    does not open it)."""
    return [
        Cast(field.attname, models.TextField()) if isinstance(field, EncryptedField) else field.attname
        for field in model._meta.concrete_fields
    ]


def _write_table(archive: zipfile.ZipFile, model) -> tuple[int, str]:
    names = [field.attname for field in model._meta.concrete_fields]
    columns = {f"c{i}": value for i, value in enumerate(_column_values(model)) if not isinstance(value, str)}
    selected = [f"c{i}" if f"c{i}" in columns else value for i, value in enumerate(_column_values(model))]
    rows = model._base_manager.annotate(**columns).order_by("pk").values_list(*selected).iterator(BATCH_SIZE)
    digest = hashlib.sha256()
    count = 0
    with archive.open(_member(model), "w", force_zip64=True) as member:
        for line in _lines(names, rows):
            digest.update(line)
            member.write(line)
            count += 1
    return count - 1, digest.hexdigest()


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _lines(names: list[str], rows: Iterable) -> Iterator[bytes]:
    encoder = _Encoder(ensure_ascii=False, separators=(",", ":"))
    yield (encoder.encode(names) + "\n").encode()
    for row in rows:
        yield (encoder.encode(list(row)) + "\n").encode()


def _write_media(archive: zipfile.ZipFile) -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    checksums = {}
    if not root.is_dir():
        return checksums
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        name = MEDIA_DIR + file.relative_to(root).as_posix()
        digest = hashlib.sha256()
        with file.open("rb") as source, archive.open(name, "w", force_zip64=True) as member:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
                member.write(chunk)
        checksums[name] = digest.hexdigest()
    return checksums


def _say(progress: Progress | None, line: str) -> None:
    if progress:
        progress(line)


# --- restore -------------------------------------------------------------------------------


def restore_backup(path: Path, *, force: bool = False, progress: Progress | None = None) -> dict:
    """Restore a backup into this installation's (empty) database and MEDIA_ROOT."""
    with _open(path) as archive:
        manifest = read_manifest(archive)
        check_keys(manifest)
        check_checksums(archive, manifest)
        check_decryption(archive, manifest)
        _media_targets(manifest)
        call_command("migrate", interactive=False, verbosity=0)
        check_migrations(manifest)
        with transaction.atomic():
            _check_empty(force)
            models_in_order = [m for m in backed_up_models() if m._meta.label_lower in manifest["tables"]]
            _check_tables_known(manifest, models_in_order)
            if force:
                _empty(models_in_order)
            else:
                _empty([m for m in models_in_order if m._meta.label_lower in FILLED_BY_MIGRATE])
            for model in models_in_order:
                count = _insert_table(archive, model)
                _say(progress, f"{model._meta.label_lower}: {count} 行")
            _reset_sequences(models_in_order)
            check_counts(manifest, models_in_order)
            full_text = derived.rebuild_database_indexes()
            _log_restore(path, manifest, full_text)
        ContentType.objects.clear_cache()  # the ids may have changed under this process's cache
        _restore_media(archive, manifest)
        _say(progress, f"上传文件: {len(manifest['media'])} 个")
    _rebuild_indexes(progress, full_text)
    return manifest


def _log_restore(path: Path, manifest: dict, full_text: list[str]) -> None:
    totals = _totals(manifest)
    rebuilt = [*full_text, *derived.registered()]
    audit.log(
        actor=None,
        action="kexie.backup.restored",
        system=True,
        object_repr=Path(path).name,
        after={
            **totals,
            "file": str(Path(path).resolve()),
            "backup_created_at": manifest["created_at"],
            "backup_database": manifest["database"],
            "kexie_version": manifest["kexie_version"],
            "indexes_rebuilt": rebuilt,
        },
        note=_(
            "从 %(file)s(%(created)s 的备份,%(database)s)恢复 %(tables)s 张表共 %(rows)s 行、"
            "%(media)s 个上传文件;重建搜索索引:%(indexes)s"
        )
        % {
            "file": Path(path).name,
            "created": manifest["created_at"],
            "database": manifest["database"],
            "indexes": "、".join(rebuilt) or "-",
            **totals,
        },
    )


def _rebuild_indexes(progress: Progress | None, full_text: list[str]) -> None:
    """The search indexes describe the database as it was before: drop the index files, then let
    each registered index rebuild from the restored records."""
    cleared = derived.clear_index_folder()
    try:
        names = derived.rebuild_registered()
    except Exception as exc:
        raise BackupError(
            _("数据已恢复,但搜索索引重建失败(%(reason)s):请稍后重建索引") % {"reason": exc}
        ) from exc
    shown = [*full_text, *names]
    _say(progress, f"搜索索引: 已重建 {'、'.join(shown) or '无'}(清除旧索引文件 {len(cleared)} 个)")


@contextmanager
def _open(path: Path):
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(_("无法读取备份文件 %(path)s:%(reason)s") % {"path": path, "reason": exc}) from None
    with archive:
        yield archive


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(_("备份文件中没有可读的 manifest.json:这不是 kexie 的备份文件")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("备份格式 %(format)s 无法识别(本版本读取 %(ours)s)")
            % {"format": manifest.get("format"), "ours": FORMAT}
        )
    return manifest


def check_keys(manifest: dict) -> None:
    """Refuse unless this installation has every key the backup's data was sealed with."""
    ours = key_fingerprints()
    for key_id, fingerprint in manifest["key_fingerprints"].items():
        if not hmac.compare_digest(ours.get(key_id, ""), fingerprint):
            where = "KEXIE_FIELD_KEY" if key_id == crypto.LEGACY_KEY_ID else _("密钥文件 KEXIE_KEYRING")
            raise BackupError(
                _(
                    "当前的字段加密密钥(%(where)s,密钥编号 %(id)s)与备份时的不同:恢复后身份证号和手机号将无法解密。"
                    "请设置备份时使用的密钥后重试(密钥指纹 %(fingerprint)s…)"
                )
                % {"where": where, "id": key_id, "fingerprint": fingerprint[:12]}
            )
    index_key = manifest.get("index_key", crypto.LEGACY_KEY_ID)
    if index_key != crypto.keyring().index:
        raise BackupError(
            _(
                "备份中的盲索引(按手机号、身份证号查找)使用密钥 %(theirs)s,本机使用密钥 %(ours)s:"
                "请使用备份时的密钥文件(KEXIE_KEYRING)后重试"
            )
            % {"theirs": index_key, "ours": crypto.keyring().index}
        )
    if not hmac.compare_digest(_signature(manifest), manifest.get("signature", "")):
        raise BackupError(_("备份的 manifest.json 签名不符:文件已被改动,拒绝恢复"))


def check_checksums(archive: zipfile.ZipFile, manifest: dict) -> None:
    expected = {_member_name(label): entry["sha256"] for label, entry in manifest["tables"].items()}
    expected.update(manifest["media"])
    present = {name for name in archive.namelist() if name != MANIFEST and not name.endswith("/")}
    for name in sorted(present - set(expected)):
        raise BackupError(_("备份中的 %(name)s 不在 manifest.json 中:文件已被改动,拒绝恢复") % {"name": name})
    for name, checksum in expected.items():
        if name not in present:
            raise BackupError(_("备份中缺少 %(name)s:文件不完整,拒绝恢复") % {"name": name})
        digest = hashlib.sha256()
        with archive.open(name) as member:
            for chunk in iter(lambda: member.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != checksum:
            raise BackupError(
                _("备份中 %(name)s 的校验和(sha256)与 manifest.json 不符:文件已损坏或被改动,拒绝恢复")
                % {"name": name}
            )


def _member_name(label: str) -> str:
    return f"{DATA_DIR}{label}.jsonl"


def check_decryption(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Open a sample of the sealed values (ID numbers, phones) with this installation's keys."""
    for label in manifest["tables"]:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        names, rows = _read_rows(archive, _member_name(label))
        sealed = [i for i, name in enumerate(names) if _is_sealed_name(model, name)]
        if not sealed:
            continue
        pk = names.index(model._meta.pk.attname)
        tried = 0
        for row in rows:
            for index in sealed:
                if row[index] and tried < DECRYPT_SAMPLE:
                    tried += 1
                    _try_decrypt(row[index], label, names[index], row[pk])
            if tried >= DECRYPT_SAMPLE:
                break


def _is_sealed_name(model, attname: str) -> bool:
    field = next((f for f in model._meta.concrete_fields if f.attname == attname), None)
    return field is not None and _is_sealed(field)


def _try_decrypt(token: str, label: str, column: str, pk) -> None:
    try:
        crypto.decrypt(token)
    except (InvalidToken, ImproperlyConfigured, ValueError):
        raise BackupError(
            _("当前密钥无法解密备份中 %(table)s 第 %(id)s 行的 %(column)s:请设置备份时使用的 KEXIE_FIELD_KEY")
            % {"table": label, "id": pk, "column": column}
        ) from None


def check_migrations(manifest: dict) -> None:
    ours = applied_migrations()
    if ours != manifest["migrations"]:
        differing = sorted(
            app
            for app in set(ours) | set(manifest["migrations"])
            if ours.get(app) != manifest["migrations"].get(app)
        )
        raise BackupError(
            _(
                "备份的数据库结构(迁移)与本版本 kexie 不同(%(apps)s;备份时为 kexie %(version)s):"
                "请用备份时的 kexie 版本恢复,再升级"
            )
            % {"apps": "、".join(differing), "version": manifest["kexie_version"]}
        )


def _check_empty(force: bool) -> None:
    audit_rows = apps.get_model("core", "AuditEntry")._base_manager.exists()
    if force:
        if audit_rows:
            raise BackupError(
                _(
                    "数据库中已有审计日志:审计日志只能追加,不能删除,--force 也不能覆盖。请恢复到一个新的空数据库"
                )
            )
        return
    for model in backed_up_models():
        if model._meta.label_lower not in FILLED_BY_MIGRATE and model._base_manager.exists():
            raise BackupError(
                _(
                    "数据库不是空的(%(table)s 已有数据):恢复只能写入空数据库。请使用新的数据库,或在审计日志为空时加 --force 覆盖"
                )
                % {"table": model._meta.label_lower}
            )


def _check_tables_known(manifest: dict, known: list) -> None:
    labels = {m._meta.label_lower for m in known}
    for label in manifest["tables"]:
        if label not in labels:
            raise BackupError(_("备份中的数据表 %(table)s 在本版本 kexie 中不存在") % {"table": label})


def _empty(models_in_order: list) -> None:
    with connection.cursor() as cursor:
        for model in reversed(models_in_order):
            if model._meta.db_table != audit_triggers.TABLE:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _read_rows(archive: zipfile.ZipFile, name: str) -> tuple[list[str], Iterator[list]]:
    stream = io.TextIOWrapper(archive.open(name), encoding="utf-8")
    names = json.loads(stream.readline())
    return names, (json.loads(line) for line in stream)


def _insert_table(archive: zipfile.ZipFile, model) -> int:
    names, rows = _read_rows(archive, _member(model))
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in names if name not in fields]
    if unknown:
        raise BackupError(
            _("备份中 %(table)s 的列 %(columns)s 在本版本中不存在")
            % {"table": model._meta.label_lower, "columns": "、".join(unknown)}
        )
    columns = [fields[name] for name in names]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    prepare = [_preparer(field) for field in columns]
    ordered = _self_parents_first(model, names, rows)
    count = 0
    with connection.cursor() as cursor:
        for batch in _batches(ordered):
            cursor.executemany(sql, [[p(v) for p, v in zip(prepare, row, strict=True)] for row in batch])
            count += len(batch)
    return count


def _preparer(field) -> Callable:
    if _is_sealed(field):
        return lambda value: value  # the token as stored
    return lambda value: None if value is None else field.get_db_prep_save(field.to_python(value), connection)


def _self_parents_first(model, names: list[str], rows: Iterator[list]) -> Iterable[list]:
    """A table pointing at itself (an organisation's parent): each row after the row it points at."""
    own = [
        names.index(f.attname)
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is model
    ]
    if not own:
        return rows
    pk = names.index(model._meta.pk.attname)
    pending = list(rows)
    ordered, placed = [], set()
    while pending:
        ready = [row for row in pending if all(row[i] is None or row[i] in placed for i in own)] or pending
        ready_ids = {id(row) for row in ready}
        ordered.extend(ready)
        placed.update(row[pk] for row in ready)
        pending = [row for row in pending if id(row) not in ready_ids]
    return ordered


def _batches(rows: Iterable[list]) -> Iterator[list[list]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _reset_sequences(models_in_order: list) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_in_order)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def check_counts(manifest: dict, models_in_order: list) -> None:
    for model in models_in_order:
        expected = manifest["tables"][model._meta.label_lower]["rows"]
        found = model._base_manager.count()
        if found != expected:
            raise BackupError(
                _("恢复后 %(table)s 有 %(found)s 行,备份中为 %(expected)s 行:已撤销恢复")
                % {"table": model._meta.label_lower, "found": found, "expected": expected}
            )


def _media_targets(manifest: dict) -> dict[str, Path]:
    root = Path(settings.MEDIA_ROOT).resolve()
    targets = {}
    for name in manifest["media"]:
        target = (root / name[len(MEDIA_DIR) :]).resolve()
        if not name.startswith(MEDIA_DIR) or not target.is_relative_to(root):
            raise BackupError(_("备份中的文件路径 %(name)s 不安全,拒绝恢复") % {"name": name})
        targets[name] = target
    return targets


def _restore_media(archive: zipfile.ZipFile, manifest: dict) -> None:
    for name, target in _media_targets(manifest).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(name) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
