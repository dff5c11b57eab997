import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.directory.models import Organisation, Person
from kexie.directory.services import organisation_create, person_create, person_update, uscc_warning


def test_failing_uscc_check_digit_is_saved_with_a_warning(world, personas):
    org = organisation_create(
        actor=personas["county_staff"],
        data={"name": "济宁某试点企业", "kind": "enterprise", "uscc": "91370800MA3C5YJ13X"},
    )
    assert org.parent == world.orgs["rencheng"]
    assert not org.uscc_checksum_ok
    assert "校验位" in uscc_warning(org)


def test_malformed_uscc_is_rejected(world, personas):
    with pytest.raises(ValidationError) as exc:
        organisation_create(
            actor=personas["county_staff"], data={"name": "坏代码", "kind": "enterprise", "uscc": "123"}
        )
    assert "18位" in str(exc.value)
    assert not Organisation.objects.filter(name="坏代码").exists()


def test_cannot_create_under_a_unit_out_of_scope(world, personas):
    with pytest.raises(ValidationError) as exc:
        organisation_create(
            actor=personas["county_staff"],
            data={"name": "越权", "kind": "school", "parent": world.orgs["yanzhou"]},
        )
    assert "不在您的管辖范围内" in str(exc.value)


def test_person_id_number_duplicate_and_masked_reimport(world, personas):
    actor = personas["county_staff"]
    p = person_create(actor=actor, data={"name": "李四", "id_number": "11010519491231002X"})
    with pytest.raises(ValidationError):
        person_create(actor=actor, data={"name": "王五", "id_number": "11010519491231002x"})
    person_update(actor=actor, person=p, data={"id_number": "110105********002X", "title": "研究员"})
    p.refresh_from_db()
    assert p.id_number == "11010519491231002X" and p.title == "研究员"


def test_outsider_cannot_update_person(world, personas):
    p = person_create(actor=personas["county_staff"], data={"name": "赵六"})
    with pytest.raises(Http404):
        person_update(actor=personas["outsider"], person=p, data={"name": "x"})
    assert Person.objects.get(pk=p.pk).name == "赵六"
