"""One rule book for directory writes: an organisation or a person entered through the web form
and the same one sent to the API end up as the same record with the same audit entry, and a
refusal reads the same; the services check permission, scope and reference rules themselves,
so a caller that skips the form or the API's look-ups is refused too."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kexie.core.models import AuditEntry
from kexie.directory import services
from kexie.directory.models import Organisation, Person

NOISE = {"id", "name", "path", "created_at", "updated_at", "contact_phone", "phone", "id_number_encrypted"}


def _record(model, name) -> dict:
    obj = model.objects.unscoped(reason="test").get(name=name)
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in NOISE}
    values["stored_phone"] = getattr(obj, "contact_phone", None) or getattr(obj, "phone", None)
    values.pop("id_number_hash", None)
    values["id_number"] = getattr(obj, "id_number", None) if model is Person else None
    return values


def _audit(name) -> dict:
    entry = AuditEntry.objects.unscoped(reason="test").filter(object_repr=name).order_by("-id").first()
    after = {k: v for k, v in (entry.after or {}).items() if k not in {"id", "name", "path"}}
    before = {k: v for k, v in (entry.before or {}).items() if k not in {"id", "name", "path"}}
    unit = "itself" if str(entry.unit_id) == entry.object_id else entry.unit_id  # an organisation owns itself
    return {"action": entry.action, "unit": unit, "before": before, "after": after}


def _web_post(client, url, data):
    response = client.post(url, {k: "" if v is None else v for k, v in data.items()})
    assert response.status_code in (200, 302)
    return response


def _api(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json")


ORG = {
    "short_name": "示例", "kind": "enterprise", "uscc": "91370800ma3c5yj13x", "contact_name": "张三",
    "contact_phone": "13912345678", "email": "a@example.com", "address": "示例路1号", "is_active": True,
    "note": "备注",
}  # fmt: skip


def test_organisation_from_web_and_api_is_the_same_record(client, world, personas):
    client.force_login(personas["county_staff"])
    region = world.regions["370811"].pk
    parent = world.orgs["school"].pk
    _web_post(
        client,
        reverse("directory:org_create"),
        {**ORG, "name": "网页单位", "region": region, "parent": parent},
    )
    response = _api(
        client, "post", "/api/v1/directory/organisations",
        {**ORG, "name": "接口单位", "region_id": region, "parent_id": parent},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert _record(Organisation, "网页单位") == _record(Organisation, "接口单位")
    assert _audit("网页单位") == _audit("接口单位")
    web, api = (Organisation.objects.unscoped(reason="test").get(name=n) for n in ("网页单位", "接口单位"))
    change = {"note": "改过", "contact_phone": "13800000000", "is_active": False}
    _web_post(
        client, reverse("directory:org_edit", args=[web.pk]),
        {**ORG, **change, "name": "网页单位", "region": region, "parent": parent},
    )  # fmt: skip
    assert _api(client, "patch", f"/api/v1/directory/organisations/{api.pk}", change).status_code == 200
    assert _record(Organisation, "网页单位") == _record(Organisation, "接口单位")
    assert _audit("网页单位") == _audit("接口单位")


PERSON = {
    "gender": "F", "birth_year": 1980, "phone": "13912345678", "title": "研究员", "discipline": "190",
    "is_expert": True, "is_volunteer": True, "profile": "认知心理学",
}  # fmt: skip


def test_person_from_web_and_api_is_the_same_record(client, world, personas):
    client.force_login(personas["county_staff"])
    unit = world.orgs["school"].pk
    _web_post(
        client, reverse("directory:person_create"),
        {**PERSON, "name": "网页人员", "unit": unit, "id_number": "11010519491231002x"},
    )  # fmt: skip
    response = _api(
        client, "post", "/api/v1/directory/people",
        {**PERSON, "name": "接口人员", "unit_id": unit, "id_number": "110105194912310038"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    web, api = _record(Person, "网页人员"), _record(Person, "接口人员")
    assert web.pop("id_number_masked")[:6] == api.pop("id_number_masked")[:6]
    assert (web.pop("id_number"), api.pop("id_number")) == ("11010519491231002X", "110105194912310038")
    assert web == api
    web_audit, api_audit = _audit("网页人员"), _audit("接口人员")
    assert web_audit["after"].pop("id_number_masked") != api_audit["after"].pop("id_number_masked")
    assert web_audit == api_audit


def test_refusals_read_the_same_on_web_and_api(client, world, personas):
    """An association without a level, and a parent outside the user's reach."""
    client.force_login(personas["county_staff"])
    bad = {**ORG, "kind": "association", "uscc": ""}
    page = _web_post(client, reverse("directory:org_create"), {**bad, "name": "无层级科协"})
    web_errors = page.context["form"].errors
    api = _api(client, "post", "/api/v1/directory/organisations", {**bad, "name": "无层级科协"}).json()
    assert [e["message"] for e in api["detail"] if e["field"] == "association_level"] == list(
        web_errors["association_level"]
    )
    assert not Organisation.objects.unscoped(reason="test").filter(name="无层级科协").exists()


# ---- the services enforce the rules themselves ------------------------------------------------


def test_service_refuses_a_parent_its_reference_rule_does_not_offer(world, personas, monkeypatch):
    """The rule, not only the scope, decides: a rule narrowed (here to associations) refuses a
    school as parent through the service itself, whoever calls it."""
    from kexie.core import references

    rule = references.get("directory.Organisation.parent")
    narrowed = references.Rule(rule.key, lambda user: rule.choices(user).filter(kind="association"))
    monkeypatch.setitem(references._RULES, rule.key, narrowed)
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(
            actor=personas["county_staff"],
            data={"name": "越规", "kind": "school", "parent": world.orgs["school"]},
        )
    assert "上级单位" in str(exc.value) and "不在可选范围内" in str(exc.value)
    assert not Organisation.objects.unscoped(reason="test").filter(name="越规").exists()


def test_service_refuses_a_person_unit_its_reference_rule_does_not_offer(world, personas, monkeypatch):
    from kexie.core import references

    rule = references.get("directory.Person.unit")
    narrowed = references.Rule(rule.key, lambda user: rule.choices(user).exclude(kind="school"))
    monkeypatch.setitem(references._RULES, rule.key, narrowed)
    with pytest.raises(ValidationError) as exc:
        services.person_create(
            actor=personas["county_staff"], data={"name": "越规", "unit": world.orgs["school"]}
        )
    assert "管理单位" in str(exc.value)
    person = services.person_create(actor=personas["county_staff"], data={"name": "守规"})
    with pytest.raises(ValidationError):
        services.person_update(
            actor=personas["county_staff"], person=person, data={"unit": world.orgs["school"]}
        )


def test_service_keeps_a_reference_already_stored(world, personas, monkeypatch):
    """An edit that leaves the parent as it is passes even if the rule no longer offers it."""
    from kexie.core import references

    org = services.organisation_create(
        actor=personas["county_staff"],
        data={"name": "老单位", "kind": "school", "parent": world.orgs["school"]},
    )
    rule = references.get("directory.Organisation.parent")
    narrowed = references.Rule(rule.key, lambda user: rule.choices(user).filter(kind="association"))
    monkeypatch.setitem(references._RULES, rule.key, narrowed)
    services.organisation_update(
        actor=personas["county_staff"], org=org, data={"parent": world.orgs["school"], "note": "改"}
    )
    assert Organisation.objects.unscoped(reason="test").get(pk=org.pk).note == "改"


def test_service_checks_permission_and_scope(world, personas):
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=None, data={"name": "无人", "kind": "school"})
    viewer_like = personas["society_secretary"]
    person = services.person_create(actor=personas["county_staff"], data={"name": "某人"})
    from django.http import Http404

    with pytest.raises(Http404):
        services.person_update(actor=viewer_like, person=person, data={"title": "x"})


def test_only_a_superuser_makes_a_top_level_unit(client, world, personas):
    """Clearing the parent would move a unit (and its records) out of every user's scope: the
    web form and the API are refused alike, and nothing changes."""
    school = world.orgs["school"]
    client.force_login(personas["county_staff"])
    response = _api(client, "patch", f"/api/v1/directory/organisations/{school.pk}", {"parent_id": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "parent_id"
    page = _web_post(
        client,
        reverse("directory:org_edit", args=[school.pk]),
        {"name": school.name, "kind": "school", "parent": ""},
    )
    assert "上级单位不能为空" in str(page.context["form"].errors)
    assert (
        Organisation.objects.unscoped(reason="test").get(pk=school.pk).parent_id == world.orgs["rencheng"].pk
    )


def test_a_county_association_edits_its_own_unit_on_the_web_as_through_the_api(client, world, personas):
    """Its parent (the city) lies outside its scope; an edit that leaves the parent as stored
    is accepted on both channels (the web form used to refuse the parent it showed)."""
    rencheng = world.orgs["rencheng"]
    client.force_login(personas["county_staff"])
    form = client.get(reverse("directory:org_edit", args=[rencheng.pk])).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    response = client.post(reverse("directory:org_edit", args=[rencheng.pk]), {**data, "note": "网页"})
    assert response.status_code == 302, response.context["form"].errors
    assert Organisation.objects.unscoped(reason="test").get(pk=rencheng.pk).note == "网页"
    api = _api(
        client, "patch", f"/api/v1/directory/organisations/{rencheng.pk}",
        {"note": "接口", "parent_id": world.orgs["city"].pk},
    )  # fmt: skip
    assert api.status_code == 200, api.content
    stored = Organisation.objects.unscoped(reason="test").get(pk=rencheng.pk)
    assert (stored.note, stored.parent_id) == ("接口", world.orgs["city"].pk)
