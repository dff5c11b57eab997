"""Phones encrypted at rest with a blind index; masked values stay masked in forms and the API;
personal data kept out of URLs (issue 8, "Keys and personal data")."""

import json

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from kexie.core.fields import phone_index
from kexie.core.models import AuditEntry
from kexie.directory.models import Organisation, Person
from kexie.directory.services import organisation_update, person_create

PHONE = "13112346781"
MASK = "131****6781"
ID_NUMBER = "370811199001011237"


def valid_id_number() -> str:
    from kexie.core.validators import id_number_problem

    base = ID_NUMBER[:17]
    return next(base + c for c in "0123456789X" if id_number_problem(base + c) is None)


@pytest.fixture
def person(personas):
    staff = personas["county_staff"]
    return person_create(
        actor=staff, data={"name": "李四", "phone": PHONE, "id_number": valid_id_number(), "unit": staff.unit}
    )


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


# ---- encrypted at rest -------------------------------------------------------------------------


def test_person_phone_is_encrypted_at_rest(person):
    stored = raw_column("directory_person", "phone", person.pk)
    assert PHONE not in stored and "6781" not in stored
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.phone == PHONE and fresh.phone_masked == MASK


def test_organisation_contact_phone_is_encrypted_at_rest(world, personas):
    org = organisation_update(
        actor=personas["city_admin"], org=world.orgs["rencheng"], data={"contact_phone": "0537-2345678"}
    )
    assert "2345678" not in raw_column("directory_organisation", "contact_phone", org.pk)
    fresh = Organisation.objects.get(pk=org.pk)
    assert fresh.contact_phone == "0537-2345678" and fresh.contact_phone_masked == "053*****5678"


def test_demand_contact_phone_is_encrypted_at_rest(world, personas):
    from kexie.innovation import services
    from kexie.innovation.models import Demand
    from kexie.innovation.testing import build_innovation_world, demand_data

    inno = build_innovation_world(world)
    demand = services.demand_create(actor=personas["county_staff"], data=demand_data(inno["enterprise"]))
    assert "13905370001" not in raw_column("innovation_demand", "contact_phone", demand.pk)
    assert Demand.objects.get(pk=demand.pk).contact_phone == "13905370001"


def test_exact_search_goes_through_the_blind_index(person):
    assert list(Person.objects.filter(phone_hash=phone_index("131-1234-6781"))) == [person]
    assert not Person.objects.filter(phone_hash=phone_index("13112346780")).exists()
    with pytest.raises(FieldError):  # a ciphertext compares with nothing: never a silent miss
        list(Person.objects.filter(phone=PHONE))


def test_import_encrypts_on_write(world, personas):
    import io

    from kexie.core.imports import import_file

    rows = "姓名,手机号码\n王五,13700001111\n".encode()
    result = import_file(
        actor=personas["county_staff"], kind="people", fileobj=io.BytesIO(rows), filename="p.csv"
    )
    assert result.ok, result.errors
    imported = Person.objects.get(name="王五")
    assert "13700001111" not in raw_column("directory_person", "phone", imported.pk)
    assert imported.phone == "13700001111" and imported.phone_masked == "137****1111"
    assert imported.phone_hash == phone_index("13700001111")


def test_import_update_refreshes_the_index_and_mask(person, personas):
    import io

    from kexie.core.imports import import_file

    rows = "姓名,手机号码\n李四,13700002222\n".encode()
    result = import_file(
        actor=personas["county_staff"], kind="people", fileobj=io.BytesIO(rows), filename="p.csv"
    )
    assert result.ok and result.updated == 1, result.errors
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.phone, fresh.phone_masked) == ("13700002222", "137****2222")
    assert fresh.phone_hash == phone_index("13700002222")
    assert "13700002222" not in raw_column("directory_person", "phone", person.pk)


def test_audit_entries_hold_neither_the_phone_nor_its_index(person):
    entry = AuditEntry.objects.get(action="kexie.person.created", object_id=str(person.pk))
    text = json.dumps(entry.after, ensure_ascii=False)
    assert PHONE not in text and person.phone_hash not in text
    assert entry.after["phone"] == MASK


def test_existing_plain_rows_are_encrypted_by_the_migration(person):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("kexie.directory.migrations.0002_phones_encrypted_at_rest")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_person SET phone = %s, phone_hash = '', phone_masked = ''", [PHONE])
    migration.encrypt_phones(apps, connection.schema_editor())
    migration.encrypt_phones(apps, connection.schema_editor())  # twice: rows already sealed stay as they are
    fresh = Person.objects.get(pk=person.pk)
    assert PHONE not in raw_column("directory_person", "phone", person.pk)
    assert (fresh.phone, fresh.phone_masked, fresh.phone_hash) == (PHONE, MASK, phone_index(PHONE))


# ---- masked fields stay masked in forms and the API -------------------------------------------


def test_person_edit_form_shows_the_mask_not_the_number(client, personas, person):
    client.force_login(personas["county_staff"])  # no personal-data permission
    page = client.get(reverse("directory:person_edit", args=[person.pk])).content.decode()
    assert PHONE not in page and valid_id_number() not in page
    assert f'value="{MASK}"' in page


def test_person_edit_keeps_the_stored_phone_when_the_mask_comes_back(client, personas, person):
    client.force_login(personas["county_staff"])
    url = reverse("directory:person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="李四(改)", unit=person.unit_id)
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.name == "李四(改)" and person.phone == PHONE and person.id_number == valid_id_number()
    data["phone"] = "13999998888"  # a new number typed in replaces it
    client.post(url, data)
    person.refresh_from_db()
    assert person.phone == "13999998888"


def test_org_edit_form_masks_the_contact_phone(client, world, personas):
    org = organisation_update(
        actor=personas["city_admin"], org=world.orgs["rencheng"], data={"contact_phone": "0537-2345678"}
    )
    client.force_login(personas["county_staff"])
    page = client.get(reverse("directory:org_edit", args=[org.pk])).content.decode()
    assert "0537-2345678" not in page and 'value="053*****5678"' in page


def test_demand_edit_form_masks_the_contact_phone(client, world, personas):
    from kexie.innovation import services
    from kexie.innovation.testing import build_innovation_world, demand_data

    inno = build_innovation_world(world)
    demand = services.demand_create(actor=personas["county_staff"], data=demand_data(inno["enterprise"]))
    client.force_login(personas["county_staff"])
    page = client.get(reverse("innovation:demand_edit", args=[demand.pk])).content.decode()
    assert "13905370001" not in page and 'value="139****0001"' in page


def test_api_masks_and_a_masked_patch_keeps_the_stored_phone(client, personas, person):
    client.force_login(personas["county_staff"])
    url = f"/api/v1/directory/people/{person.pk}"
    body = client.get(url).json()
    assert body["phone"] == MASK and PHONE not in json.dumps(body)
    response = client.patch(url, {"phone": MASK, "title": "教授"}, content_type="application/json")
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.phone == PHONE and person.title == "教授"


# ---- personal data out of URLs -------------------------------------------------------------


@pytest.mark.parametrize("query", [PHONE, "131 1234 6781", "id"])
def test_people_search_by_phone_or_id_number_keeps_it_out_of_the_url(client, personas, person, query):
    query = valid_id_number() if query == "id" else query
    client.force_login(personas["county_staff"])
    response = client.post(reverse("directory:person_list"), {"q": query})
    assert response.status_code == 303
    location = response["Location"]
    digits = "".join(ch for ch in query if ch.isalnum())
    assert digits not in location.replace(" ", "") and "6781" not in location and "1237" not in location
    page = client.get(location).content.decode()
    assert reverse("directory:person_detail", args=[person.pk]) in page
    assert digits not in page  # not echoed back into the search box either


def test_an_old_link_with_a_number_is_rewritten(client, personas, person):
    client.force_login(personas["county_staff"])
    response = client.get(reverse("directory:person_list"), {"q": PHONE, "tag": ""})
    assert response.status_code == 303 and PHONE not in response["Location"]
    assert (
        reverse("directory:person_detail", args=[person.pk])
        in client.get(response["Location"]).content.decode()
    )


def test_people_search_by_name_still_filters(client, personas, person):
    client.force_login(personas["county_staff"])
    response = client.post(reverse("directory:person_list"), {"q": "李"})
    page = client.get(response["Location"]).content.decode()
    assert reverse("directory:person_detail", args=[person.pk]) in page


def test_people_filter_form_posts(client, personas, person):
    client.force_login(personas["county_staff"])
    page = client.get(reverse("directory:person_list")).content.decode()
    assert '<form method="post" class="kx-filters' in page


def test_api_finds_people_by_number_in_the_body_not_the_url(client, personas, person):
    client.force_login(personas["county_staff"])
    found = client.post(
        "/api/v1/directory/people/search", {"number": "131-1234-6781"}, content_type="application/json"
    ).json()
    assert [p["id"] for p in found["items"]] == [person.pk] and found["items"][0]["phone"] == MASK
    by_id = client.post(
        "/api/v1/directory/people/search", {"number": valid_id_number()}, content_type="application/json"
    ).json()
    assert [p["id"] for p in by_id["items"]] == [person.pk]
    refused = client.get("/api/v1/directory/people", {"search": PHONE})
    assert refused.status_code == 422 and "POST" in refused.json()["detail"][0]["message"]


def test_api_number_search_stays_in_scope(client, personas, person):
    client.force_login(personas["outsider"])  # another county's admin
    found = client.post("/api/v1/directory/people/search", {"number": PHONE}, content_type="application/json")
    assert found.status_code == 200 and found.json()["items"] == []
