"""xlsx import and export of party records and 3+1 heads (kexie.core.imports): Chinese messages
naming row, column and reason; nothing written when a row is bad; exports that import back."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from kexie.core.imports import export_rows, import_file
from kexie.core.models import AuditEntry
from kexie.directory.models import Affiliation, OrganisationYear, Person
from kexie.directory.services import organisation_create, person_create
from kexie.societies import grassroots

pytestmark = pytest.mark.django_db

PARTY_HEAD = ["单位", "年度", "党组织形式", "党员数", "党组织书记", "选派党建指导员", "会员数"]


def book(header, *rows) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(actor, kind, data):
    return import_file(actor=actor, kind=kind, fileobj=io.BytesIO(data), filename="data.xlsx")


def test_party_records_import_drives_the_coverage_record_and_exports_back(world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    secretary = person_create(actor=admin, data={"name": "党支部书记甲", "unit": society})
    data = book(PARTY_HEAD, ["济宁市心理学会", 2019, "未建立党组织", None, None, "是", 80],
                ["济宁市心理学会", 2020, "单独建立党组织", 4, "党支部书记甲", "否", 85],
                ["任城区科学技术协会", 2020, "联合党支部", 2, None, None, None])  # fmt: skip
    result = run(admin, "party_records", data)
    assert result.ok and result.written and result.created == 3, [p.message for p in result.errors]
    years = {
        (y.organisation.name, y.year): y for y in OrganisationYear.objects.select_related("organisation")
    }
    y2019, y2020 = years[("济宁市心理学会", 2019)], years[("济宁市心理学会", 2020)]
    assert not y2019.has_party_organisation and y2019.has_party_instructor  # an instructor alone: not covered
    assert y2020.has_party_organisation and y2020.party_secretary == secretary and y2020.member_count == 85
    assert years[("任城区科学技术协会", 2020)].has_party_organisation  # a joint branch counts
    assert AuditEntry.objects.filter(action="kexie.import.party_records").count() == 1
    exported = export_rows(actor=admin, kind="party_records")
    again = run(admin, "party_records", exported)
    assert again.ok and again.unchanged == 3 and (again.created, again.updated) == (0, 0)
    assert export_rows(actor=admin, kind="party_records") == exported
    # a county sees its county's records only
    rows = list(
        load_workbook(io.BytesIO(export_rows(actor=personas["county_staff"], kind="party_records")))[
            "数据"
        ].values
    )
    assert [r[0] for r in rows[1:]] == ["任城区科学技术协会"]


def test_a_bad_party_row_names_row_column_and_reason_and_nothing_is_written(world, personas):
    admin = personas["city_admin"]
    data = book(PARTY_HEAD, ["济宁市心理学会", 2020, "联合党支部", 3, None, None, None],
                ["济宁市心理学会", 2021, "单独建立党组织", 2, None, None, None],
                ["任城区二十里铺中学", 2020, "联合党支部", None, None, None, None],
                ["济宁市心理学会", 2022, "党小组", None, None, None, None],
                ["济宁市心理学会", 2023, "联合党支部", None, "无此人", None, None],
                ["济宁市心理学会", 2020, "联合党支部", 3, None, None, None])  # fmt: skip
    result = run(admin, "party_records", data)
    assert not result.ok and not result.written
    messages = [p.message for p in result.errors]
    assert "第3行「党员数」“2”:党员不足3人不能单独建立党组织,应纳入联合党支部" in messages
    assert any(m.startswith("第4行「单位」“任城区二十里铺中学”:单位不存在或不在管辖范围内") for m in messages)
    assert any(m.startswith("第5行「党组织形式」“党小组”:不是允许的值") for m in messages)
    assert "第6行「党组织书记」“无此人”:人员不存在或不在管辖范围内" in messages
    assert "第7行「年度」“2020”:与第2行重复" in messages
    assert OrganisationYear.objects.count() == 0


def test_a_society_cannot_import_another_units_record(world, personas):
    data = book(PARTY_HEAD, ["任城区科学技术协会", 2020, "联合党支部", None, None, None, None])
    result = run(personas["society_secretary"], "party_records", data)
    assert not result.ok and "单位不存在或不在管辖范围内" in result.errors[0].message
    assert OrganisationYear.objects.count() == 0


def test_heads_import_creates_and_links_people_then_exports_back(world, personas):
    admin, school = personas["county_staff"], world.orgs["school"]
    hospital = organisation_create(actor=personas["city_admin"], data={
        "name": "任城区人民医院", "kind": "hospital", "parent": world.orgs["rencheng"],
        "region": world.regions["370811"]})  # fmt: skip
    known = person_create(actor=admin, data={"name": "王校长", "unit": school})
    data = book(
        ["单位", "姓名", "出生年份"],
        ["任城区二十里铺中学", "王校长", None],
        ["任城区人民医院", "李院长", 1972],
    )
    result = run(admin, "grassroots_heads", data)
    assert result.ok and result.written and result.created == 2, [p.message for p in result.errors]
    known.refresh_from_db()
    assert known.is_grassroots_head and Person.objects.filter(name="王校长").count() == 1
    new = Person.objects.get(name="李院长")
    assert new.unit == hospital and new.birth_year == 1972 and new.is_grassroots_head
    roles = set(Affiliation.objects.values_list("organisation__name", "role"))
    assert roles == {("任城区二十里铺中学", "校长"), ("任城区人民医院", "院长")}
    assert grassroots.head_units(grassroots.scoped_head_units(admin)) == {school.pk: True, hospital.pk: True}
    exported = export_rows(actor=admin, kind="grassroots_heads")
    again = run(admin, "grassroots_heads", exported)
    assert again.ok and again.unchanged == 2 and again.created == 0
    assert export_rows(actor=admin, kind="grassroots_heads") == exported


def test_a_bad_heads_file_writes_nothing(world, personas):
    admin = personas["county_staff"]
    data = book(["单位", "姓名", "出生年份"], ["任城区二十里铺中学", "王校长", None],
                ["任城区科学技术协会", "张主席", None], ["任城区二十里铺中学", "赵校长", "一九七零"])  # fmt: skip
    result = run(admin, "grassroots_heads", data)
    messages = [p.message for p in result.errors]
    assert not result.written and len(messages) == 2
    assert messages[0].startswith("第3行「单位」“任城区科学技术协会”:单位不存在或不在管辖范围内")
    assert messages[1] == "第4行「出生年份」“一九七零”:应为整数"
    assert not Person.objects.filter(name="王校长").exists() and not Affiliation.objects.exists()


def test_an_import_without_an_acting_user_is_refused(world):
    data = book(["单位", "姓名"], ["任城区二十里铺中学", "王校长"])
    result = run(None, "grassroots_heads", data)
    assert not result.ok and "须指定导入人" in result.errors[0].message
