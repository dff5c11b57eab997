from django.db import migrations


def forwards(apps, schema_editor):
    from kexie.activities.kinds import load_default_kinds

    load_default_kinds(apps.get_model("activities", "ActivityKind"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
