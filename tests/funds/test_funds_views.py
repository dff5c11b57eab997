"""The staff pages of funded projects: a programme made on the web, a project applied for with
budget lines, approved, agreed with a payment plan, paid, reported, accepted and closed — money
exact at every step; the 立项通知 (Word), the projects' money (xlsx, formula-safe), the import of
applications with budget lines, and the home panel."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from kexie.core.audit import AuditEntry
from kexie.core.imports import export_rows, import_file, template_bytes
from kexie.funds import selectors, services
from kexie.funds.ledger import ledger
from kexie.funds.models import BudgetLine, Programme, Project

from .conftest import lines


def _post(client, url_name, pk=None, **data):
    url = reverse(url_name, args=[pk] if pk is not None else [])
    return client.post(url, data)


def test_a_project_through_the_web_from_programme_to_closing(client, world, admin):
    client.force_login(admin)
    r = _post(client, "funds:programme_create", name="2020年济宁市科普示范项目", kind="other", direction="given",
              year="2020", budget="100000", note="")  # fmt: skip
    assert r.status_code == 302, r.content.decode()[:2000]
    programme = Programme.objects.get(name="2020年济宁市科普示范项目")
    assert (programme.budget_fen, programme.unit, programme.call) == (10_000_000, admin.unit, None)

    r = _post(client, "funds:project_apply", programme.pk, title="兖州区科技馆展教提升", undertaker=world.orgs["base"].pk,
              leader_name="王明", budget_lines="展品制作,15000\n科普培训,5000.50", submit="on")  # fmt: skip
    project = Project.objects.get()
    assert r.status_code == 302 and r.url == reverse("funds:project_detail", args=[project.pk])
    assert project.requested_fen == 2_000_050
    assert [(b.item, b.amount_fen) for b in project.budget_lines.all()] == [
        ("展品制作", 1_500_000),
        ("科普培训", 500_050),
    ]

    _post(
        client,
        "funds:project_approve",
        project.pk,
        granted="",
        document_no="济科协字〔2020〕40号",
        seen="applied",
    )
    project.refresh_from_db()
    assert (project.status, project.granted_fen, project.document_no) == (
        "approved",
        2_000_050,
        "济科协字〔2020〕40号",
    )

    assert client.get(reverse("funds:project_agree", args=[project.pk])).status_code == 200
    r = _post(client, "funds:project_agree", project.pk, agreement_no="JN-1", on="2020-06-01", ends_on="2020-11-30",
              tranches="10000,签订")  # fmt: skip
    assert r.status_code == 200 and "与立项金额 20000.50 元不符" in r.content.decode()
    r = _post(client, "funds:project_agree", project.pk, agreement_no="JN-1", on="2020-06-01", ends_on="2020-11-30",
              tranches="10000,签订\n10000.50,验收")  # fmt: skip
    assert r.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.ends_on) == ("agreed", dt.date(2020, 11, 30))
    t1, t2 = project.tranches.all()
    assert (t1.amount_fen, t1.condition, t2.amount_fen, t2.condition) == (
        1_000_000,
        "none",
        1_000_050,
        "acceptance",
    )

    _post(client, "funds:tranche_pay", t1.pk, amount="10000", voucher_no="付1")
    _post(client, "funds:report_submit", project.pk, kind="financial", period_end="2020-09-30", spent="8000",
          text="展品制作支出")  # fmt: skip
    report = project.reports.get()
    _post(client, "funds:report_accept", report.pk)
    _post(client, "funds:report_submit", project.pk, kind="final", period_end="2020-11-30", text="项目完成")
    _post(
        client, "funds:project_accept", project.pk, result="passed", note="", on="2020-12-10", seen="agreed"
    )
    project.refresh_from_db()
    assert project.status == "passed"
    _post(client, "funds:tranche_pay", t2.pk, amount="10000.50")
    book = ledger(project)
    assert (book.paid, book.spent, book.balance, book.remaining) == (2_000_050, 800_000, 1_200_050, 0)

    r = _post(client, "funds:project_close", project.pk, returned="100", seen="passed")
    project.refresh_from_db()
    assert project.status == "passed"  # the whole balance must come back
    _post(client, "funds:project_close", project.pk, returned="12000.50", on="2020-12-20", seen="passed")
    project.refresh_from_db()
    book = ledger(project)
    assert project.status == "closed" and book.problems() == []
    assert (book.granted, book.paid, book.spent, book.returned, book.balance, book.remaining) == (
        2_000_050, 2_000_050, 800_000, 1_200_050, 0, 0)  # fmt: skip

    _post(
        client, "funds:conflict_declare", project.pk, name="李评审", relation="承担单位原职工", recused="on"
    )
    assert project.conflicts.get().relation == "承担单位原职工"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"kexie.programme.created", "kexie.project.applied", "kexie.project.approved", "kexie.project.agreed",
            "kexie.payment.paid", "kexie.project_report.accepted", "kexie.project.accepted", "kexie.project.closed",
            "kexie.conflict_of_interest.declared"} <= actions  # fmt: skip
    page = client.get(reverse("funds:project_detail", args=[project.pk])).content.decode()
    assert "已结项" in page and "2020-11-30" in page


def test_forms_name_the_line_and_nothing_changes(client, world, admin, won):
    client.force_login(admin)
    r = _post(client, "funds:project_apply", won.pk, title="科普大篷车", undertaker=world.orgs["base"].pk,
              budget_lines="展品制作,15000\n培训,一万\n车辆,0.001")  # fmt: skip
    body = r.content.decode()
    assert r.status_code == 200
    assert "第2行:金额应为数字(元,最多两位小数)" in body and "第3行:金额最多两位小数(分)" in body
    assert not Project.objects.exists()


def test_a_programme_with_its_call_and_approval_from_the_call(client, world, admin):
    client.force_login(admin)
    r = _post(client, "funds:programme_create", name="2021年基层科普行动计划", kind="grassroots", direction="given",
              year="2021", budget="1.2万", with_call="on", opens_on="2021-03-01", closes_on="2021-04-30")  # fmt: skip
    assert r.status_code == 302
    programme = Programme.objects.get()
    assert programme.budget_fen == 1_200_000 and programme.call.kind == "grant"
    assert programme.call.title == "2021年基层科普行动计划项目征集"
    r = _post(client, "funds:programme_approve", programme.pk)  # the call is not final yet
    assert r.status_code == 302 and not Project.objects.exists()


def test_others_cannot_act_on_the_projects_of_a_programme_they_do_not_manage(client, world, admin, won):
    project = services.project_apply(actor=admin, programme=won, title="科普大篷车", undertaker=world.orgs["school"],
                                     budget_lines=lines(500_000))  # fmt: skip
    client.force_login(world.users["outsider"])
    for name in ("funds:project_approve", "funds:project_reject", "funds:project_accept", "funds:project_close",
                 "funds:conflict_declare", "funds:project_agree"):  # fmt: skip
        assert _post(client, name, project.pk).status_code == 404, name
    assert client.get(reverse("funds:programme_notice", args=[won.pk])).status_code == 404
    project.refresh_from_db()
    assert project.status == "applied"


def _agreed(admin, programme, undertaker, title="科普大篷车", amount=1_000_000, **kwargs):
    project = services.project_apply(actor=admin, programme=programme, title=title, undertaker=undertaker,
                                     budget_lines=lines(amount))  # fmt: skip
    services.project_approve(
        actor=admin, project=project, on=dt.date(2020, 6, 1), document_no="鲁科协字〔2020〕12号"
    )
    services.project_agree(actor=admin, project=project, agreement_no=f"A-{project.pk}", on=dt.date(2020, 6, 10),
                           tranches=[{"amount_fen": amount // 2, "condition": "none"},
                                     {"amount_fen": amount - amount // 2, "condition": "milestone"}], **kwargs)  # fmt: skip
    return project


def test_approval_notice_lists_the_approved_projects(client, world, admin, won):
    _agreed(admin, won, world.orgs["base"], title="兖州区科技馆展教提升", amount=2_500_000)
    services.project_apply(actor=admin, programme=won, title="未立项的项目", undertaker=world.orgs["school"],
                           budget_lines=lines(100))  # fmt: skip
    client.force_login(admin)
    r = client.get(reverse("funds:programme_notice", args=[won.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "关于下达2020年省级科普行动计划项目的通知" in text
    assert "经山东省科学技术协会批准,2020年省级科普行动计划共立项1个项目,下达资金2.5万元" in text
    assert "1. 兖州区科技馆展教提升(承担单位:兖州区科技馆),立项资金25000.00元。" in text
    assert "未立项的项目" not in text


def test_export_has_every_amount_and_is_formula_safe(client, world, admin, won):
    project = _agreed(admin, won, world.orgs["base"], title='=HYPERLINK("http://x","点")', amount=1_000_001)
    services.tranche_pay(
        actor=admin, tranche=project.tranches.first(), amount_fen=500_000, paid_on=dt.date(2020, 7, 1)
    )
    report = services.report_submit(actor=admin, project=project, kind="financial", period_end=dt.date(2020, 8, 1),
                                    text="支出", spent_fen=123_456)  # fmt: skip
    services.report_accept(actor=admin, report=report)
    client.force_login(admin)
    r = client.get(reverse("funds:projects_export") + "?year=2020")
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert ws["D2"].data_type == "s" and row["项目名称"].startswith("=HYPERLINK")
    assert (row["立项金额(元)"], row["已拨付(元)"], row["已支出(元)"], row["待拨付(元)"], row["已拨未支(元)"]) == (
        10000.01, 5000, 1234.56, 5000.01, 3765.44)  # fmt: skip
    assert ws.max_row == 2
    client.force_login(world.users["outsider"])  # 兖州区科协 sees its base's project as undertaker
    ws = load_workbook(io.BytesIO(client.get(reverse("funds:projects_export")).content)).active
    assert ws.max_row == 2
    client.force_login(world.users["society_secretary"])
    ws = load_workbook(io.BytesIO(client.get(reverse("funds:projects_export")).content)).active
    assert ws.max_row == 1


def test_books_agree_with_the_ledger(world, admin, won):
    project = _agreed(admin, won, world.orgs["base"])
    services.tranche_pay(actor=admin, tranche=project.tranches.first(), amount_fen=300_000)
    (row,) = selectors.with_books(selectors.projects(admin))
    book = ledger(project)
    assert (row.paid_fen, row.spent_fen, selectors.remaining_of(row), selectors.balance_of(row)) == (
        book.paid, book.spent, book.remaining, book.balance)  # fmt: skip


def _run(actor, data):
    return import_file(actor=actor, kind="funds_projects", fileobj=io.BytesIO(data), filename="p.xlsx")


def _workbook(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append(["资金计划", "项目名称", "承担单位", "项目负责人", "支出科目", "金额(元)"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_applications_with_budget_lines(world, admin, won):
    rows = [
        ["2020年省级科普行动计划", "科普大篷车", "兖州区科技馆", "王明", "车辆改装", "12000"],
        ["2020年省级科普行动计划", "科普大篷车", "兖州区科技馆", "王明", "展品", 3000.5],
        ["2020年省级科普行动计划", "校园科普", "任城区二十里铺中学", "", "讲座", "2000.00"],
    ]
    result = _run(admin, _workbook(rows))
    assert result.ok, [p.message for p in result.errors]
    assert (result.created, result.rows) == (3, 3)
    bus = Project.objects.get(title="科普大篷车")
    assert (bus.requested_fen, bus.leader_name, bus.undertaker) == (1_500_050, "王明", world.orgs["base"])
    assert BudgetLine.objects.count() == 3
    # exported and imported again: nothing changes
    again = _run(admin, export_rows(actor=admin, kind="funds_projects"))
    assert again.ok and (again.created, again.unchanged) == (0, 3)


def test_import_errors_name_row_field_and_reason_and_write_nothing(world, admin, won):
    services.project_apply(actor=admin, programme=won, title="已申报", undertaker=world.orgs["base"],
                           budget_lines=lines(100_000))  # fmt: skip
    rows = [
        ["2020年省级科普行动计划", "新项目", "兖州区科技馆", "", "展品", "100"],
        ["没有的计划", "新项目二", "兖州区科技馆", "", "展品", "100"],
        ["2020年省级科普行动计划", "新项目三", "不存在的单位", "", "展品", "100"],
        ["2020年省级科普行动计划", "新项目", "任城区二十里铺中学", "", "培训", "100"],
        ["2020年省级科普行动计划", "已申报", "兖州区科技馆", "", "新科目", "100"],
        ["2020年省级科普行动计划", "新项目四", "兖州区科技馆", "", "展品", "1.001"],
    ]
    result = _run(admin, _workbook(rows))
    messages = [p.message for p in result.errors]
    assert not result.ok and Project.objects.count() == 1
    assert any("第3行" in m and "资金计划" in m and "不在您的范围内" in m for m in messages), messages
    assert any("第4行" in m and "承担单位" in m for m in messages), messages
    assert any("第5行" in m and "与第2行同一项目的承担单位不一致" in m for m in messages), messages
    assert any("第6行" in m and "预算明细不能通过导入修改" in m for m in messages), messages
    assert any("第7行" in m and "金额(元)" in m and "两位小数" in m for m in messages), messages


def test_import_template_example_is_valid(world, admin, won):
    data = template_bytes(actor=admin, kind="funds_projects")
    wb = load_workbook(io.BytesIO(data))
    example = [c.value for c in wb["数据"][2]]
    assert example[0] == "2020年省级科普行动计划"


def test_home_panel_shows_tranches_due_and_projects_overdue_in_scope(client, world, admin, won):
    due = _agreed(admin, won, world.orgs["base"], title="可拨款的项目", ends_on=dt.date(2099, 12, 31))
    late = _agreed(admin, won, world.orgs["school"], title="逾期的项目", ends_on=dt.date(2020, 11, 30))
    services.tranche_pay(actor=admin, tranche=late.tranches.first(), amount_fen=500_000)
    due_tranches = list(selectors.tranches_due(admin))
    assert [(t.project.title, t.seq) for t in due_tranches] == [("可拨款的项目", 1)]
    assert [p.title for p in selectors.overdue_for_acceptance(admin)] == ["逾期的项目"]
    # a milestone report accepted: the second tranche of the late project is due too
    report = services.report_submit(actor=admin, project=late, kind="milestone", period_end=dt.date(2020, 9, 1),
                                    text="进展")  # fmt: skip
    services.report_accept(actor=admin, report=report)
    assert {(t.project.title, t.seq) for t in selectors.tranches_due(admin)} == {
        ("可拨款的项目", 1),
        ("逾期的项目", 2),
    }
    client.force_login(admin)
    page = client.get("/").content.decode()
    assert 'id="funds-panel"' in page and "可拨款的项目" in page and "逾期的项目" in page
    client.force_login(world.users["society_secretary"])
    assert 'id="funds-panel"' not in client.get("/").content.decode()
    client.force_login(world.users["outsider"])  # the undertaker's unit sees its late project, pays nothing
    assert list(selectors.tranches_due(world.users["outsider"])) == []
    assert [p.title for p in selectors.overdue_for_acceptance(world.users["outsider"])] == []
    assert due.status == "agreed"


@pytest.mark.parametrize("text", ["12500", "12,500.50", "1.2万", "0.01"])
def test_amounts_typed_in_yuan_are_exact(text):
    from kexie.funds.forms import fen_of

    assert fen_of(text) == {"12500": 1_250_000, "12,500.50": 1_250_050, "1.2万": 1_200_000, "0.01": 1}[text]
