"""Every audit entry records its unit, by a path that survives the unit's deletion.

Schema: `unit_path` (the unit's tree path when the entry was written), `changes` (the change
in words), and `actor`/`unit` without database constraint or on-delete action, so that no
deletion of a user or an organisation ever touches an audit row (core 0003 makes the rows
append-only in the database).

Data: entries written before lost their unit when the organisation was deleted (SET NULL) or
never had one. Their unit is found, in this order, from the unit still set, the record itself,
the record's snapshot (the unit id it held, or for an organisation its parent), and last the
acting user's unit; an entry with none of these stays global (superusers only). The change in
words is computed for every entry. This runs before the triggers of 0003 exist.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.db import migrations, models

from kexie.core.changes import describe

BATCH = 500
NAME_FIELDS = ("name", "title", "display_name", "username")


def _scope_field(label: str) -> str | None:
    try:
        return getattr(global_apps.get_model(label), "scope_field", None)
    except (LookupError, ValueError):
        return None


def _model(apps, label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _historical_name(related, pk) -> str | None:
    found = related._base_manager.filter(pk=pk).first()
    if found is None:
        return None
    for name in NAME_FIELDS:
        value = getattr(found, name, "")
        if value:
            return str(value)
    return None


def _follow(target, parts):
    for part in parts:
        target = getattr(target, part, None) if target is not None else None
    return target


class Resolver:
    def __init__(self, apps):
        self.apps = apps
        self.Organisation = apps.get_model("directory", "Organisation")
        self.User = apps.get_model(settings.AUTH_USER_MODEL)
        self.AuditEntry = apps.get_model("core", "AuditEntry")
        self.snapshots: dict[tuple[str, str], dict] = {}

    def org(self, pk):
        if pk in (None, ""):
            return None
        return self.Organisation._base_manager.filter(pk=pk).first()

    def unit_and_path(self, entry) -> tuple[object, str]:
        unit = self.org(entry.unit_id)
        if unit is not None:
            return unit.pk, unit.path
        found = self._from_record(entry) or self._from_snapshot(entry) or self._from_actor(entry)
        return found if found else (None, "")

    def _from_record(self, entry):
        model, field = _model(self.apps, entry.object_type), _scope_field(entry.object_type)
        if model is None or field is None or not entry.object_id:
            return None
        try:
            record = model._base_manager.filter(pk=entry.object_id).first()
            unit = record if field == "" else _follow(record, field.split("__"))
        except (ValueError, TypeError, AttributeError):
            return None
        return (unit.pk, unit.path) if unit is not None and unit.path else None

    def _from_snapshot(self, entry):
        field = _scope_field(entry.object_type)
        snapshot = {**self._record_snapshot(entry), **(entry.after or {}), **(entry.before or {})}
        if field is None or not snapshot:
            return None
        if field == "":  # a deleted organisation: below its parent, under its own id
            parent = self.org(snapshot.get("parent_id"))
            if parent is None or not entry.object_id.isdigit():
                return None
            return int(entry.object_id), f"{parent.path}{entry.object_id}/"
        first, *rest = field.split("__")
        model = _model(self.apps, entry.object_type)
        try:
            related = model._meta.get_field(first).related_model
            target = related._base_manager.filter(pk=snapshot.get(f"{first}_id")).first()
        except (AttributeError, LookupError, ValueError, TypeError):
            return None
        unit = _follow(target, rest)
        return (unit.pk, unit.path) if unit is not None and unit.path else None

    def _record_snapshot(self, entry) -> dict:
        """What every entry of the same record knows of it (a delete's `before` is complete)."""
        key = (entry.object_type, entry.object_id)
        if not entry.object_id:
            return {}
        if key not in self.snapshots:
            merged: dict = {}
            siblings = self.AuditEntry._base_manager.filter(object_type=key[0], object_id=key[1])
            for before, after in siblings.order_by("pk").values_list("before", "after"):
                merged.update(after or {})
                merged.update(before or {})
            self.snapshots[key] = merged
        return self.snapshots[key]

    def _from_actor(self, entry):
        actor = self.User._base_manager.filter(pk=entry.actor_id).first() if entry.actor_id else None
        unit = self.org(actor.unit_id) if actor is not None else None
        return (unit.pk, unit.path) if unit is not None else None


def backfill(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    resolver = Resolver(apps)
    batch = []
    for entry in AuditEntry._base_manager.order_by("pk").iterator(chunk_size=BATCH):
        entry.unit_id, entry.unit_path = resolver.unit_and_path(entry)
        model = _model(apps, entry.object_type)
        entry.changes = describe(model, entry.before, entry.after, name_of=_historical_name)
        batch.append(entry)
        if len(batch) >= BATCH:
            AuditEntry._base_manager.bulk_update(batch, ["unit", "unit_path", "changes"])
            batch = []
    if batch:
        AuditEntry._base_manager.bulk_update(batch, ["unit", "unit_path", "changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("directory", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("activities", "0004_indexes_for_indicators_ledger_review_and_home"),
        ("innovation", "0001_demands_pipeline_forums_and_patent_service"),
        ("literacy", "0001_survey_questionnaire_responses"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="changes",
            field=models.JSONField(blank=True, null=True, verbose_name="变更(显示值)"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="unit_path",
            field=models.CharField(blank=True, db_index=True, max_length=255, verbose_name="所属单位路径"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to="directory.organisation",
                verbose_name="所属单位",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
