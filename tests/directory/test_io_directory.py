"""Region, organisation and person imports: permissions, parents within the file, key rules."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from kexie.core.imports import import_file
from kexie.directory.models import Organisation, Person, Region
from kexie.directory.services import person_create


def xlsx(headers, rows) -> bytes:
    wb = Workbook()
    wb.active.append(headers)
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(actor, kind, data):
    return import_file(actor=actor, kind=kind, fileobj=io.BytesIO(data), filename="d.xlsx")


def test_regions_only_top_unit_and_parents_in_file(personas):
    headers = ["行政区划代码", "名称", "级别", "上级区划"]
    rows = [["370811001", "济阳街道", "乡镇街道", "370811"], ["370829", "嘉祥县", "县市区", "370800"],
            ["370829100", "嘉祥街道", "乡镇街道", "370829"]]  # fmt: skip
    with pytest.raises(PermissionDenied):
        run(personas["county_staff"], "regions", xlsx(headers, rows))
    result = run(personas["city_admin"], "regions", xlsx(headers, rows))
    assert result.ok and result.created == 3
    assert Region.objects.get(code="370829100").parent.name == "嘉祥县"


def test_region_errors(personas):
    headers = ["行政区划代码", "名称", "级别", "上级区划"]
    rows = [["37082", "短码", "县市区", "370800"], ["370830", "汶上县", "县市区", "379999"],
            ["370831", "泗水县", "市", "370811"]]  # fmt: skip
    result = run(personas["city_admin"], "regions", xlsx(headers, rows))
    assert [(p.row, p.header) for p in result.errors] == [
        (2, "行政区划代码"),
        (3, "上级区划"),
        (4, "上级区划"),
    ]
    assert result.errors[1].reason == "上级区划不存在"


def test_organisation_parent_may_be_another_row(personas):
    headers = ["名称", "类型", "科协层级", "上级单位"]
    rows = [["唐口街道科学技术协会", "科协", "乡镇/街道", "任城区科学技术协会"],
            ["唐口街道农技协", "农技协", "", "唐口街道科学技术协会"]]  # fmt: skip
    result = run(personas["county_staff"], "organisations", xlsx(headers, rows))
    assert result.ok, [p.message for p in result.errors]
    town = Organisation.objects.get(name="唐口街道科学技术协会")
    child = Organisation.objects.get(name="唐口街道农技协")
    assert child.parent == town and child.path == f"{town.path}{child.pk}/"


def test_organisation_parent_cycle_and_unknown(personas):
    headers = ["名称", "类型", "上级单位"]
    rows = [["甲学会", "其他", "乙学会"], ["乙学会", "其他", "甲学会"], ["丙学会", "其他", "丁学会"]]
    result = run(personas["county_staff"], "organisations", xlsx(headers, rows))
    assert {(p.row, p.reason) for p in result.errors} >= {
        (2, "上级单位关系成环"),
        (4, "单位不存在或不在管辖范围内"),
    }
    assert not Organisation.objects.filter(name__in=["甲学会", "乙学会", "丙学会"]).exists()


def test_organisation_cannot_move_own_unit_or_out_of_scope(personas):
    headers = ["名称", "类型", "科协层级", "上级单位"]
    own = [["任城区科学技术协会", "科协", "县级", "任城区二十里铺中学"]]
    result = run(personas["county_staff"], "organisations", xlsx(headers, own))
    assert result.errors[0].reason == "不能修改本单位的上级单位"
    move = [["任城区二十里铺中学", "学校", "", "兖州区科学技术协会"]]
    result = run(personas["county_staff"], "organisations", xlsx(headers, move))
    assert result.errors[0].reason == "单位不存在或不在管辖范围内"


def test_city_moves_an_organisation_and_its_path(world, personas):
    headers = ["名称", "类型", "上级单位"]
    result = run(
        personas["city_admin"],
        "organisations",
        xlsx(headers, [["任城区二十里铺中学", "学校", "兖州区科学技术协会"]]),
    )
    assert result.updated == 1
    school = Organisation.objects.get(name="任城区二十里铺中学")
    assert school.path.startswith(world.orgs["yanzhou"].path)


def test_id_number_of_someone_outside_scope(world, personas):
    person_create(actor=personas["city_admin"], data={"name": "赵六", "unit": world.orgs["yanzhou"],
                                                       "id_number": "370811198502034562"})  # fmt: skip
    data = xlsx(["姓名", "身份证号码"], [["赵六", "370811198502034562"]])
    result = run(personas["county_staff"], "people", data)
    assert [p.message for p in result.errors] == [
        "第2行「身份证号码」“370811********4562”:身份证号码已登记在其他人员名下"
    ]
    assert Person.objects.count() == 1


def test_duplicate_id_number_in_file(personas):
    data = xlsx(["姓名", "身份证号码"], [["赵六", "370811198502034562"], ["赵七", "370811198502034562"]])
    result = run(personas["county_staff"], "people", data)
    assert [p.message for p in result.errors] == ["第3行「身份证号码」“370811********4562”:与第2行重复"]


def test_same_name_twice_in_unit_needs_id(world, personas):
    for _ in range(2):
        person_create(actor=personas["city_admin"], data={"name": "王五", "unit": world.orgs["rencheng"]})
    result = run(personas["county_staff"], "people", xlsx(["姓名", "职称"], [["王五", "讲师"]]))
    assert result.errors[0].reason == "该单位有多名同名人员,请填写身份证号码以区分"
