"""`kexie import/export/template` commands: exit codes, --skip-invalid with its error workbook,
--dry-run, --as, and CSV in GB18030 and UTF-8 with BOM."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from kexie.activities.models import Activity
from kexie.core.models import AuditEntry

HEADERS = ["编号", "活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "主办单位"]
GOOD = ["A1", "科普讲座进社区", "科普讲座", "2020-09-19", "2020-09-19", "任城区", "任城区科学技术协会"]
BAD = ["A2", "科普日活动", "科普讲座", "2020-09-31", "2020-09-31", "任城区", "任城区科学技术协会"]


def write_xlsx(path, rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)


def call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_errors_exit_non_zero_and_write_nothing(personas, tmp_path):
    path = tmp_path / "活动.xlsx"
    write_xlsx(path, [HEADERS, GOOD, BAD])
    with pytest.raises(CommandError, match="未导入任何数据"):
        call("import", "activities", str(path), "--as", "rencheng_staff")
    assert Activity.objects.count() == 0


def test_skip_invalid_writes_valid_rows_and_error_workbook(personas, tmp_path, capsys):
    path = tmp_path / "活动.xlsx"
    write_xlsx(path, [HEADERS, GOOD, BAD])
    out, err = call("import", "activities", str(path), "--skip-invalid", "--as", "rencheng_staff")
    assert list(Activity.objects.values_list("code", flat=True)) == ["A1"]
    errors_path = tmp_path / "活动.errors.xlsx"
    assert str(errors_path) in err and "第3行「开始日期」“2020-09-31”" in err
    ws = load_workbook(errors_path).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (*HEADERS, "错误原因")
    assert rows[1][:7] == tuple(BAD) and "开始日期" in rows[1][7] and len(rows) == 2
    entry = AuditEntry.objects.get(action="kexie.import.activities")
    assert entry.after["created"] == 1 and entry.after["rejected"] == 1
    assert "新增1" in out


def test_dry_run_command(personas, tmp_path):
    path = tmp_path / "a.xlsx"
    write_xlsx(path, [HEADERS, GOOD])
    out, _ = call("import", "activities", str(path), "--dry-run", "--as", "rencheng_staff")
    assert "试运行" in out and Activity.objects.count() == 0


def test_unknown_user(personas, tmp_path):
    path = tmp_path / "a.xlsx"
    write_xlsx(path, [HEADERS, GOOD])
    with pytest.raises(CommandError, match="不存在"):
        call("import", "activities", str(path), "--as", "nobody")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings(personas, tmp_path, encoding):
    text = "\n".join(",".join(row) for row in (HEADERS, GOOD)) + "\n"
    path = tmp_path / "活动.csv"
    path.write_bytes(text.encode(encoding))
    call("import", "activities", str(path), "--as", "rencheng_staff")
    activity = Activity.objects.get(code="A1")
    assert activity.title == "科普讲座进社区" and activity.organiser.name == "任城区科学技术协会"


def test_gb18030_csv_errors_name_the_row(personas, tmp_path):
    text = "\n".join(",".join(row) for row in (HEADERS, GOOD, BAD)) + "\n"
    path = tmp_path / "活动.csv"
    path.write_bytes(text.encode("gb18030"))
    with pytest.raises(CommandError):
        call("import", "activities", str(path), "--as", "rencheng_staff")
    assert Activity.objects.count() == 0


def test_template_and_export_commands(personas, tmp_path, make_activity):
    make_activity()
    template = tmp_path / "t.xlsx"
    call("template", "activities", str(template), "--as", "rencheng_staff")
    assert load_workbook(template).sheetnames[:2] == ["数据", "说明"]
    export = tmp_path / "e.xlsx"
    call("export", "activities", str(export), "--as", "rencheng_staff", "--year", "2020")
    assert load_workbook(export).active.max_row == 2
    call("export", "activities", str(export), "--as", "rencheng_staff", "--year", "2021")
    assert load_workbook(export).active.max_row == 1
    csv_path = tmp_path / "e.csv"
    call("export", "activities", str(csv_path), "--as", "rencheng_staff")
    assert csv_path.read_bytes().startswith("\ufeff编号".encode())
