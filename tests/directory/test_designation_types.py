"""Designation types are a controlled list (code, name, allowed levels); counts use the type."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from kexie.core.indicators import Period, Scope, get
from kexie.directory.codes import DESIGNATION_TYPE_LEVELS, DesignationType
from kexie.directory.models import Designation
from kexie.directory.services import designation_create

Y2020 = Period.year(2020)


def _create(actor, org, **data):
    return designation_create(actor=actor, data={"organisation": org, "year": 2020, **data})


def test_new_outreach_bases_count_the_type_whatever_the_title(world, personas):
    staff, base = personas["county_staff"], world.orgs["school"]
    _create(staff, base, type="outreach_base", title="济宁市科普教育基地", level="city")
    _create(staff, base, type="outreach_base", level="province")
    _create(staff, base, type="collaborative_innovation_base", title="科普教育基地", level="national")
    result = get("directory.new_outreach_bases").compute(Y2020, Scope(personas["city_admin"]))
    assert (result.value, result.breakdown["level"]) == (2, {"city": 1, "province": 1})
    assert get("directory.new_outreach_bases").records(Y2020, Scope(personas["city_admin"])).count() == 2


def test_every_type_has_a_name_and_allowed_levels():
    assert set(DESIGNATION_TYPE_LEVELS) == set(DesignationType.values)
    assert all(DESIGNATION_TYPE_LEVELS[t] for t in DesignationType.values)
    assert DesignationType("outreach_base").label == "科普教育基地"


def test_a_level_the_type_does_not_allow_is_refused_with_a_chinese_message(world, personas):
    with pytest.raises(ValidationError) as caught:
        _create(
            personas["county_staff"], world.orgs["school"], type="collaborative_innovation_base", level="city"
        )
    assert "协同创新基地" in str(caught.value.message_dict["level"]) and "市级" in str(
        caught.value.message_dict["level"]
    )
    with pytest.raises(ValidationError) as caught:
        _create(personas["county_staff"], world.orgs["school"], type="no_such_type", level="city")
    assert "type" in caught.value.message_dict
    assert not Designation.objects.exists()


def test_the_form_offers_the_types_and_refuses_a_level_not_allowed(client, world, personas):
    client.force_login(personas["county_staff"])
    school = world.orgs["school"]
    page = client.get(reverse("directory:org_detail", args=[school.pk])).content.decode()
    assert 'name="type"' in page and "协同创新基地" in page
    url = reverse("directory:designation_create", args=[school.pk])
    response = client.post(
        url, {"type": "collaborative_innovation_base", "level": "city", "year": "2020"}, follow=True
    )
    assert "级别" in response.content.decode() and not Designation.objects.exists()
    client.post(url, {"type": "outreach_base", "title": "某市科普教育基地", "level": "city", "year": "2020"})
    assert Designation.objects.get().type == "outreach_base"


def test_the_api_validates_the_type_and_its_levels(client, world, personas):
    client.force_login(personas["county_staff"])
    url = f"/api/v1/directory/organisations/{world.orgs['school'].pk}/designations"
    bad_type = client.post(url, {"type": "x", "level": "city", "year": 2020}, content_type="application/json")
    assert bad_type.status_code == 422
    bad_level = client.post(
        url,
        {"type": "collaborative_innovation_base", "level": "city", "year": 2020},
        content_type="application/json",
    )
    assert bad_level.status_code == 422 and "级别" in bad_level.json()["detail"][0]["message"]
    ok = client.post(
        url, {"type": "outreach_base", "level": "city", "year": 2020}, content_type="application/json"
    )
    assert (
        ok.status_code == 201
        and ok.json()["type"] == "outreach_base"
        and ok.json()["type_name"] == "科普教育基地"
    )
    assert not Designation.objects.filter(level="city", type="collaborative_innovation_base").exists()


def test_migration_maps_existing_titles_to_types(world):
    migration = importlib.import_module("kexie.directory.migrations.0003_designation_types")
    school = world.orgs["school"]
    rows = {
        title: Designation.objects.create(organisation=school, title=title, level=level, year=2019, type="other")
        for title, level in [("某市科普教育基地", "city"), ("省级协同创新基地", "province"),
                             ("全国青少年人工智能活动特色单位", "national"), ("协同创新基地", "city"), ("文明单位", "city")]
    }  # fmt: skip
    migration.assign_types(global_apps, None)
    types = {title: Designation.objects.get(pk=d.pk).type for title, d in rows.items()}
    assert types == {
        "某市科普教育基地": "outreach_base",
        "省级协同创新基地": "collaborative_innovation_base",
        "全国青少年人工智能活动特色单位": "outreach_special_unit",
        "协同创新基地": "other",  # a level the type does not allow: kept, as 其他
        "文明单位": "other",
    }
