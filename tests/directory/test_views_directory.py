import pytest
from django.urls import reverse

from kexie.directory.models import Organisation, Person
from kexie.directory.services import organisation_create, person_create

VALID_ID = "370811199001011237"


def valid_id_number() -> str:
    from kexie.core.validators import id_number_problem

    base = "37081119900101123"
    for check in "0123456789X":
        if id_number_problem(base + check) is None:
            return base + check
    raise AssertionError("no valid check digit")


@pytest.fixture
def person(personas):
    staff = personas["county_staff"]
    return person_create(
        actor=staff,
        data={"name": "李四", "phone": "13812345678", "id_number": valid_id_number(), "unit": staff.unit},
    )


def test_people_list_masks_phone_and_id_number_without_permission(client, personas, person):
    client.force_login(personas["county_staff"])
    page = client.get(reverse("directory:person_list")).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert person.id_number_masked in page and valid_id_number() not in page


def test_people_list_shows_personal_data_with_permission(client, personas, person):
    client.force_login(personas["city_admin"])  # 单位管理员 holds directory.view_personal_data
    page = client.get(reverse("directory:person_list")).content.decode()
    assert "13812345678" in page and valid_id_number() in page


def test_person_edit_keeps_id_number_when_the_mask_comes_back(client, personas, person):
    client.force_login(personas["county_staff"])
    url = reverse("directory:person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="李四(改)", unit=person.unit_id, id_number=person.id_number_masked)
    response = client.post(url, data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "李四(改)" and person.id_number == valid_id_number()


def test_person_phone_error_is_shown_on_the_field(client, world, personas):
    client.force_login(personas["county_staff"])
    response = client.post(
        reverse("directory:person_create"),
        {"name": "王五", "phone": "12345", "unit": world.orgs["rencheng"].pk},
    )
    assert response.status_code == 200 and response.context["form"].errors.get("phone")
    assert not Person.objects.filter(name="王五").exists()


def test_org_create_shows_uscc_errors_in_chinese(client, world, personas):
    client.force_login(personas["county_staff"])
    data = {"name": "任城区新学会", "kind": "enterprise", "uscc": "123", "parent": world.orgs["rencheng"].pk}
    response = client.post(reverse("directory:org_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"]
    assert not Organisation.objects.filter(name="任城区新学会").exists()


def test_association_without_level_error_is_on_the_level_field(client, world, personas):
    client.force_login(personas["county_staff"])
    data = {"name": "某镇科协", "kind": "association", "parent": world.orgs["rencheng"].pk}
    response = client.post(reverse("directory:org_create"), data)
    assert "科协须填写层级" in str(response.context["form"].errors["association_level"])


def test_org_with_failing_checksum_shows_a_warning_badge(client, world, personas):
    org = organisation_create(
        actor=personas["city_admin"],
        data={"name": "老代码企业", "kind": "enterprise", "parent": world.orgs["city"]},
    )
    Organisation.objects.filter(pk=org.pk).update(uscc="91370800MA3C0000X0", uscc_checksum_ok=False)
    client.force_login(personas["city_admin"])
    page = client.get(reverse("directory:org_list")).content.decode()
    assert "uscc-warning" in page and "校验未通过" in page


def test_org_detail_shows_history_and_sub_records(client, world, personas):
    client.force_login(personas["county_staff"])
    school = world.orgs["school"]
    client.post(
        reverse("directory:org_edit", args=[school.pk]),
        {"name": school.name, "kind": "school", "parent": school.parent_id, "address": "任城区某路1号"},
    )
    client.post(
        reverse("directory:org_year_set", args=[school.pk]),
        {"year": "2020", "has_party_organisation": "on", "member_count": "30"},
    )
    client.post(
        reverse("directory:designation_create", args=[school.pk]),
        {"title": "科普教育基地", "level": "city", "year": "2020"},
    )
    page = client.get(reverse("directory:org_detail", args=[school.pk])).content.decode()
    assert "任城区某路1号" in page and "kexie.organisation.changed" in page
    years = client.get(reverse("directory:org_detail", args=[school.pk])).context["years"]
    assert [(y.year, y.member_count, y.has_party_organisation) for y in years] == [(2020, 30, True)]
    assert "市级" in page


def test_delete_refused_when_children_exist(client, world, personas):
    client.force_login(personas["city_admin"])
    response = client.post(reverse("directory:org_delete", args=[world.orgs["rencheng"].pk]), follow=True)
    assert "还有下级单位" in response.content.decode()
    assert Organisation.objects.filter(pk=world.orgs["rencheng"].pk).exists()


def test_org_list_filters(client, world, personas):
    client.force_login(personas["city_admin"])
    page = client.get(reverse("directory:org_list"), {"kind": "society"})
    assert [o.name for o in page.context["page"].object_list] == ["济宁市心理学会"]


def test_region_tree(client, personas):
    client.force_login(personas["society_secretary"])
    rows = client.get(reverse("directory:region_list")).context["rows"]
    assert [(r.code, depth) for r, depth in rows] == [
        ("370000", 0),
        ("370800", 1),
        ("370811", 2),
        ("370812", 2),
    ]
