"""Documents of funded projects: the 立项通知 of a programme (Word, kexie.core.officialdoc) and
the projects' money as an xlsx workbook (guarded by kexie.core.imports.guard). Amounts are fen
integers; the workbook holds 元 as exact Decimals, the notice 元 and 万元 by integer arithmetic."""

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kexie.core.imports.guard import guard_workbook
from kexie.core.officialdoc import OfficialDocument, chinese_number
from kexie.funds import selectors
from kexie.funds.codes import STARTED
from kexie.funds.ledger import wan, yuan

EXPORT_HEADER = ["资金计划", "年度", "资金方向", "项目名称", "承担单位", "项目负责人", "状态", "立项文号",
                 "协议编号", "计划结题日期", "申请金额(元)", "立项金额(元)", "已拨付(元)", "已支出(元)",
                 "待拨付(元)", "已拨未支(元)", "收回未拨(元)", "退回结余(元)"]  # fmt: skip


def approval_notice(*, programme, user) -> bytes:
    """关于下达…项目的通知: the approved projects of the programme the user sees, each with its
    undertaker and granted amount, the total, and what the undertakers are to do next."""
    projects = list(
        selectors.projects(user, programme=programme)
        .filter(status__in=STARTED)
        .order_by("undertaker__path", "id")
    )
    total = sum(p.granted_fen for p in projects)
    title = f"关于下达{programme.name}项目的通知"
    doc = OfficialDocument(title=title, subject="科普项目立项通知")
    doc.title(title)
    doc.body("")
    doc.body("各有关单位:")
    source = f"经{programme.source_body}批准," if programme.is_won and programme.source_body else ""
    reviewed = "经申报、评审和立项公示," if programme.call_id else ""
    doc.body(
        f"{source}{reviewed}{programme.name}共立项{len(projects)}个项目,"
        f"下达资金{wan(total)}万元。现将立项项目及资金安排通知如下:"
    )
    doc.heading1(f"{chinese_number(1)}、立项项目及资金")
    for n, p in enumerate(projects, start=1):
        leader = f",项目负责人{p.leader_name}" if p.leader_name else ""
        doc.body(f"{n}. {p.title}(承担单位:{p.undertaker.name}{leader}),立项资金{yuan(p.granted_fen)}元。")
    doc.body(f"合计:{yuan(total)}元({wan(total)}万元)。")
    doc.heading1(f"{chinese_number(2)}、有关要求")
    doc.body(
        "(一)各项目承担单位应在接到通知后一个月内与项目管理单位签订项目协议,明确建设内容、绩效目标、拨款计划和完成期限。"
    )
    doc.body(
        "(二)项目资金实行专款专用,严格按照预算执行,按要求报送阶段进展报告和财务报告,资金按协议约定分批拨付。"
    )
    doc.body("(三)项目完成后及时提交结题报告,申请结题验收;结余资金按规定退回。")
    doc.body("")
    doc.body(programme.unit.name)
    return doc.to_bytes()


def _yuan_value(fen: int) -> Decimal:
    return Decimal(int(fen)) / 100


def projects_workbook(*, user, year: int | None = None) -> bytes:
    """Every project the user sees, with requested, granted, paid, spent and remaining money."""
    qs = selectors.with_books(selectors.projects(user))
    if year:
        qs = qs.filter(programme__year=year)
    book = Workbook()
    ws = book.active
    ws.title = "科普项目资金"
    ws.append(EXPORT_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for p in qs.order_by("-programme__year", "programme__name", "id"):
        ws.append([
            p.programme.name, p.programme.year, p.programme.get_direction_display(), p.title, p.undertaker.name,
            p.leader_name, p.get_status_display(), p.document_no, p.agreement_no, p.ends_on,
            *(_yuan_value(v) for v in (p.requested_fen, p.granted_fen, p.paid_fen, p.spent_fen,
                                       selectors.remaining_of(p), selectors.balance_of(p), p.withdrawn_fen,
                                       p.returned_fen)),
        ])  # fmt: skip
    for j, name in enumerate(EXPORT_HEADER, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(12, len(name) * 2 + 2)
        if j > 10:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = "0.00"
        elif j == 10:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    guard_workbook(book).save(out)
    return out.getvalue()
