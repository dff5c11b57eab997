import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404

from kexie.core import audit
from kexie.core.models import AuditEntry
from kexie.core.scoping import get_scoped_or_404, scoped
from kexie.directory.models import Organisation, Person
from kexie.directory.services import organisation_update, person_create


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_unit_and_below(world, personas):
    assert names(scoped(Organisation, personas["city_admin"])) == set(
        Organisation.objects.values_list("name", flat=True)
    )
    assert names(scoped(Organisation, personas["county_staff"])) == {
        "任城区科学技术协会",
        "任城区二十里铺中学",
    }
    assert names(scoped(Organisation, personas["society_secretary"])) == {"济宁市心理学会"}


def test_anonymous_and_unitless_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    from kexie.accounts.models import User

    assert not scoped(Organisation, AnonymousUser()).exists()
    assert not scoped(Organisation, User.objects.create(username="nobody")).exists()


def test_out_of_scope_is_404(world, personas):
    with pytest.raises(Http404):
        get_scoped_or_404(Organisation, personas["outsider"], pk=world.orgs["school"].pk)
    assert get_scoped_or_404(Organisation, personas["county_staff"], pk=world.orgs["school"].pk)


def test_moving_an_organisation_moves_its_subtree(world, personas):
    school = world.orgs["school"]
    organisation_update(
        actor=personas["city_admin"], org=world.orgs["rencheng"], data={"parent": world.orgs["yanzhou"]}
    )
    school.refresh_from_db()
    assert school.path.startswith(world.orgs["yanzhou"].path)
    assert "任城区二十里铺中学" in names(scoped(Organisation, personas["outsider"]))


def test_audit_is_append_only(world, personas):
    entry = AuditEntry.objects.first()
    org = world.orgs["school"]
    organisation_update(actor=personas["county_staff"], org=org, data={"address": "任城区二十里铺"})
    entry = AuditEntry.objects.get(action="kexie.organisation.changed")
    assert entry.before == {"address": ""} and entry.after == {"address": "任城区二十里铺"}
    assert entry.unit == org and entry.actor == personas["county_staff"]
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    entry.note = "x"
    with pytest.raises(PermissionDenied):
        entry.save()


def test_audit_rolls_back_with_the_change(world, personas):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        organisation_update(actor=personas["county_staff"], org=world.orgs["school"], data={"address": "x"})
        raise RuntimeError
    assert AuditEntry.objects.count() == before


def test_id_number_encrypted_at_rest_and_masked_in_audit(world, personas):
    person = person_create(
        actor=personas["county_staff"],
        data={"name": "张三", "phone": "13853712345", "id_number": "11010519491231002X"},
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM directory_person WHERE id = %s", [person.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "11010519491231002X" not in row and "13853712345" not in row  # both encrypted at rest
    assert Person.objects.get(pk=person.pk).id_number == "11010519491231002X"
    entry = audit.history(person).get()
    dumped = str(entry.before) + str(entry.after)
    assert "11010519491231002X" not in dumped and "13853712345" not in dumped
    assert entry.after["id_number_masked"] == "110105********002X" and entry.after["phone"] == "138****2345"
