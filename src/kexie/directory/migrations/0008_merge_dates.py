# The organisation dates (stats) and the position dates (societies) were added side by side.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_organisation_dates"),
        ("directory", "0007_position_dates"),
    ]

    operations = []
