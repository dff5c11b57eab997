"""Append-only at the database: triggers refuse UPDATE and DELETE of audit rows (and TRUNCATE on
PostgreSQL). After 0002, whose backfill still had to update the rows."""

from django.db import migrations

from kexie.core import audit_triggers


def create(apps, schema_editor):
    for sql in audit_triggers.create_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    for sql in audit_triggers.drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_unit_backfill")]

    operations = [migrations.RunPython(create, drop)]
