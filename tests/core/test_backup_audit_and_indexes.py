"""Backup and restore leave audit entries saying what they did; search indexes are rebuilt on
restore, never dumped (SQLite full-text virtual and shadow tables included)."""

import hashlib
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection

from kexie.core import derived
from kexie.core.backup import backed_up_models, create_backup, restore_backup
from kexie.core.models import AuditEntry
from kexie.directory.models import Organisation

FTS = "kexie_test_org_fts"
CONTENTLESS = "kexie_test_contentless_fts"


@pytest.fixture
def indexes(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "indexes"
    stale = settings.SEARCH_INDEX_DIR / "patents" / "meta.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    return settings.SEARCH_INDEX_DIR


@pytest.fixture
def full_text_tables(transactional_db):
    """What a title-search migration might add on SQLite: an FTS5 table reading organisation
    names (left empty here: only a rebuild fills it) and a contentless one."""
    if connection.vendor != "sqlite":
        yield False
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(name, content='directory_organisation', content_rowid='id', "
            "tokenize='trigram')"
        )
        cursor.execute(f"CREATE VIRTUAL TABLE {CONTENTLESS} USING fts5(name, content='')")
    try:
        yield True
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
            cursor.execute(f"DROP TABLE IF EXISTS {CONTENTLESS}")


def matches(text: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [f'"{text}"'])
        return {row for (row,) in cursor.fetchall()}


def file_sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_and_restore_each_leave_a_system_audit_entry(transactional_db, personas, tmp_path, indexes):
    path = tmp_path / "nightly.zip"
    manifest = create_backup(path)
    backup = AuditEntry._base_manager.get(action="kexie.backup.created")
    rows = sum(entry["rows"] for entry in manifest["tables"].values())
    assert backup.unit_id is None and backup.actor_repr == "system" and backup.object_repr == "nightly.zip"
    assert backup.after == {
        "tables": len(manifest["tables"]),
        "rows": rows,
        "media": len(manifest["media"]),
        "file": str(path.resolve()),
        "sha256": file_sha256(path),
    }
    assert f"共 {rows} 行" in backup.note
    with zipfile.ZipFile(path) as archive:  # written after the snapshot: not in the file itself
        assert b"kexie.backup.created" not in archive.read("data/core.auditentry.jsonl")

    call_command("flush", interactive=False, verbosity=0)
    restore_backup(path)

    restored = AuditEntry._base_manager.get(action="kexie.backup.restored")
    assert restored.unit_id is None and restored.actor_repr == "system"
    assert restored.after["rows"] == rows and restored.after["backup_created_at"] == manifest["created_at"]
    assert "专利检索索引" in restored.after["indexes_rebuilt"]
    assert "恢复" in restored.note and "重建搜索索引" in restored.note


def test_search_indexes_are_rebuilt_on_restore_not_backed_up(full_text_tables, personas, tmp_path, indexes):
    calls = []
    derived.register("测试索引", lambda: calls.append(Organisation._base_manager.count()))
    try:
        path = tmp_path / "kexie.zip"
        manifest = create_backup(path)
        names = zipfile.ZipFile(path).namelist()
        assert not [name for name in names if "fts" in name or "indexes/" in name]
        assert not [label for label in manifest["tables"] if "fts" in label]
        if full_text_tables:
            assert not matches("任城区")  # never built
        organisations = Organisation._base_manager.count()
        call_command("flush", interactive=False, verbosity=0)

        lines = []
        restore_backup(path, progress=lines.append)

        assert calls == [organisations]  # after the records are back
        assert not (indexes / "patents").exists()  # the old index files are gone
        if full_text_tables:
            expected = set(
                Organisation._base_manager.filter(name__contains="任城区").values_list("pk", flat=True)
            )
            assert expected and matches("任城区") == expected
            assert any(FTS in line and "测试索引" in line for line in lines)
    finally:
        derived._registry.pop("测试索引", None)


def test_tables_an_index_keeps_are_never_dumped(db, monkeypatch):
    labels = {m._meta.label_lower for m in backed_up_models()}
    assert "directory.region" in labels
    monkeypatch.setattr(derived, "database_index_tables", lambda: {"directory_region": "shadow"})
    assert "directory.region" not in {m._meta.label_lower for m in backed_up_models()}


def test_virtual_and_shadow_tables_are_told_apart(full_text_tables):
    if not full_text_tables:
        pytest.skip("SQLite virtual tables; PostgreSQL has none")
    found = derived.database_index_tables()
    assert found[FTS] == "virtual" and found[CONTENTLESS] == "virtual"
    assert found[f"{FTS}_data"] == "shadow" and found[f"{CONTENTLESS}_docsize"] == "shadow"
    assert "directory_organisation" not in found
