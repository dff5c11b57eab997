"""Designation types (命名类型): a controlled list instead of free titles.

Existing designations get a type from the words of their title (the first rule that matches
and whose type is given at the designation's level); any other title becomes 其他命名 and keeps
its title. Counts (e.g. 新命名科普教育基地) use the type from now on."""

from django.db import migrations, models

ALL_LEVELS = ("city", "province", "national")
# (word in the title, type, levels the type is given at), checked in this order. A frozen copy
# of kexie.directory.codes: a migration must not change when the code does.
RULES = [
    ("科普教育基地", "outreach_base", ALL_LEVELS),
    ("协同创新基地", "collaborative_innovation_base", ("province", "national")),
    ("特色单位", "outreach_special_unit", ALL_LEVELS),
]
CHOICES = [
    ("outreach_base", "科普教育基地"),
    ("outreach_special_unit", "科普特色单位"),
    ("collaborative_innovation_base", "协同创新基地"),
    ("other", "其他命名"),
]


def assign_types(apps, schema_editor):
    Designation = apps.get_model("directory", "Designation")
    for word, code, levels in RULES:
        Designation.objects.filter(type="other", title__contains=word, level__in=levels).update(type=code)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_phones_encrypted_at_rest")]

    operations = [
        migrations.AddField(
            model_name="designation",
            name="type",
            field=models.CharField(choices=CHOICES, default="other", max_length=40, verbose_name="命名类型"),
        ),
        migrations.RunPython(assign_types, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="designation",
            name="type",
            field=models.CharField(
                choices=CHOICES,
                db_index=True,
                default="outreach_base",
                max_length=40,
                verbose_name="命名类型",
            ),
        ),
        migrations.AlterField(
            model_name="designation",
            name="title",
            field=models.CharField(
                blank=True,
                help_text="如“济宁市科普教育基地”;空则用类型名",
                max_length=100,
                verbose_name="称号",
            ),
        ),
        migrations.RemoveConstraint(model_name="designation", name="designation_unique"),
        migrations.AddConstraint(
            model_name="designation",
            constraint=models.UniqueConstraint(
                fields=("organisation", "type", "title", "level", "year"), name="designation_unique"
            ),
        ),
    ]
