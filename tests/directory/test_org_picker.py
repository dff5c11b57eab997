"""Organisation pickers stay small with many organisations and never widen a user's scope."""

import pytest
from django.urls import reverse

from kexie.activities.forms import LedgerFilter
from kexie.directory import widgets
from kexie.directory.models import Organisation


@pytest.fixture
def many(world, monkeypatch):
    """More organisations under 任城区 than the picker lists in full (LIMIT lowered to 3)."""
    monkeypatch.setattr(widgets, "LIMIT", 3)
    rencheng = world.orgs["rencheng"]
    schools = [
        Organisation.objects.create(name=f"任城区实验小学{i}", kind="school", parent=rencheng, path="")
        for i in range(4)
    ]
    for school in schools:
        school.path = f"{rencheng.path}{school.pk}/"
        school.save(update_fields=["path"])
    return schools


def test_few_organisations_are_all_listed_without_a_search_box(world, personas):
    html = LedgerFilter(actor=personas["county_staff"])["reporting_unit"].as_widget()
    assert "任城区二十里铺中学" in html and "任城区科学技术协会" in html
    assert "kx-org-search" not in html


def test_many_organisations_show_associations_the_choice_and_a_search_box(many, personas):
    chosen = many[2]
    form = LedgerFilter({"reporting_unit": str(chosen.pk)}, actor=personas["city_admin"])
    assert form.is_valid(), form.errors
    html = form["reporting_unit"].as_widget()
    assert "kx-org-search" in html and reverse("directory:org_options") in html
    assert f'<option value="{chosen.pk}" selected>' in html
    assert "任城区实验小学0" not in html  # not chosen, not an association: found by searching
    assert "任城区科学技术协会" in html and "济宁市科学技术协会" in html


def test_a_unit_outside_scope_is_still_refused(many, world, personas):
    form = LedgerFilter({"reporting_unit": str(world.orgs["base"].pk)}, actor=personas["county_staff"])
    assert not form.is_valid() and "reporting_unit" in form.errors


def test_search_finds_only_units_in_scope_and_keeps_the_chosen_one(client, many, world, personas):
    url = reverse("directory:org_options")
    client.force_login(personas["outsider"])  # 兖州区科协
    in_scope = {"rule": "activities.Activity.organiser"}
    assert "实验小学" not in client.get(url, {**in_scope, "org_q": "实验小学"}).content.decode()
    assert "兖州区科技馆" in client.get(url, {**in_scope, "org_q": "科技馆"}).content.decode()
    co_organisers = {"rule": "activities.Activity.co_organisers", "org_q": "实验小学"}
    assert "实验小学1" in client.get(url, co_organisers).content.decode()
    client.force_login(personas["county_staff"])
    params = {
        **in_scope,
        "org_q": "小学3",
        "name": "reporting_unit",
        "reporting_unit": str(many[0].pk),
        "empty": "全部单位",
    }
    html = client.get(url, params).content.decode()
    assert f'<option value="{many[0].pk}" selected>' in html and "任城区实验小学3" in html
    assert "任城区实验小学2" not in html and '<option value="">全部单位</option>' in html


def test_the_browser_cannot_widen_the_picker(client, many, world, personas):
    """The server's rule for the field decides what the picker offers; `?all=1` or `kind`
    parameters change nothing, and a field without a rule has no picker."""
    url = reverse("directory:org_options")
    client.force_login(personas["outsider"])  # 兖州区科协
    widened = {"rule": "activities.Activity.organiser", "org_q": "实验小学", "all": "1", "kind": "school"}
    assert "实验小学" not in client.get(url, widened).content.decode()
    assert "实验小学" not in client.get(url, {"org_q": "实验小学", "all": "1"}).content.decode()
    assert client.get(url, {"rule": "no.Such.field", "org_q": "实验小学"}).status_code == 404


def test_the_picker_and_the_form_use_the_same_rule(many, world, personas):
    from kexie.activities.forms import ActivityForm
    from kexie.core import references

    form = ActivityForm(actor=personas["county_staff"])
    for name in ("organiser", "reporting_unit", "co_organisers", "campaign"):
        field = form.fields[name]
        assert field.reference_rule == f"activities.Activity.{name}"
        rule_ids = set(
            references.choices(field.reference_rule, personas["county_staff"]).values_list("pk", flat=True)
        )
        assert set(field.queryset.values_list("pk", flat=True)) == rule_ids
    assert "rule=activities.Activity.co_organisers" in str(form["co_organisers"])
    assert "all=1" not in str(form["co_organisers"])
