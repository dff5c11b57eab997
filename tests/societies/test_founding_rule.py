"""党建前置 on every path (issue 15): a society (or research institute) set up through the
directory's form or API used to skip the party-plan check that a founding passes. Now the
directory refuses to create one (or to turn a unit into one) and points to the founding, whose
form applies kexie.societies.rules.party_plan_check; founding_complete creates the organisation."""

import pytest
from django.urls import reverse

from kexie.core.models import AuditEntry
from kexie.directory.models import Organisation, OrganisationYear
from kexie.societies.models import Founding

FOUNDING_FIRST = "新建学会、科研院所须先在“新建学会(党建前置)”中筹建登记"


def _orgs(name):
    return Organisation.objects.unscoped(reason="test").filter(name=name)


@pytest.mark.django_db
def test_the_directory_form_and_api_do_not_set_up_a_society_around_the_party_plan(client, personas, world):
    client.force_login(personas["city_admin"])
    page = client.post(reverse("directory:org_create"), {"name": "济宁市新材料学会", "kind": "society",
                                                         "is_active": "on"})  # fmt: skip
    assert page.status_code == 200
    assert any(FOUNDING_FIRST in e for e in page.context["form"].errors["kind"])
    api = client.post("/api/v1/directory/organisations", {"name": "济宁市新材料学会", "kind": "research_institute"},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 422
    assert any(e["field"] == "kind" and FOUNDING_FIRST in e["message"] for e in api.json()["detail"])
    assert not _orgs("济宁市新材料学会").exists()
    # nor can an existing unit be turned into a society
    school = world.orgs["school"]
    page = client.post(reverse("directory:org_edit", args=[school.pk]),
                       {"name": school.name, "kind": "society", "parent": school.parent_id, "is_active": "on"})  # fmt: skip
    assert page.status_code == 200 and FOUNDING_FIRST in page.content.decode()
    api = client.patch(f"/api/v1/directory/organisations/{school.pk}", {"kind": "society"},
                       content_type="application/json")  # fmt: skip
    assert api.status_code == 422
    school.refresh_from_db()
    assert school.kind == "school"
    # a society already recorded keeps its kind when edited
    society = world.orgs["society"]
    page = client.post(reverse("directory:org_edit", args=[society.pk]),
                       {"name": society.name, "kind": "society", "parent": society.parent_id, "is_active": "on",
                        "note": "改过"})  # fmt: skip
    assert page.status_code == 302


@pytest.mark.django_db
def test_the_founding_form_applies_the_party_plan_rule_then_sets_up_the_society(client, personas, world):
    client.force_login(personas["city_admin"])
    url = reverse("societies:founding_create")
    refused = client.post(url, {"name": "济宁市新材料学会", "kind": "society", "party_plan": "none"})
    assert refused.status_code == 200
    assert "新建学会须同步明确党组织设置方案(党建前置)" in refused.content.decode()
    too_few = client.post(url, {"name": "济宁市新材料学会", "kind": "society", "party_plan": "independent",
                                "party_members": 2})  # fmt: skip
    assert "发起人中党员不足3人" in too_few.content.decode()
    assert not Founding.objects.unscoped(reason="test").exists()
    done = client.post(url, {"name": "济宁市新材料学会", "kind": "society", "party_plan": "joint",
                             "joint_branch": "市科协机关联合党支部"})  # fmt: skip
    assert done.status_code == 302
    founding = Founding.objects.unscoped(reason="test").get()
    assert founding.supervisor == world.orgs["city"]
    page = client.get(reverse("societies:founding_list"))
    assert "济宁市新材料学会" in page.content.decode() and "founding-complete" in page.content.decode()
    response = client.post(
        reverse("societies:founding_complete", args=[founding.pk]), {"founded_on": "2020-07-01"}
    )
    assert response.status_code == 302
    org = _orgs("济宁市新材料学会").get()
    assert (org.kind, org.parent) == ("society", world.orgs["city"])
    year = OrganisationYear.objects.unscoped(reason="test").get(organisation=org)
    assert (year.year, year.party_form) == (2020, "joint")
    assert AuditEntry.objects.filter(action="kexie.founding.founded").count() == 1
    again = client.post(reverse("societies:founding_complete", args=[founding.pk]), {"founded_on": "2020-07-01"},
                        follow=True)  # fmt: skip
    assert "只有筹建中的单位可以登记成立" in again.content.decode()


@pytest.mark.django_db
def test_founding_pages_are_scoped(client, personas, world):
    from kexie.societies import services

    founding = services.founding_prepare(actor=personas["city_admin"], data={
        "name": "济宁市新材料学会", "kind": "society", "party_plan": "joint", "joint_branch": "联合党支部"})  # fmt: skip
    client.force_login(personas["county_staff"])
    assert client.post(reverse("societies:founding_complete", args=[founding.pk])).status_code == 404
    client.force_login(personas["society_secretary"])
    assert client.get(reverse("societies:founding_create")).status_code == 200
    assert not _orgs("济宁市新材料学会").exists()


# ---- the rule lives in the directory's service, so every writer obeys it --------------------


def _import(actor, rows):
    import io

    from openpyxl import Workbook

    from kexie.core.imports import import_file

    wb = Workbook()
    wb.active.append(["名称", "类型", "上级单位"])
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return import_file(
        actor=actor, kind="organisations", fileobj=io.BytesIO(buf.getvalue()), filename="o.xlsx"
    )


@pytest.mark.django_db
def test_the_directory_import_does_not_set_up_a_society_or_institute(personas, world):
    admin = personas["city_admin"]
    result = _import(admin, [["济宁市新材料学会", "学会", "济宁市科学技术协会"],
                             ["济宁市新材料研究院", "科研院所", "济宁市科学技术协会"],
                             ["任城区科普服务中心", "其他", "任城区科学技术协会"]])  # fmt: skip
    assert not result.ok
    assert [(p.row, p.header, p.value) for p in result.errors] == [
        (2, "类型", "学会"),
        (3, "类型", "科研院所"),
    ]
    assert all(FOUNDING_FIRST in p.reason for p in result.errors)
    assert not _orgs("济宁市新材料学会").exists() and not _orgs("任城区科普服务中心").exists()
    # nor turn an existing unit into one
    result = _import(admin, [["任城区二十里铺中学", "学会", "任城区科学技术协会"]])
    assert [(p.row, p.header) for p in result.errors] == [(2, "类型")]
    # a society already recorded is updated as before
    society = world.orgs["society"]
    result = _import(admin, [[society.name, "学会", "济宁市科学技术协会"]])
    assert result.ok, [p.reason for p in result.errors]


@pytest.mark.django_db
def test_the_directory_service_refuses_a_society_outside_a_founding(personas, world):
    from django.core.exceptions import ValidationError

    from kexie.directory.services import organisation_create, organisation_update

    admin = personas["city_admin"]
    for kind in ("society", "research_institute"):
        with pytest.raises(ValidationError) as refused:
            organisation_create(actor=admin, data={"name": "济宁市新材料学会", "kind": kind})
        assert FOUNDING_FIRST in str(refused.value.message_dict["kind"])
    with pytest.raises(ValidationError):
        organisation_update(actor=admin, org=world.orgs["school"], data={"kind": "society"})
    assert not _orgs("济宁市新材料学会").exists()
    world.orgs["school"].refresh_from_db()
    assert world.orgs["school"].kind == "school"


@pytest.mark.django_db
def test_an_existing_society_is_recorded_only_by_an_audited_exemption(personas, world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from kexie.directory.services import organisation_create

    root = personas["city_admin"]  # a unit administrator
    data = {"name": "济宁市老年科技工作者协会", "kind": "society", "parent": world.orgs["city"]}
    with pytest.raises(ValidationError):  # an exemption names its reason
        organisation_create(actor=root, data=data, exemption=" ")
    with pytest.raises(PermissionDenied):  # and only an administrator grants one
        organisation_create(actor=personas["county_staff"], data={**data, "parent": world.orgs["rencheng"]},
                            exemption="2010年已登记成立")  # fmt: skip
    org = organisation_create(actor=root, data=data, exemption="2010年已登记成立,存量登记")
    assert org.kind == "society"
    entry = AuditEntry.objects.get(action="kexie.organisation.exempted", object_id=str(org.pk))
    assert "存量登记" in entry.note


@pytest.mark.django_db
def test_a_founding_creates_its_organisation_only_once_and_as_prepared(personas, world):
    from django.core.exceptions import ValidationError

    from kexie.directory.services import organisation_create
    from kexie.societies import services

    admin = personas["city_admin"]
    founding = services.founding_prepare(actor=admin, data={
        "name": "济宁市新材料学会", "kind": "society", "party_plan": "joint", "joint_branch": "联合党支部"})  # fmt: skip
    with pytest.raises(ValidationError):  # the founding's own name and kind, nothing else
        organisation_create(actor=admin, data={"name": "别的学会", "kind": "society"}, founding=founding)
    services.founding_complete(actor=admin, founding=founding)
    with pytest.raises(ValidationError):  # a founded founding sets up nothing more
        organisation_create(
            actor=admin, data={"name": "济宁市新材料学会2", "kind": "society"}, founding=founding
        )
    assert _orgs("济宁市新材料学会").count() == 1
