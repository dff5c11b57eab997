"""Officers become directory positions with dates (directory.Affiliation): each Officer row is
copied to a position at the term's organisation (role: the officer title), then the model goes."""

from django.db import migrations

TITLES = {
    "chair": "理事长(主席)",
    "vice_chair": "副理事长(副主席)",
    "secretary_general": "秘书长",
    "board": "理事(委员)",
}


def officers_to_positions(apps, schema_editor):
    Officer = apps.get_model("societies", "Officer")
    Affiliation = apps.get_model("directory", "Affiliation")
    for officer in Officer.objects.select_related("term").order_by("id").iterator():
        position, created = Affiliation.objects.get_or_create(
            person_id=officer.person_id,
            organisation_id=officer.term.organisation_id,
            role=TITLES.get(officer.role, officer.role),
            starts_on=officer.starts_on,
            defaults={"ends_on": officer.ends_on, "is_primary": False},
        )
        if (
            not created
            and officer.ends_on
            and (position.ends_on is None or position.ends_on < officer.ends_on)
        ):
            position.ends_on = officer.ends_on
            position.save(update_fields=["ends_on"])


def positions_to_officers(apps, schema_editor):
    Officer = apps.get_model("societies", "Officer")
    Term = apps.get_model("societies", "Term")
    Affiliation = apps.get_model("directory", "Affiliation")
    codes = {title: code for code, title in TITLES.items()}
    for position in Affiliation.objects.filter(role__in=list(codes), starts_on__isnull=False).order_by("id"):
        term = (
            Term.objects.filter(organisation_id=position.organisation_id, starts_on__lte=position.starts_on)
            .order_by("-starts_on")
            .first()
        )
        if term is None:
            continue
        Officer.objects.get_or_create(
            term=term, person_id=position.person_id, role=codes[position.role],
            defaults={"starts_on": position.starts_on, "ends_on": position.ends_on},
        )  # fmt: skip
        position.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("societies", "0001_initial"),
        ("directory", "0007_position_dates"),
    ]

    operations = [
        migrations.RunPython(officers_to_positions, positions_to_officers),
        migrations.DeleteModel(name="Officer"),
    ]
