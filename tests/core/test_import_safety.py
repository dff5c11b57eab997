"""Scope, the one audit entry, all-or-nothing writes (also when interrupted), and masking."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from kexie.activities.models import Activity
from kexie.core.imports import bulk, export_rows, import_file
from kexie.core.models import AuditEntry
from kexie.directory.models import Person
from kexie.directory.services import person_create

HEADERS = ["编号", "活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "主办单位", "填报单位"]


def xlsx(headers, rows) -> bytes:
    wb = Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(code, unit="任城区科学技术协会", organiser="任城区科学技术协会", region="任城区"):
    return [code, "科普讲座", "科普讲座", "2020-09-19", "2020-09-20", region, organiser, unit]


def run(actor, kind, data, **kwargs):
    return import_file(actor=actor, kind=kind, fileobj=io.BytesIO(data), filename="活动.xlsx", **kwargs)


def test_county_user_cannot_import_into_another_county(personas):
    data = xlsx(HEADERS, [row("A1"), row("A2", unit="兖州区科学技术协会", organiser="兖州区科技馆")])
    result = run(personas["county_staff"], "activities", data)
    assert [p.message for p in result.errors] == [
        "第3行「主办单位」“兖州区科技馆”:单位不存在或不在管辖范围内",
        "第3行「填报单位」“兖州区科学技术协会”:单位不存在或不在管辖范围内",
    ]
    assert Activity.objects.count() == 0


def test_city_user_may_import_for_any_county(personas):
    data = xlsx(
        HEADERS, [row("A1"), row("A2", unit="兖州区科学技术协会", organiser="兖州区科技馆", region="兖州区")]
    )
    result = run(personas["city_admin"], "activities", data)
    assert result.ok and result.created == 2
    assert Activity.objects.get(code="A2").reporting_unit.name == "兖州区科学技术协会"


def test_existing_code_of_another_county_is_not_updated(personas):
    run(
        personas["outsider"],
        "activities",
        xlsx(HEADERS, [row("Y1", "兖州区科学技术协会", "兖州区科技馆", "兖州区")]),
    )
    result = run(personas["county_staff"], "activities", xlsx(HEADERS, [row("Y1")]))
    assert [p.message for p in result.errors] == ["第2行「编号」“Y1”:编号已被其他单位的活动使用"]
    assert Activity.objects.get(code="Y1").reporting_unit.name == "兖州区科学技术协会"


def test_one_audit_entry_with_counts(personas):
    actor = personas["county_staff"]
    run(actor, "activities", xlsx(HEADERS, [row("A1"), row("A2")]))
    run(actor, "activities", xlsx(HEADERS, [row("A1"), row("A3")[:1] + ["新名称"] + row("A3")[2:]]))
    entries = list(AuditEntry.objects.filter(action="kexie.import.activities").order_by("id"))
    assert len(entries) == 2
    assert AuditEntry.objects.exclude(action__startswith="kexie.import").count() == 0  # no per-row entries
    last = entries[-1]
    assert last.after == {
        "file": "活动.xlsx",
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 1,
        "rejected": 0,
    }
    assert last.actor == actor and last.unit == actor.unit and last.object_repr == "活动.xlsx"


def test_exception_mid_write_leaves_nothing(personas, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)  # several INSERT batches
    calls = {"n": 0}

    def failing_insert(model, names, rows):
        rows = list(rows)
        calls["n"] += 1
        real_insert(model, names, rows[:3])  # part of the rows really reach the database
        raise RuntimeError("disk full")

    real_insert = bulk.insert_rows
    monkeypatch.setattr(bulk, "insert_rows", failing_insert)
    with pytest.raises(RuntimeError):
        run(personas["county_staff"], "activities", xlsx(HEADERS, [row(f"A{i}") for i in range(10)]))
    assert calls["n"] == 1
    assert Activity.objects.count() == 0
    assert not AuditEntry.objects.filter(action="kexie.import.activities").exists()


def test_interrupt_after_writes_before_audit_leaves_nothing(personas, monkeypatch):
    from kexie.core import audit

    def interrupted(**kwargs):
        assert Activity.objects.count() == 5  # rows were written inside the transaction
        raise KeyboardInterrupt

    monkeypatch.setattr(audit, "log", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(personas["county_staff"], "activities", xlsx(HEADERS, [row(f"A{i}") for i in range(5)]))
    assert Activity.objects.count() == 0


def test_exception_in_people_update_leaves_nothing(world, personas, monkeypatch):
    admin = personas["city_admin"]
    person_create(actor=admin, data={"name": "李四", "unit": world.orgs["rencheng"], "title": "讲师"})

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(bulk, "bulk_update", boom)
    data = xlsx(
        ["姓名", "管理单位", "职称"],
        [["李四", "任城区科学技术协会", "教授"], ["王五", "任城区科学技术协会", ""]],
    )
    with pytest.raises(RuntimeError):
        run(admin, "people", data)
    assert list(Person.objects.values_list("name", "title")) == [("李四", "讲师")]


def _people(world, personas):
    person_create(
        actor=personas["city_admin"],
        data={
            "name": "张三",
            "unit": world.orgs["rencheng"],
            "phone": "13800001111",
            "id_number": "370811198502034562",
        },
    )


def _person_cells(actor):
    wb = load_workbook(io.BytesIO(export_rows(actor=actor, kind="people")))
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    values = [c.value for c in ws[2]]
    return dict(zip(headers, values, strict=True))


def test_personal_data_masked_in_export_without_permission(world, personas):
    _people(world, personas)
    masked = _person_cells(personas["county_staff"])
    assert masked["手机号码"] == "138****1111" and masked["身份证号码"] == "370811********4562"
    clear = _person_cells(personas["city_admin"])
    assert clear["手机号码"] == "13800001111" and clear["身份证号码"] == "370811198502034562"


def test_masked_values_reimported_leave_stored_values(world, personas):
    _people(world, personas)
    actor = personas["county_staff"]
    wb = load_workbook(io.BytesIO(export_rows(actor=actor, kind="people")))
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("职称") + 1, value="研究员")
    buf = io.BytesIO()
    wb.save(buf)
    result = run(actor, "people", buf.getvalue())
    assert result.ok and result.updated == 1
    person = Person.objects.get()
    assert person.title == "研究员" and person.phone == "13800001111"
    assert person.id_number == "370811198502034562"


def test_people_match_by_id_number_then_by_name_and_unit(world, personas):
    _people(world, personas)
    admin = personas["city_admin"]
    data = xlsx(
        ["姓名", "身份证号码", "管理单位", "专家"],
        [
            ["张三丰", "370811198502034562", "任城区科学技术协会", "是"],
            ["李四", "", "任城区科学技术协会", "否"],
        ],
    )
    result = run(admin, "people", data)
    assert (result.created, result.updated) == (1, 1)
    assert Person.objects.get(id_number_hash=Person.objects.get(name="张三丰").id_number_hash).is_expert
    again = run(admin, "people", xlsx(["姓名", "管理单位"], [["李四", "任城区科学技术协会"]]))
    assert (again.created, again.unchanged) == (0, 1) and Person.objects.count() == 2


def test_masked_id_for_a_new_person_is_rejected(personas):
    data = xlsx(["姓名", "身份证号码"], [["王五", "370811********4562"]])
    result = run(personas["county_staff"], "people", data)
    assert result.errors[0].header == "身份证号码" and "脱敏" in result.errors[0].reason


def test_a_workbook_that_unpacks_too_large_is_refused_before_reading(personas, settings):
    """A zip bomb: a few kilobytes that would unpack to megabytes of one repeated cell."""
    data = xlsx(HEADERS, [row(f"B{i}") for i in range(3000)])
    settings.SPREADSHEET_MAX_UNPACKED_BYTES = len(data)  # the sheet XML alone is far larger
    result = run(personas["county_staff"], "activities", data)
    assert not result.written and not Activity.objects.exists()
    assert "解压后达" in result.errors[0].message and "请拆分后分批导入" in result.errors[0].message
    settings.SPREADSHEET_MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
    assert run(personas["county_staff"], "activities", data, dry_run=True).ok
