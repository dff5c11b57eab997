"""core 0002 gives entries written before it their unit and their change in words; 0003's
triggers come after it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from kexie.core.models import AuditEntry
from kexie.core.scoping import scoped

BEFORE = [("core", "0001_initial")]
# Every app's latest migration: going back to core 0001 also unapplies the apps whose migrations
# depend on a later core migration (volunteers, tickets, …), so all of them must come back.
LATEST = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()


@pytest.fixture
def old_audit_entries(world):
    """Migrates core back to 0001, yields the AuditEntry model of then, and migrates forward."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        yield executor.loader.project_state(BEFORE).apps.get_model("core", "AuditEntry")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(LATEST)


@pytest.mark.django_db(transaction=True)
def test_backfill_finds_every_entrys_unit(world, personas, old_audit_entries):
    Old, orgs = old_audit_entries, world.orgs
    yanzhou, school, person_unit = orgs["yanzhou"], orgs["school"], orgs["rencheng"]
    gone = {"name": "兖州区已撤销学校", "kind": "school", "parent_id": yanzhou.pk}

    def old(action, **fields):
        return Old.objects.create(action=action, actor_repr="x", **fields).pk

    ids = {
        # the organisation was deleted: SET NULL left no unit; its snapshots name its parent
        "org_created": old("kexie.organisation.created", object_type="directory.organisation",
                           object_id="9999", after=gone),
        "org_changed": old("kexie.organisation.changed", object_type="directory.organisation",
                           object_id="9999", before={"address": ""}, after={"address": "x"}),
        "org_deleted": old("kexie.organisation.deleted", object_type="directory.organisation",
                           object_id="9999", before=gone),
        # the record still exists
        "school": old("kexie.organisation.changed", object_type="directory.organisation",
                      object_id=str(school.pk), before={"parent_id": person_unit.pk},
                      after={"parent_id": yanzhou.pk, "kind": "enterprise"}),
        # the unit is still set
        "set": old("kexie.activity.created", object_type="activities.activity", object_id="1", unit_id=school.pk),
        # nothing but the actor
        "actor": old("kexie.user.logged_in", actor_id=personas["outsider"].pk),
        # nothing at all
        "none": old("kexie.demo.loaded"),
    }  # fmt: skip
    connection.close()  # the migration below sees a fresh connection, as `kexie migrate` would
    MigrationExecutor(connection).migrate(LATEST)

    entries = {name: AuditEntry.objects.get(pk=pk) for name, pk in ids.items()}
    gone_path = f"{yanzhou.path}9999/"
    for name in ("org_created", "org_changed", "org_deleted"):
        assert (entries[name].unit_id, entries[name].unit_path) == (9999, gone_path), name
    assert (entries["school"].unit_id, entries["school"].unit_path) == (school.pk, school.path)
    assert entries["set"].unit_path == school.path
    assert entries["actor"].unit_path == yanzhou.path
    assert (entries["none"].unit_id, entries["none"].unit_path) == (None, "")
    seen = set(scoped(AuditEntry, personas["outsider"]).values_list("pk", flat=True))
    assert {ids["org_created"], ids["org_changed"], ids["org_deleted"], ids["actor"]} <= seen

    shown = {c["label"]: (c["before"], c["after"]) for c in entries["school"].changes}
    assert shown == {"上级单位": (person_unit.name, yanzhou.name), "类型": (None, "企业")}
    assert entries["none"].changes is None


@pytest.mark.django_db(transaction=True)
def test_triggers_exist_after_the_backfill_and_not_before(world, old_audit_entries):
    Old = old_audit_entries
    entry = Old.objects.create(action="kexie.demo.loaded", actor_repr="x")
    Old.objects.filter(pk=entry.pk).update(note="0001 has no triggers yet")
    MigrationExecutor(connection).migrate(LATEST)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
