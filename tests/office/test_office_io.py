"""The task list's import and export through kexie.core.imports: rows checked as the service
checks them, every bad cell named in Chinese by row and column, nothing written on error."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from kexie.core.imports import export_rows, import_file
from kexie.office.models import Task
from kexie.office.testing import build_office

HEADERS = ["任务", "责任处室", "责任人", "任务来源", "依据制度", "上级通知", "交办日期", "完成时限", "专班"]


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


def workbook(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _import(actor, rows):
    return import_file(actor=actor, kind="office_tasks", fileobj=workbook(rows), filename="任务清单.xlsx")


def test_import_creates_tasks_through_the_service(world, office):
    tasks = Task.objects.unscoped(reason="test")
    before = tasks.count()
    result = _import(world.users["city_admin"], [
        ["报送年度工作总结", "办公室", "王干部", "上级通知", "", "省科协通知", "2020-11-02", "2020-12-15", ""],
        ["制定年度科普工作要点", "学会部", "赵干部", "年度重点工作", "", "", "2020-02-03", "2020-03-31", ""],
    ])  # fmt: skip
    assert result.ok and result.created == 2 and result.written, result.errors
    assert tasks.count() == before + 2
    made = tasks.get(title="报送年度工作总结")
    assert (
        made.owner == office["cadre_a"] and made.notice == "省科协通知" and str(made.deadline) == "2020-12-15"
    )


def test_bad_rows_are_named_and_nothing_is_written(world, office):
    tasks = Task.objects.unscoped(reason="test")
    before = tasks.count()
    result = _import(world.users["city_admin"], [
        ["报送年度工作总结", "办公室", "王干部", "上级通知", "", "省科协通知", "2020-11-02", "2020-12-15", ""],
        ["任务二", "不存在处", "王干部", "年度重点工作", "", "", "2020-02-03", "2020-03-31", ""],
        ["任务三", "办公室", "赵干部", "年度重点工作", "", "", "2020-02-03", "2020-03-31", ""],
        ["任务四", "办公室", "王干部", "上级通知", "", "", "2020-02-03", "2020-03-31", ""],
        ["任务五", "办公室", "王干部", "年度重点工作", "", "", "2020-05-03", "2020-03-31", ""],
    ])  # fmt: skip
    assert not result.written and tasks.count() == before
    messages = [p.message for p in result.errors]
    text = "\n".join(messages)
    assert "第3行" in text and "责任处室" in text and "处室不存在" in text
    assert "第4行" in text and "不是该处室的干部" in text
    assert "第5行" in text and "上级通知" in text
    assert "第6行" in text and "不能早于交办日期" in text
    assert "第2行" not in text


def test_export_lists_what_the_user_sees(world, office):
    data = export_rows(actor=world.users["city_admin"], kind="office_tasks")
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    titles = {r[0] for r in rows[1:]}
    assert office["task"].title in titles
    outsider = export_rows(actor=world.users["outsider"], kind="office_tasks")
    assert office["task"].title not in {
        r[0] for r in list(load_workbook(io.BytesIO(outsider)).active.iter_rows(values_only=True))[1:]
    }


def test_reimport_with_a_changed_deadline_updates_the_task(world, office):
    """A task is matched by its natural key (任务、责任处室、交办日期): an exported list with a
    later deadline re-imported updates that task (audited), it does not add a second one."""
    from kexie.core.audit import AuditEntry

    admin, tasks = world.users["city_admin"], Task.objects.unscoped(reason="test")
    row = [
        "报送年度工作总结",
        "办公室",
        "王干部",
        "上级通知",
        "",
        "省科协通知",
        "2020-11-02",
        "2020-12-15",
        "",
    ]
    assert _import(admin, [row]).created == 1
    task = tasks.get(title="报送年度工作总结")
    before = tasks.count()
    result = _import(admin, [row[:7] + ["2020-12-31", ""]])
    assert result.ok and result.written and result.created == 0 and result.updated == 1, result.errors
    assert tasks.count() == before
    task.refresh_from_db()
    assert str(task.deadline) == "2020-12-31"
    entry = AuditEntry.objects.filter(action="kexie.task.changed", object_id=str(task.pk)).get()
    assert "2020-12-15" in str(entry.before) and "2020-12-31" in str(entry.after)
    again = _import(admin, [row[:7] + ["2020-12-31", ""]])
    assert again.unchanged == 1 and again.created == again.updated == 0


def test_reimport_refuses_a_finished_task_and_a_repeated_key(world, office):
    admin, tasks = world.users["city_admin"], Task.objects.unscoped(reason="test")
    from kexie.office import services

    services.task_complete(actor=admin, task=office["task_b"], done_on=office["task_b"].deadline)
    before = tasks.count()
    done = ["整理2019年度档案", "办公室", "李干部", "年度重点工作", "", "", "2020-01-06", "2020-04-30", ""]
    twice = ["新任务", "办公室", "王干部", "年度重点工作", "", "", "2020-02-03", "2020-03-31", ""]
    result = _import(admin, [done, twice, twice[:7] + ["2020-04-30", ""]])
    text = "\n".join(p.message for p in result.errors)
    assert not result.written and tasks.count() == before
    assert "第2行" in text and "已完成" in text and "第4行" in text and "与第3行重复" in text
