"""Joins the core migrations written in parallel (each depends on 0010); adds nothing itself."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_jobs"),
        ("core", "0013_certificates_checkin_notifications"),
        ("core", "0014_working_calendar"),
    ]

    operations = []
