"""Phones encrypted at rest: the columns become Fernet tokens with a blind index and a stored mask,
and the numbers already there are sealed (kexie.core.fields)."""

from django.db import migrations

import kexie.core.fields
from kexie.core.fields import decrypt_sealed_rows, encrypt_plain_rows

PHONE_COLUMNS = [("innovation", "demand", "contact_phone")]


def encrypt_phones(apps, schema_editor):
    for app_label, model_name, column in PHONE_COLUMNS:
        table = apps.get_model(app_label, model_name)._meta.db_table
        encrypt_plain_rows(schema_editor, table, column)


def decrypt_phones(apps, schema_editor):
    for app_label, model_name, column in PHONE_COLUMNS:
        table = apps.get_model(app_label, model_name)._meta.db_table
        decrypt_sealed_rows(schema_editor, table, column)


class Migration(migrations.Migration):
    dependencies = [
        ("innovation", "0001_demands_pipeline_forums_and_patent_service"),
    ]

    operations = [
        migrations.AddField(
            model_name="demand",
            name="contact_phone_hash",
            field=kexie.core.fields.PhoneIndexField(db_index=True, max_length=64, source="contact_phone"),
        ),
        migrations.AddField(
            model_name="demand",
            name="contact_phone_masked",
            field=kexie.core.fields.MaskedPhoneField(
                max_length=30, source="contact_phone", verbose_name="联系电话"
            ),
        ),
        migrations.AlterField(
            model_name="demand",
            name="contact_phone",
            field=kexie.core.fields.EncryptedPhoneField(blank=True, verbose_name="联系电话"),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones),
    ]
