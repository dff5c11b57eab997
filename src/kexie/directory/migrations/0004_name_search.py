from django.db import migrations

from kexie.core.textsearch import TitleSearchIndex


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_designation_types")]

    operations = [
        TitleSearchIndex(model_name="organisation", field="name"),
        TitleSearchIndex(model_name="person", field="name"),
    ]
