"""`kexie keys rotate`: a new key seals everything, blind indexes keep matching, the old key is
retired, an interrupted rotation resumes; on whichever database the suite runs (SQLite, and
PostgreSQL under scripts/with-postgres)."""

import json

import pytest
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast

from kexie.core import crypto, keys
from kexie.core.fields import encrypted_fields, is_token, personal_search_index, phone_index
from kexie.core.models import AuditEntry
from kexie.directory.models import Organisation, Person
from kexie.directory.services import organisation_create, person_create

PHONE = "13812345678"
OTHER_PHONE = "13987654321"


def valid_id_number(serial: int) -> str:
    from kexie.core.validators import id_number_problem

    base = f"37080219800101{serial:03d}"
    return next(base + c for c in "0123456789X" if id_number_problem(base + c) is None)


@pytest.fixture
def people(db, personas):
    admin, staff = personas["city_admin"], personas["county_staff"]
    organisation_create(
        actor=admin,
        data={
            "name": "任城区物理学会",
            "kind": "other",
            "parent": staff.unit,
            "contact_phone": OTHER_PHONE,
        },
    )
    for serial in range(4):
        person_create(
            actor=staff,
            data={
                "name": f"张{serial}",
                "phone": PHONE,
                "id_number": valid_id_number(serial),
                "unit": staff.unit,
            },
        )
    return staff


def stored(model, name: str) -> list[str]:
    """The column as stored (a token), not as the field opens it."""
    return list(
        model._base_manager.annotate(raw=Cast(name, models.TextField()))
        .exclude(raw="")
        .order_by("pk")
        .values_list("raw", flat=True)
    )


def sealed_columns() -> set[str]:
    return {f"{model._meta.label_lower}.{field.name}" for model, field in encrypted_fields()}


def found_by_phone(phone: str) -> int:
    return Person._base_manager.filter(phone_hash=phone_index(phone)).count()


def found_by_id_number(number: str) -> int:
    return Person._base_manager.filter(id_number_hash=personal_search_index(number)).count()


def test_every_column_holding_tokens_is_found_by_its_field_class(people):
    assert sealed_columns() >= {
        "directory.person.phone",
        "directory.person.id_number_encrypted",
        "directory.organisation.contact_phone",
        "innovation.demand.contact_phone",
    }
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                if any(is_token(value) for value in stored(model, field.attname)):
                    assert f"{model._meta.label_lower}.{field.name}" in sealed_columns(), field


def test_rotation_reseals_every_value_and_lookups_keep_matching(people):
    before = {
        "phones": stored(Person, "phone"),
        "ids": stored(Person, "id_number_encrypted"),
        "hashes": list(Person._base_manager.order_by("pk").values_list("phone_hash", "id_number_hash")),
        "plain": [(p.phone, p.id_number) for p in Person._base_manager.order_by("pk")],
    }
    assert all(token.startswith("1:") for token in before["phones"] + before["ids"])
    lines = []

    summary = keys.rotate(progress=lines.append)

    assert summary["current"] == "2" and summary["retired"] == ["1"]
    assert summary["resealed"]["directory.person.id_number_encrypted"] == 4
    for label in ("directory.person.phone", "directory.organisation.contact_phone"):
        assert summary["resealed"][label] >= 1
    for model, field in encrypted_fields():
        assert all(token.startswith("2:") for token in stored(model, field.attname)), field
    assert [(p.phone, p.id_number) for p in Person._base_manager.order_by("pk")] == before["plain"]
    after_hashes = list(Person._base_manager.order_by("pk").values_list("phone_hash", "id_number_hash"))
    assert not set(after_hashes) & set(before["hashes"])  # the blind-index key rotated too
    assert found_by_phone(PHONE) == 4 and found_by_id_number(valid_id_number(2)) == 1
    assert Organisation._base_manager.filter(contact_phone_hash=phone_index(OTHER_PHONE)).count() == 1
    ring = crypto.keyring()
    assert (set(ring.keys), ring.current, ring.index, ring.retired, ring.rotating) == (
        {"2"},
        "2",
        "2",
        ("1",),
        False,
    )
    entries = AuditEntry._base_manager.filter(action__startswith="kexie.keys.").order_by("pk")
    assert [e.action for e in entries] == ["kexie.keys.rotation_started", "kexie.keys.rotated"]
    assert all(e.unit_id is None and e.actor_repr == "system" for e in entries)
    assert any("已重新加密" in line for line in lines)


def test_the_retired_key_is_no_longer_read(people, settings):
    keys.rotate()
    settings.FIELD_ENCRYPTION_KEY = "kexie-field-key-gone-after-rotation"
    person = Person._base_manager.order_by("pk").first()
    assert person.phone == PHONE and found_by_phone(PHONE) == 4
    assert "1" not in crypto.field_keys()


class Interrupted(Exception):
    pass


def test_an_interrupted_rotation_keeps_everything_readable_and_resumes(people):
    def stop_after_two_batches(line):
        if line.endswith("已重新加密 2 个"):
            raise Interrupted

    with pytest.raises(Interrupted):
        keys.rotate(batch_size=1, progress=stop_after_two_batches)

    tokens = stored(Person, "phone") + stored(Person, "id_number_encrypted")
    assert {crypto.key_id_of(t) for t in tokens} == {"1", "2"}  # half done
    assert crypto.keyring().rotating and crypto.keyring().index == "1"
    assert {p.phone for p in Person._base_manager.all()} == {PHONE}  # both keys open
    assert found_by_phone(PHONE) == 4  # the blind index still under the old key throughout
    newcomer = person_create(
        actor=people,
        data={"name": "新人", "phone": PHONE, "id_number": valid_id_number(9), "unit": people.unit},
    )
    assert stored(Person, "phone")[-1].startswith("2:")  # new values take the new key at once
    assert found_by_phone(PHONE) == 5

    summary = keys.rotate(batch_size=1)  # resumes: no third key

    assert summary["current"] == "2"
    assert all(t.startswith("2:") for t in stored(Person, "phone") + stored(Person, "id_number_encrypted"))
    assert found_by_phone(PHONE) == 5 and found_by_id_number(valid_id_number(9)) == 1
    assert Person._base_manager.get(pk=newcomer.pk).id_number == valid_id_number(9)
    assert AuditEntry._base_manager.filter(action="kexie.keys.rotation_started").count() == 1


def test_a_blind_index_written_under_the_old_key_is_swept(people):
    keys.rotate(retire=False)
    assert crypto.keyring().rotating and set(crypto.field_keys()) == {"1", "2"}
    late = Person._base_manager.order_by("pk").first()
    # A writer that computed its hash just before the switch (PostgreSQL locks tables, not that).
    Person._base_manager.filter(pk=late.pk).update(phone_hash=phone_index(PHONE, "1"))
    assert found_by_phone(PHONE) == 3

    summary = keys.rotate()

    assert summary["swept"] == 1 and summary["retired"] == ["1"]
    assert found_by_phone(PHONE) == 4


def test_a_failed_index_switch_changes_neither_the_indexes_nor_the_keyring(people, monkeypatch):
    hashes = sorted(Person._base_manager.values_list("phone_hash", flat=True))
    real = keys._recompute
    calls = []

    def fail_on_second(column, *args, **kwargs):
        calls.append(column.label)
        if len(calls) == 2:
            raise Interrupted
        return real(column, *args, **kwargs)

    monkeypatch.setattr(keys, "_recompute", fail_on_second)
    with pytest.raises(Interrupted):
        keys.rotate()
    assert crypto.keyring().index == "1"
    assert sorted(Person._base_manager.values_list("phone_hash", flat=True)) == hashes
    assert found_by_phone(PHONE) == 4

    monkeypatch.setattr(keys, "_recompute", real)
    keys.rotate()
    assert crypto.keyring().index == "2" and found_by_phone(PHONE) == 4


def test_status_command_counts_values_per_key(people, capsys):
    call_command("keys", "status", "--json")
    status = json.loads(capsys.readouterr().out)
    assert status["current"] == "1" and not status["rotating"]
    assert status["columns"]["directory.person.id_number_encrypted"] == {"1": 4}

    call_command("keys", "rotate", "--quiet")
    assert capsys.readouterr().out == ""
    call_command("keys", "status")
    text = capsys.readouterr().out
    assert "当前密钥: 2" in text and "已停用: 1" in text
    assert "directory.person.id_number_encrypted: 密钥 2: 4" in text
    assert crypto.keyring().keys["2"] not in text  # ids only, never a key


def test_a_backup_after_rotation_needs_the_keyring_and_restores_with_it(
    transactional_db, personas, tmp_path, settings
):
    from kexie.core.backup import BackupError, create_backup, restore_backup

    staff = personas["county_staff"]
    person_create(
        actor=staff,
        data={"name": "张三", "phone": PHONE, "id_number": valid_id_number(1), "unit": staff.unit},
    )
    keys.rotate()
    path = tmp_path / "after-rotation.zip"
    manifest = create_backup(path)
    assert set(manifest["key_fingerprints"]) == {"2"} and manifest["index_key"] == "2"
    call_command("flush", interactive=False, verbosity=0)
    keyring = settings.FIELD_KEYRING
    settings.FIELD_KEYRING = tmp_path / "no-keyring.json"  # a new machine given KEXIE_FIELD_KEY only
    with pytest.raises(BackupError, match="密钥文件 KEXIE_KEYRING,密钥编号 2"):
        restore_backup(path)

    settings.FIELD_KEYRING = keyring
    restore_backup(path)
    person = Person._base_manager.get(name="张三")
    assert (person.phone, person.id_number) == (PHONE, valid_id_number(1))
    assert found_by_phone(PHONE) == 1 and found_by_id_number(valid_id_number(1)) == 1


def test_a_row_written_after_the_indexes_were_precomputed_gets_its_own(people, monkeypatch):
    real = keys._precompute
    changed = Person._base_manager.order_by("pk").first()

    def then_a_user_edits(column, *args):
        known = real(column, *args)
        if column.label == "directory.person.phone":
            changed.phone = OTHER_PHONE  # sealed and hashed by the site meanwhile, from a record
            changed.save()  # loaded before the rotation: its ID number's old token goes back too
        return known

    monkeypatch.setattr(keys, "_precompute", then_a_user_edits)
    keys.rotate()
    assert found_by_phone(OTHER_PHONE) == 1 and found_by_phone(PHONE) == 3
    assert found_by_id_number(valid_id_number(0)) == 1
    assert all(t.startswith("2:") for t in stored(Person, "phone") + stored(Person, "id_number_encrypted"))


def test_under_the_index_lock_no_row_is_hashed_one_by_one(people, monkeypatch):
    """The switch's lock is held for set-based statements only: the hashes are computed before it
    (SQLite writers fail after KEXIE_SQLITE_TIMEOUT; 200,000 rows one by one held it 45 s)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    marks = {}
    real_lock, real_write = keys._lock, crypto.write_keyring

    def lock(models_):
        marks.setdefault("locked", len(captured.captured_queries))
        return real_lock(models_)

    def write_keyring(data):
        if "locked" in marks and "written" not in marks:
            marks["written"] = len(captured.captured_queries)
        return real_write(data)

    monkeypatch.setattr(keys, "_lock", lock)
    monkeypatch.setattr(crypto, "write_keyring", write_keyring)
    with CaptureQueriesContext(connection) as captured:
        keys.rotate()
    under_lock = [q["sql"] for q in captured.captured_queries[marks["locked"] : marks["written"]]]
    assert under_lock, "the switch ran under the lock"
    assert not [sql for sql in under_lock if " times: " in sql and not sql.startswith("0 times")], under_lock
    assert found_by_phone(PHONE) == 4 and found_by_id_number(valid_id_number(3)) == 1
