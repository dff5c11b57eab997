"""Imports that cannot mislead (issue 9): suspected duplicates are warnings that hold the import
until confirmed (--allow-duplicates, 仍导入), the template's example row is never data, and the
command line says whom it imports as and treats a blank unit as the template says."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from kexie.activities.models import Activity
from kexie.core.imports import KINDS, import_file, template_bytes
from kexie.directory.models import Organisation, Person

HEADERS = ["活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "地点", "主办单位", "填报单位"]
ROW = ["科普讲座进社区", "科普讲座", "2020-09-19", "2020-09-19", "任城区", "社区广场", "任城区科学技术协会",
       "任城区科学技术协会"]  # fmt: skip


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    wb.active.append(headers)
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(actor, data, kind="activities", filename="a.xlsx", **kwargs):
    return import_file(actor=actor, kind=kind, fileobj=io.BytesIO(data), filename=filename, **kwargs)


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ---- duplicates ----------------------------------------------------------------------------


def test_identical_rows_in_one_file_are_held_with_both_row_numbers(personas):
    other = [*ROW[:5], "另一个地点", *ROW[6:]]
    result = run(personas["county_staff"], xlsx([ROW, other, ROW]))
    assert result.ok and not result.written and result.needs_confirmation
    assert [(p.row, p.header) for p in result.duplicates] == [(4, "活动名称")]
    assert "与第2行重复" in result.duplicates[0].reason
    assert result.duplicates[0] in result.warnings
    assert "疑似重复" in result.summary() and Activity.objects.count() == 0


def test_confirmed_duplicates_are_written(personas):
    result = run(personas["county_staff"], xlsx([ROW, ROW]), allow_duplicates=True)
    assert result.written and Activity.objects.count() == 2
    assert len(result.duplicates) == 1  # still reported


def test_a_row_like_an_existing_record_names_its_id(personas, make_activity):
    existing = make_activity(venue="社区广场")
    result = run(personas["county_staff"], xlsx([ROW]))
    assert not result.written and Activity.objects.count() == 1
    [problem] = result.duplicates
    assert problem.row == 2 and f"ID {existing.pk}" in problem.reason and existing.code in problem.reason


def test_an_exported_record_reimported_is_not_its_own_duplicate(personas, make_activity):
    from kexie.core.imports import export_rows

    make_activity(venue="社区广场")
    data = export_rows(actor=personas["county_staff"], kind="activities")
    result = run(personas["county_staff"], data)
    assert result.ok and result.written and not result.duplicates and result.unchanged == 1


def test_different_day_venue_or_unit_is_no_duplicate(personas, make_activity):
    make_activity(venue="社区广场")
    rows = [
        [*ROW[:2], "2020-09-20", "2020-09-20", *ROW[4:]],
        [*ROW[:5], "科技馆", *ROW[6:]],
        [*ROW[:7], "任城区二十里铺中学"],
    ]
    result = run(personas["county_staff"], xlsx(rows))
    assert result.ok and result.written and not result.duplicates and Activity.objects.count() == 4


def test_cli_holds_duplicates_until_allowed(personas, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx([ROW, ROW]))
    with pytest.raises(CommandError, match="--allow-duplicates"):
        call("import", "activities", str(path), "--as", "rencheng_staff")
    assert Activity.objects.count() == 0
    out, err = call("import", "activities", str(path), "--as", "rencheng_staff", "--allow-duplicates")
    assert "与第2行重复" in err and "新增2" in out and Activity.objects.count() == 2


# ---- the template's example row --------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_templates_example_row_is_never_imported(personas, kind):
    data = template_bytes(actor=personas["city_admin"], kind=kind)
    result = run(personas["city_admin"], data, kind=kind, filename="template.xlsx")
    assert result.ok and result.rows == 0 and result.example_row == 2
    assert "模板示例" in result.summary()


def _edited_template(actor, edit) -> bytes:
    wb = load_workbook(io.BytesIO(template_bytes(actor=actor, kind="activities")))
    edit(wb["数据"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_rows_below_the_example_are_imported(personas):
    def add(ws):
        for cell in ws[2]:  # the example's content, but not the marked row: data
            ws.cell(row=3, column=cell.column, value=cell.value)

    result = run(personas["county_staff"], _edited_template(personas["county_staff"], add))
    assert result.ok and result.written and result.rows == 1 and result.example_row == 2
    assert list(Activity.objects.values_list("title", flat=True)) == ["科普讲座进社区"]


def test_an_example_typed_over_is_data(personas):
    def overwrite(ws):
        ws.cell(row=2, column=2, value="青少年科技节")

    result = run(personas["county_staff"], _edited_template(personas["county_staff"], overwrite))
    assert result.ok and result.written and result.example_row is None
    assert list(Activity.objects.values_list("title", flat=True)) == ["青少年科技节"]


def test_a_row_inserted_above_the_example_moves_the_mark(personas):
    def insert(ws):
        ws.insert_rows(2)
        ws.cell(row=2, column=2, value="科普讲座进农村")
        for col in (3, 4, 5, 6, 8, 15):
            ws.cell(row=2, column=col, value=ws.cell(row=3, column=col).value)

    data = _edited_template(personas["county_staff"], insert)
    wb = load_workbook(io.BytesIO(data))
    # openpyxl does not move defined names as Excel does: move it as Excel would
    wb.defined_names["kexie_example"].attr_text = wb.defined_names["kexie_example"].attr_text.replace(
        "$2", "$3"
    )
    buf = io.BytesIO()
    wb.save(buf)
    result = run(personas["county_staff"], buf.getvalue())
    assert result.ok and result.example_row == 3
    assert list(Activity.objects.values_list("title", flat=True)) == ["科普讲座进农村"]


# ---- the command line without --as -------------------------------------------------------------


def test_cli_without_as_says_whom_it_imports_as_and_fills_a_blank_unit(personas, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx([ROW[:7]], HEADERS[:7]))
    out, err = call("import", "activities", str(path))
    assert "系统身份" in err and "济宁市科学技术协会" in err
    activity = Activity.objects.get()
    assert activity.reporting_unit.name == "济宁市科学技术协会"
    people = tmp_path / "p.xlsx"
    people.write_bytes(xlsx([["王五"]], ["姓名"]))
    call("import", "people", str(people))
    assert Person.objects.get(name="王五").unit.name == "济宁市科学技术协会"


def test_cli_with_as_names_the_user_and_unit(personas, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx([ROW[:7]], HEADERS[:7]))
    _out, err = call("import", "activities", str(path), "--as", "rencheng_staff")
    assert "rencheng_staff" in err and "任城区科学技术协会" in err
    assert Activity.objects.get().reporting_unit.name == "任城区科学技术协会"


def test_cli_without_as_and_no_single_top_unit_asks_for_the_column(personas, tmp_path):
    Organisation.objects.create(name="另一个顶级单位", kind="society", path="/999/")
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx([ROW[:7]], HEADERS[:7]))
    with pytest.raises(CommandError):
        call("import", "activities", str(path))
    result = run(None, xlsx([ROW[:7]], HEADERS[:7]))
    [problem] = result.errors
    assert problem.header == "填报单位" and "--as" in problem.reason
    assert Activity.objects.count() == 0


def test_start_date_example_is_a_date(personas):
    """The example row keeps its types (a date cell), so the hidden copy matches it exactly."""
    wb = load_workbook(io.BytesIO(template_bytes(actor=personas["county_staff"], kind="activities")))
    assert isinstance(wb["数据"]["D2"].value, dt.datetime)
    assert wb["示例"].sheet_state == "hidden"


# ---- the web import page -------------------------------------------------------------------------


def _upload(client, data, name="活动.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(reverse("core:import"), {"kind": "activities", "file": SimpleUploadedFile(name, data)})


def _commit(client, preview, **extra):
    from django.urls import reverse

    data = {"kind": "activities", "action": "commit", "token": preview.context["pending"]["token"], **extra}
    return client.post(reverse("core:import"), data)


def test_web_says_written_only_when_data_was_written(client, personas, make_activity):
    client.force_login(personas["county_staff"])
    make_activity(venue="社区广场")
    preview = _upload(client, xlsx([ROW]))
    page = preview.content.decode()
    assert "仍导入" in page and ">确认导入</button>" not in page and 'id="import-duplicates"' in page
    assert f"ID {Activity.objects.get().pk}" in page
    held = _commit(client, preview)  # without the confirmation
    page = held.content.decode()
    assert "数据已写入" not in page and 'id="import-not-written"' in page and "未写入任何数据" in page
    assert Activity.objects.count() == 1
    done = _commit(client, preview, allow_duplicates="1")  # 仍导入: the upload is still pending
    assert "数据已写入" in done.content.decode() and Activity.objects.count() == 2


def test_web_reimport_of_unchanged_data_does_not_claim_a_write(client, personas, make_activity):
    from kexie.core.imports import export_rows

    client.force_login(personas["county_staff"])
    make_activity()
    preview = _upload(client, export_rows(actor=personas["county_staff"], kind="activities"))
    page = _commit(client, preview).content.decode()
    assert "数据已写入" not in page and 'id="import-unchanged"' in page


def test_web_offers_the_error_workbook(client, personas):
    from django.urls import reverse

    client.force_login(personas["county_staff"])
    bad = [*ROW[:2], "2020-13-01", *ROW[3:]]
    preview = _upload(client, xlsx([ROW, bad]))
    link = preview.context["error_download"]
    assert link and 'id="error-workbook"' in preview.content.decode()
    response = client.get(reverse("core:import_errors"), {"token": link["token"]})
    assert response.status_code == 200 and "errors.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (*HEADERS, "错误原因")
    assert len(rows) == 2 and rows[1][2] == "2020-13-01" and "日期" in rows[1][-1]
    client.force_login(personas["city_admin"])  # another session cannot fetch it
    assert client.get(reverse("core:import_errors"), {"token": link["token"]}).status_code == 404


def test_export_and_template_commands_say_whom_they_act_as(personas, tmp_path):
    _out, err = call("export", "activities", str(tmp_path / "e.xlsx"))
    assert "系统身份" in err
    _out, err = call("template", "activities", str(tmp_path / "t.xlsx"), "--as", "rencheng_staff")
    assert "rencheng_staff" in err and "任城区科学技术协会" in err
