"""xlsx import and export of party records and 3+1 heads (kexie.core.imports): Chinese messages
naming row, column and reason; nothing written when a row is bad; exports that import back."""

import datetime as dt
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


OFFICER_HEAD = ["单位", "姓名", "职务", "任职日期", "离任日期"]


def _officers(society):
    from kexie.societies import offices

    return [(p.person.name, p.role, p.starts_on, p.ends_on) for p in offices.positions([society.pk])]


def test_officers_import_refuses_bad_rows_by_row_and_column_and_writes_nothing(world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    for name in ("王会长", "李秘书"):
        person_create(actor=admin, data={"name": name, "unit": society})
    audit_before = AuditEntry.objects.count()
    bad = run(admin, "officers", book(
        OFFICER_HEAD,
        ["济宁市心理学会", "王会长", "理事长(主席)", "2016-05-01", "2021-04-30"],  # good
        ["任城区二十里铺中学", "李秘书", "秘书长", "2016-05-01", None],  # not a society
        ["济宁市心理学会", "查无此人", "秘书长", "2016-05-01", None],
        ["济宁市心理学会", "李秘书", "会长", "2016-05-01", None],
        ["济宁市心理学会", "李秘书", "秘书长", "2016-05-01", "2015-12-31"],
        ["济宁市心理学会", "王会长", "理事长(主席)", "2018-01-01", None],  # overlaps row 2's term
    ))  # fmt: skip
    assert [(p.row, p.header) for p in bad.errors] == [(3, "单位"), (4, "姓名"), (5, "职务"), (6, "离任日期"),
                                                       (7, "姓名")]  # fmt: skip
    assert "须为学会、科协或科研院所" in bad.errors[0].reason
    assert "人员不存在" in bad.errors[1].reason
    assert "离任日期不能早于任职日期" in bad.errors[3].reason
    assert "已任理事长(主席)(2016-05-01起)" in bad.errors[4].reason
    assert not bad.written and _officers(society) == [] and AuditEntry.objects.count() == audit_before

    good = book(OFFICER_HEAD, ["济宁市心理学会", "王会长", "理事长(主席)", "2016-05-01", "2021-04-30"],
                ["济宁市心理学会", "李秘书", "秘书长", "2016-05-01", None],
                ["济宁市心理学会", "王会长", "理事(委员)", "2021-05-01", None])  # fmt: skip
    result = run(admin, "officers", good)
    assert result.ok and result.created == 3, [p.message for p in result.errors]
    assert sorted(_officers(society)) == sorted([
        ("王会长", "理事长(主席)", dt.date(2016, 5, 1), dt.date(2021, 4, 30)),
        ("李秘书", "秘书长", dt.date(2016, 5, 1), None),
        ("王会长", "理事(委员)", dt.date(2021, 5, 1), None),
    ])  # fmt: skip
    assert AuditEntry.objects.filter(action="kexie.position.added").count() == 3
    assert AuditEntry.objects.filter(action="kexie.position.ended").count() == 1
    # the export imports back unchanged; a 离任日期 added to an open office ends it
    exported = export_rows(actor=admin, kind="officers")
    again = run(admin, "officers", exported)
    assert again.ok and again.unchanged == 3 and again.created == again.updated == 0
    ended = run(
        admin,
        "officers",
        book(OFFICER_HEAD, ["济宁市心理学会", "李秘书", "秘书长", "2016-05-01", "2020-12-31"]),
    )
    assert ended.ok and ended.updated == 1
    assert ("李秘书", "秘书长", dt.date(2016, 5, 1), dt.date(2020, 12, 31)) in _officers(society)
    # the county's staff do not manage the city's society
    refused = run(personas["county_staff"], "officers", good)
    assert [p.header for p in refused.errors if p.header == "单位"] == ["单位"] * 3 and not refused.written
