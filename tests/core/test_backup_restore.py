"""kexie backup / kexie restore: same counts, same audit log, same decrypted ID numbers; refusals.

These tests restore, so they are transactional (restore runs its own transaction and migrate);
the database is emptied with `flush` between backup and restore, as a fresh install would be.
"""

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from contextlib import closing

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from kexie.core.backup import BackupError, backed_up_models, create_backup, restore_backup
from kexie.core.models import AuditEntry
from kexie.directory.models import Organisation, Person
from kexie.directory.services import organisation_create, person_create

PHONE = "13812345678"


def valid_id_number(serial: int) -> str:
    from kexie.core.validators import id_number_problem

    base = f"37080219800101{serial:03d}"
    return next(base + c for c in "0123456789X" if id_number_problem(base + c) is None)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "activities").mkdir(parents=True)
    (settings.MEDIA_ROOT / "activities" / "通知.txt").write_bytes("科普活动通知".encode())
    return settings.MEDIA_ROOT


@pytest.fixture
def filled(transactional_db, personas, media):
    """People with ID numbers and phones, a sub-organisation (a self-reference), audit entries."""
    admin, staff = personas["city_admin"], personas["county_staff"]
    organisation_create(actor=admin, data={"name": "任城区物理学会", "kind": "other", "parent": staff.unit})
    for serial in range(3):
        person_create(
            actor=staff,
            data={
                "name": f"张{serial}",
                "phone": PHONE,
                "id_number": valid_id_number(serial),
                "unit": staff.unit,
            },
        )
    assert AuditEntry._base_manager.count() >= 4
    return personas


def state() -> dict:
    return {
        "counts": {m._meta.label_lower: m._base_manager.count() for m in backed_up_models()},
        "audit": list(AuditEntry._base_manager.order_by("pk").values()),
        "people": {p.pk: (p.name, p.id_number, p.phone) for p in Person._base_manager.order_by("pk")},
        "organisations": list(
            Organisation._base_manager.order_by("pk").values("pk", "name", "parent_id", "path")
        ),
    }


def empty_database(media_root=None):
    call_command("flush", interactive=False, verbosity=0)
    if media_root:
        for file in sorted(media_root.rglob("*"), reverse=True):
            file.unlink() if file.is_file() else file.rmdir()


def test_backup_then_restore_gives_the_same_data(filled, media, tmp_path):
    path = tmp_path / "kexie.zip"
    before = state()
    create_backup(path)
    empty_database(media)
    assert Person._base_manager.count() == 0 and not (media / "activities").exists()

    lines = []
    restore_backup(path, progress=lines.append)

    after = state()
    restored = after["audit"].pop()  # the restore's own entry comes after the backup's entries
    assert after["audit"] == before["audit"]  # every field of every entry
    assert restored["action"] == "kexie.backup.restored" and restored["unit_id"] is None
    assert after["people"] == before["people"]  # decrypted ID numbers and phones
    assert after["organisations"] == before["organisations"]
    after["counts"]["core.auditentry"] -= 1
    assert after["counts"] == before["counts"]
    assert (media / "activities" / "通知.txt").read_bytes() == "科普活动通知".encode()
    assert any(line.startswith("directory.person: 3 行") for line in lines)
    # The sequences follow the restored ids: a new row gets a fresh id.
    staff = filled["county_staff"]
    new = person_create(actor=staff, data={"name": "新人", "unit": staff.unit})
    assert new.pk > max(before["people"])


def test_manifest_holds_counts_checksums_migrations_and_no_key(filled, tmp_path):
    path = tmp_path / "kexie.zip"
    manifest = create_backup(path)
    assert manifest["tables"]["directory.person"]["rows"] == 3
    assert "0003_audit_append_only_triggers" in manifest["migrations"]["core"]
    with zipfile.ZipFile(path) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert settings.FIELD_ENCRYPTION_KEY.encode() not in everything
    assert valid_id_number(0).encode() not in everything  # sealed as stored
    assert "media/activities/通知.txt" in manifest["media"]


def test_restore_refuses_a_database_that_is_not_empty(filled, tmp_path):
    path = tmp_path / "kexie.zip"
    create_backup(path)
    before = state()
    with pytest.raises(BackupError, match="数据库不是空的"):
        restore_backup(path)
    with pytest.raises(BackupError, match="审计日志只能追加"):
        restore_backup(path, force=True)  # --force never deletes audit entries
    assert state() == before


def test_force_replaces_data_when_the_audit_log_is_empty(transactional_db, personas, media, tmp_path):
    from kexie.testing import build_world

    path = tmp_path / "kexie.zip"
    before = state()
    create_backup(path)  # its audit entry stays in this database: the force goes elsewhere
    empty_database()
    build_world()  # a database with data and no audit log
    changed = Organisation._base_manager.filter(parent__isnull=False).order_by("pk").first()
    Organisation._base_manager.filter(pk=changed.pk).update(name="改过的名字")
    restore_backup(path, force=True)
    after = state()
    assert [entry["action"] for entry in after["audit"]] == ["kexie.backup.restored"]
    after["audit"], after["counts"]["core.auditentry"] = [], 0
    assert after == before


def test_restore_refuses_the_wrong_key_and_changes_nothing(filled, media, tmp_path, settings):
    path = tmp_path / "kexie.zip"
    create_backup(path)
    empty_database(media)
    settings.FIELD_ENCRYPTION_KEY = "another-installation-key"
    with pytest.raises(BackupError, match="KEXIE_FIELD_KEY"):
        restore_backup(path)
    assert Person._base_manager.count() == 0 and not (media / "activities").exists()


def test_restore_refuses_data_the_key_cannot_decrypt(filled, media, tmp_path, settings):
    """The fingerprint matches (the key was changed before the backup), the tokens do not open."""
    path = tmp_path / "kexie.zip"
    settings.FIELD_ENCRYPTION_KEY = "a-key-changed-without-re-encrypting"
    create_backup(path)
    empty_database(media)
    with pytest.raises(BackupError, match="无法解密备份中 directory.person"):
        restore_backup(path)
    assert Person._base_manager.count() == 0


def rewrite(path, member, change):
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members[member] = change(members[member])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_restore_refuses_a_tampered_member(filled, media, tmp_path):
    path = tmp_path / "kexie.zip"
    create_backup(path)
    rewrite(path, "data/directory.person.jsonl", lambda data: data.replace("张1".encode(), "王1".encode()))
    empty_database(media)
    with pytest.raises(BackupError, match="directory.person.jsonl 的校验和"):
        restore_backup(path)
    assert Person._base_manager.count() == 0


def test_restore_refuses_a_tampered_manifest(filled, media, tmp_path):
    path = tmp_path / "kexie.zip"
    create_backup(path)

    def fewer_people(data):
        manifest = json.loads(data)
        manifest["tables"]["directory.person"]["rows"] = 2
        return json.dumps(manifest).encode()

    rewrite(path, "manifest.json", fewer_people)
    empty_database(media)
    with pytest.raises(BackupError, match="签名不符"):
        restore_backup(path)


def test_restore_command_speaks_chinese_and_refuses(filled, tmp_path, capsys):
    path = tmp_path / "kexie.zip"
    call_command("backup", str(path), "--quiet")
    assert capsys.readouterr().out == ""
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("restore", str(path))


SQLITE_BACKUP = """
import django, sys
django.setup()
from django.core.management import call_command
from kexie.testing import build_world
from kexie.directory.services import person_create
call_command("migrate", verbosity=0)
staff = build_world()["users"]["county_staff"]
person_create(actor=staff, data={"name": "迁移者", "phone": "13812345678", "id_number": sys.argv[2], "unit": staff.unit})
call_command("backup", sys.argv[1], "--quiet")
"""


@pytest.mark.postgres
def test_a_sqlite_backup_restores_into_postgresql(transactional_db, media, tmp_path):
    path = tmp_path / "from-sqlite.zip"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kexie.settings",
        "KEXIE_DATABASE_URL": f"sqlite:///{tmp_path / 'small.sqlite3'}",
        "KEXIE_MEDIA_ROOT": str(media),
        "KEXIE_SECRET_KEY": settings.SECRET_KEY,
        "KEXIE_FIELD_KEY": settings.FIELD_ENCRYPTION_KEY,
        "KEXIE_KEYRING": str(settings.FIELD_KEYRING),
    }
    id_number = valid_id_number(7)
    subprocess.run(
        [sys.executable, "-c", SQLITE_BACKUP, str(path), id_number], env=env, check=True, timeout=120
    )
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["database"] == "sqlite"
    empty_database(media)

    restore_backup(path)

    person = Person._base_manager.get(name="迁移者")
    assert (person.id_number, person.phone) == (id_number, PHONE)
    for label, entry in manifest["tables"].items():
        model = next(m for m in backed_up_models() if m._meta.label_lower == label)
        restore_entry = 1 if label == "core.auditentry" else 0
        assert model._base_manager.count() == entry["rows"] + restore_entry, label
    assert (media / "activities" / "通知.txt").exists()
    newcomer = Person(name="新人", unit=person.unit)
    newcomer.save()  # the sequence follows the restored ids
    assert newcomer.pk > person.pk


def test_rows_pointing_at_their_own_table_come_after_the_row_they_point_at():
    from kexie.core.backup import _self_parents_first

    rows = [[1, "市科协下属", 3], [2, "市科协", None], [3, "区科协", 2]]
    names = [
        f.attname for f in Organisation._meta.concrete_fields if f.attname in ("id", "name", "parent_id")
    ]
    assert names == ["id", "name", "parent_id"]
    ordered = _self_parents_first(Organisation, names, iter(rows))
    assert [row[0] for row in ordered] == [2, 3, 1]


@pytest.mark.postgres
def test_backup_is_one_moment_while_the_site_writes(filled, tmp_path):
    from django.db import connections

    other = connections.create_connection("default")  # the site, writing during the backup
    written = []

    def write_meanwhile(line):
        if not written:
            with other.cursor() as cursor:
                cursor.execute("UPDATE directory_person SET name = '后来改的'")
            written.append(line)

    try:
        path = tmp_path / "kexie.zip"
        create_backup(path, progress=write_meanwhile)
    finally:
        other.close()
    assert written and Person._base_manager.filter(name="后来改的").count() == 3
    with zipfile.ZipFile(path) as archive:
        assert "后来改的" not in archive.read("data/directory.person.jsonl").decode()


SQLITE_SNAPSHOT = """
import django, sqlite3, sys
django.setup()
from django.core.management import call_command
from kexie.core.backup import create_backup
from kexie.testing import build_world
call_command("migrate", verbosity=0)
build_world()
written = []
def write_meanwhile(line):
    if not written:  # the site writes while the backup reads; a write lock would make this wait, then fail
        site = sqlite3.connect(sys.argv[2], timeout=1)
        site.execute("UPDATE directory_organisation SET short_name = '后来改的'")
        site.commit()
        site.close()
        written.append(line)
create_backup(sys.argv[1], progress=write_meanwhile)
"""


def test_a_sqlite_backup_is_one_moment_and_does_not_stop_the_site(tmp_path):
    path, database = tmp_path / "kexie.zip", tmp_path / "site.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kexie.settings",
        "KEXIE_DATABASE_URL": f"sqlite:///{database}",
        "KEXIE_MEDIA_ROOT": str(tmp_path / "media"),
    }
    subprocess.run(
        [sys.executable, "-c", SQLITE_SNAPSHOT, str(path), str(database)], env=env, check=True, timeout=120
    )
    with zipfile.ZipFile(path) as archive:
        assert "后来改的" not in archive.read("data/directory.organisation.jsonl").decode()
    with closing(sqlite3.connect(database)) as site:
        assert site.execute(
            "SELECT count(*) FROM directory_organisation WHERE short_name = '后来改的'"
        ).fetchone()[0]
