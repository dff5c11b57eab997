"""Word output of an annual report and of an evaluation (kexie.core.officialdoc), and the
workbook of annual reports (every export goes through kexie.core.imports.guard)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from kexie.core.imports.guard import guard_workbook
from kexie.core.officialdoc import OfficialDocument

PREFILL_LABELS = (
    ("activities", gettext_lazy("已审核活动(项)")),
    ("academic_exchanges", gettext_lazy("学术交流活动(次)")),
    ("people", gettext_lazy("登记人员(人)")),
    ("member_count", gettext_lazy("会员数")),
    ("party_form", gettext_lazy("党组织形式")),
    ("party_members", gettext_lazy("党员数")),
)


def _money(value) -> str:
    return "—" if value is None else f"{value:,.2f}元"


def report_docx(report) -> bytes:
    doc = OfficialDocument(title=str(report), subject=_("年度报告"))
    doc.title(_("%(o)s%(y)d年度工作报告") % {"o": report.organisation, "y": report.year})
    doc.heading1(_("一、基本情况(系统已有数据)"))
    data = report.prefilled or {}
    for key, label in PREFILL_LABELS:
        value = data.get(key)
        doc.body(f"{label}:{'—' if value in (None, '') else value}")
    if data.get("officers"):
        doc.body(_("负责人:") + "、".join(data["officers"]))
    if data.get("honours"):
        doc.body(_("获得荣誉:") + "、".join(data["honours"]))
    doc.heading1(_("二、遵守法律法规和章程情况"))
    doc.body(report.compliance or "—")
    doc.heading1(_("三、登记事项及负责人变动情况"))
    doc.body(report.registration_changes or "—")
    doc.body(report.officer_changes or "—")
    doc.heading1(_("四、财务及接受捐赠情况"))
    doc.body(
        _("年度收入%(i)s,年度支出%(e)s,接受捐赠%(d)s。")
        % {"i": _money(report.income), "e": _money(report.expenditure), "d": _money(report.donations)}
    )
    doc.heading1(_("五、评比表彰与党建工作"))
    doc.body(report.awards or "—")
    doc.body(report.party_building or "—")
    if report.other:
        doc.heading1(_("六、其他需要说明的事项"))
        doc.body(report.other)
    return doc.to_bytes()


def evaluation_docx(evaluation, scores: dict) -> bytes:
    doc = OfficialDocument(title=str(evaluation), subject=_("等级评估"))
    doc.title(_("%(o)s%(y)d年度等级评估得分表") % {"o": evaluation.organisation, "y": evaluation.year})
    doc.subtitle(evaluation.scheme.name)
    category = None
    for item in evaluation.scheme.items:
        if item["category"] != category:
            category = item["category"]
            doc.heading1(category)
        row = scores.get(item["code"])
        got = "—" if row is None else row.score
        doc.body(
            f"{item['code']} {item['name']}({item['max']}分):{got}"
            + (f"。{row.evidence}" if row and row.evidence else "")
        )
    doc.heading1(_("总分与等级"))
    doc.body(_("总分:%(t)s;等级:%(g)s") % {"t": evaluation.total if evaluation.total is not None else "—",
                                           "g": evaluation.grade or "—"})  # fmt: skip
    return doc.to_bytes()


REPORT_COLUMNS = (
    (gettext_lazy("单位"), lambda r: r.organisation.name), (gettext_lazy("年度"), lambda r: r.year),
    (gettext_lazy("状态"), lambda r: r.get_status_display()), (gettext_lazy("收入(元)"), lambda r: r.income),
    (gettext_lazy("支出(元)"), lambda r: r.expenditure), (gettext_lazy("接受捐赠(元)"), lambda r: r.donations),
    (gettext_lazy("专职工作人员数"), lambda r: r.staff_count),
    (gettext_lazy("学术交流活动(次)"), lambda r: (r.prefilled or {}).get("academic_exchanges")),
    (gettext_lazy("遵守法律法规和章程情况"), lambda r: r.compliance),
)  # fmt: skip


def reports_workbook(reports) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("年度报告")
    ws.append([str(label) for label, _get in REPORT_COLUMNS])
    for report in reports:
        ws.append([get(report) for _label, get in REPORT_COLUMNS])
    guard_workbook(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
