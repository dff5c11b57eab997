from django.db import migrations

from kexie.core.textsearch import TitleSearchIndex


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_indexes_for_indicators_ledger_review_and_home")]

    operations = [TitleSearchIndex(model_name="activity", field="title")]
