"""PostgreSQL: tell the planner what building a title's grams costs (core.textsearch.PG_GRAMS_COST),
so that it reads the gram index's bitmap for a word with thousands of matches rather than walking
the list's order computing kexie_grams row by row (issue 10). Nothing to do on SQLite."""

from django.db import migrations

from kexie.core.textsearch import PG_GRAMS_COST_SQL


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_GRAMS_COST_SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER FUNCTION kexie_grams(text) COST 100")


class Migration(migrations.Migration):
    dependencies = [("activities", "0005_title_search"), ("directory", "0004_name_search")]

    operations = [migrations.RunPython(forwards, backwards)]
