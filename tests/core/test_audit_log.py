"""The audit log: every entry has its unit, the database refuses changes, actions are registered,
and change logs read as labels and names."""

import re
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from kexie.core import actions, audit
from kexie.core.models import AuditEntry
from kexie.core.scoping import scoped
from kexie.directory.models import Organisation
from kexie.directory.services import organisation_create, organisation_delete, organisation_update

SRC = Path(__file__).resolve().parents[2] / "src" / "kexie"


def seen_by(user) -> list[str]:
    return list(scoped(AuditEntry, user).values_list("action", flat=True))


# ---- every entry records its unit ------------------------------------------------------------


def test_county_admin_sees_own_organisation_create_edit_delete(world, personas):
    admin = personas["outsider"]  # 兖州区科协's admin
    org = organisation_create(actor=admin, data={"name": "兖州区实验小学", "kind": "school"})
    organisation_update(actor=admin, org=org, data={"address": "兖州区建设路"})
    organisation_delete(actor=admin, org=org)
    mine = seen_by(admin)
    for verb in ("created", "changed", "deleted"):
        assert f"kexie.organisation.{verb}" in mine
    assert "kexie.organisation.deleted" not in seen_by(personas["county_staff"])  # 任城区 is elsewhere


def test_deleting_an_organisation_leaves_its_audit_rows_untouched(world, personas):
    admin = personas["outsider"]
    org = organisation_create(actor=admin, data={"name": "兖州区实验小学", "kind": "school"})
    org_pk, path = org.pk, org.path
    organisation_delete(actor=admin, org=org)
    assert not Organisation.objects.filter(pk=org_pk).exists()
    rows = AuditEntry.objects.filter(object_type="directory.organisation", object_id=str(org_pk))
    assert {(e.unit_id, e.unit_path) for e in rows} == {(org_pk, path)}


def test_log_refuses_an_entry_without_a_unit(world, personas):
    region = world.regions["370811"]
    with pytest.raises(audit.AuditUnitMissing):
        audit.log(actor=personas["city_admin"], action="kexie.region.created", obj=region)
    assert not AuditEntry.objects.filter(action="kexie.region.created").exists()
    entry = audit.log(actor=personas["city_admin"], action="kexie.region.created", obj=region, system=True)
    assert entry.unit is None and entry.unit_path == ""
    assert entry.pk in scoped(AuditEntry, _superuser()).values_list("pk", flat=True)
    assert "kexie.region.created" not in seen_by(personas["city_admin"])  # global: superusers only


def test_user_entries_belong_to_the_users_unit(world, personas):
    from kexie.accounts.services import api_token_create

    staff = personas["county_staff"]
    api_token_create(actor=staff, user=staff, name="接口")
    entry = AuditEntry.objects.get(action="kexie.api_token.created")
    assert entry.unit == staff.unit and entry.unit_path == staff.unit.path


def _superuser():
    from kexie.accounts.models import User

    return User.objects.create(username="root", is_superuser=True)


# ---- append-only at the database -------------------------------------------------------------


def _one_entry(world, personas):
    organisation_update(actor=personas["county_staff"], org=world.orgs["school"], data={"address": "x"})
    return AuditEntry.objects.get(action="kexie.organisation.changed")


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM core_auditentry",
        "DELETE FROM core_auditentry WHERE id = {pk}",
        "UPDATE core_auditentry SET note = 'x' WHERE id = {pk}",
        "UPDATE core_auditentry SET unit_id = NULL",
    ],
)
def test_raw_sql_cannot_change_or_delete_audit_rows(world, personas, sql):
    entry = _one_entry(world, personas)
    count = AuditEntry.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(pk=entry.pk))
    assert AuditEntry.objects.count() == count
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


@pytest.mark.postgres
def test_truncate_is_refused_on_postgresql(world, personas):
    _one_entry(world, personas)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditentry")
    assert AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_transactional_teardown_still_empties_the_audit_log(world, personas):
    """The test flush after this test must get past the triggers (the next test checks it)."""
    _one_entry(world, personas)
    assert AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_flush_before_this_test_emptied_the_audit_log():
    assert not AuditEntry.objects.exists()


# ---- the action registry ---------------------------------------------------------------------


def test_log_refuses_an_unregistered_action(world, personas):
    with pytest.raises(actions.UnknownAuditAction):
        audit.log(
            actor=personas["county_staff"], action="kexie.organisation.renamed", obj=world.orgs["school"]
        )
    assert not AuditEntry.objects.exists()


LITERAL = re.compile(r"""["'](kexie\.[a-z_]+\.[a-z_]+)["']""")


def _is_module_path(dotted: str) -> bool:
    _, first, second = dotted.split(".")
    return (
        (SRC / first / f"{second}.py").exists()
        or (SRC / first / second).is_dir()
        or (SRC / f"{first}.py").exists()
    )


def test_every_action_in_the_code_is_registered():
    used = set()
    for path in SRC.rglob("*.py"):
        used.update(m for m in LITERAL.findall(path.read_text(encoding="utf-8")) if not _is_module_path(m))
    assert len(used) > 40
    assert sorted(code for code in used if actions.get(code) is None) == []


def test_every_import_kind_has_its_import_action():
    from kexie.core.imports import engine

    for kind in engine.KIND_MODULES:
        assert actions.get(f"kexie.import.{kind}") is not None, kind


def test_every_registered_action_has_a_chinese_label_and_kind():
    for action in actions.all_actions():
        assert re.search(r"[\u4e00-\u9fff]", str(action.label)), action.code
        assert re.search(r"[\u4e00-\u9fff]", str(action.kind)), action.code


def test_audit_log_page_filters_by_action(client, world, personas):
    admin = personas["city_admin"]
    organisation_update(actor=admin, org=world.orgs["school"], data={"address": "x"})
    org = organisation_create(actor=admin, data={"name": "济宁市新学会", "kind": "other"})
    client.force_login(admin)
    page = client.get(reverse("core:audit_log")).content.decode()
    assert '<option value="kexie.organisation.changed"' in page and "组织" in page
    page = client.get(reverse("core:audit_log"), {"action": "kexie.organisation.created"}).content.decode()
    assert org.name in page and "任城区二十里铺中学" not in page


# ---- change logs show labels and names ---------------------------------------------------------


def _history_cells(page: str) -> str:
    table = page[page.index("kx-history") :]
    return re.sub(r"\s*:\s*", ":", re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table)))


def test_demand_history_shows_names_and_labels(client, world, personas):
    from kexie.innovation import services
    from kexie.innovation.testing import build_innovation_world, demand_data

    inno = build_innovation_world(world)
    staff = personas["county_staff"]
    demand = services.demand_create(actor=staff, data=demand_data(inno["enterprise"]))
    services.demand_review(actor=personas["city_admin"], demand=demand)
    client.force_login(personas["city_admin"])
    cells = _history_cells(client.get(reverse("innovation:demand_detail", args=[demand.pk])).content.decode())
    enterprise = inno["enterprise"]
    assert f"企业:{enterprise.name}" in cells and f"录入人:{staff}" in cells
    assert "状态:已征集 → 已审核" in cells and "来源:企业发布" in cells and "保密:否" in cells
    assert (
        f"企业:{enterprise.pk}" not in cells
        and "collected" not in cells
        and f"录入人:{staff.pk}" not in cells
    )


def test_change_logs_use_choice_labels_and_related_names(world, personas):
    admin = personas["city_admin"]
    org = world.orgs["school"]
    organisation_update(actor=admin, org=org, data={"parent": world.orgs["yanzhou"], "kind": "enterprise"})
    entry = AuditEntry.objects.get(action="kexie.organisation.changed")
    shown = {c["label"]: (c["before"], c["after"]) for c in entry.changes}
    assert shown["上级单位"] == ("任城区科学技术协会", "兖州区科学技术协会")
    assert shown["类型"] == ("学校", "企业")
    assert entry.before["parent_id"] == world.orgs["rencheng"].pk  # the raw values stay for the record


def test_names_survive_the_referenced_record(world, personas):
    admin = personas["city_admin"]
    org = organisation_create(actor=admin, data={"name": "任城区临时学校", "kind": "school"})
    from kexie.directory.services import person_create

    person = person_create(actor=admin, data={"name": "李四", "unit": org})
    from kexie.directory.services import person_delete

    person_delete(actor=admin, person=person)
    organisation_delete(actor=admin, org=org)
    created = AuditEntry.objects.get(action="kexie.person.created")
    assert {"label": "管理单位", "before": None, "after": "任城区临时学校"}.items() <= next(
        c for c in created.changes if c["field"] == "unit_id"
    ).items()


def test_api_lists_entries_of_a_deleted_unit_in_words(client, world, personas):
    admin = personas["outsider"]
    org = organisation_create(actor=admin, data={"name": "兖州区实验小学", "kind": "school"})
    org_pk = org.pk
    organisation_delete(actor=admin, org=org)
    client.force_login(admin)
    response = client.get("/api/v1/core/audit-log", {"action": "kexie.organisation"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["action"] for i in items] == ["kexie.organisation.deleted", "kexie.organisation.created"]
    deleted = items[0]
    assert (
        deleted["unit_id"] == org_pk
        and deleted["unit_name"] == ""
        and deleted["action_label"] == "删除"
        and deleted["action_kind"] == "组织"
    )
    assert {"field": "kind", "label": "类型", "before": "学校", "after": None} in deleted["changes"]


def test_deleting_a_user_leaves_their_audit_rows_untouched(world, personas):
    from kexie.accounts.models import User

    staff = personas["county_staff"]
    entry = _one_entry(world, personas)
    User.objects.filter(pk=staff.pk).delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == staff.pk and entry.actor_repr == "rencheng_staff"


def test_activity_history_shows_names_and_labels(client, world, personas, make_activity):
    from kexie.activities.services import activity_submit

    staff = personas["county_staff"]
    activity = make_activity()
    activity_submit(actor=staff, activity=activity)
    client.force_login(staff)
    cells = _history_cells(
        client.get(reverse("activities:activity_detail", args=[activity.pk])).content.decode()
    )
    assert "状态:草稿 → 待审核" in cells and f"活动类型:{activity.kind}" in cells
    assert f"主办单位:{staff.unit.name}" in cells and "所在区划:任城区" in cells
    assert "draft" not in cells and f"活动类型:{activity.kind_id} " not in cells


@pytest.mark.django_db(transaction=True)
def test_the_flush_keeps_what_data_migrations_put_in():
    """After the flush of the transactional tests above, the default activity kinds are back."""
    from kexie.activities.models import ActivityKind

    assert ActivityKind.objects.filter(code="outreach.lecture").exists()
