from django.db import migrations, models


class Migration(migrations.Migration):
    """Organisations' established/dissolved dates: stocks at 31 December of a past year (stats)."""

    dependencies = [
        ("directory", "0006_party_building"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="established_on",
            field=models.DateField(blank=True, null=True, verbose_name="成立日期"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="dissolved_on",
            field=models.DateField(blank=True, null=True, verbose_name="撤销日期"),
        ),
    ]
