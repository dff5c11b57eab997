"""The service-record workbook an operator uploads by hand to the national volunteer system
(全国志愿服务信息系统). That system offers no public interface: kexie does not synchronise
with it, it only writes this file. Columns follow 《志愿服务记录与证明出具办法(试行)》."""

from __future__ import annotations

import io

from openpyxl import Workbook

from kexie.core.imports.guard import guard_workbook
from kexie.directory.models import personal_data_visible

HEADERS = [
    "姓名", "证件类型", "身份证件号码", "服务活动", "服务日期", "服务地点", "服务内容",
    "服务时长(小时)", "组织单位", "负责人", "记录方式", "录入日期", "逾期录入",
]  # fmt: skip


def national_rows(records, user):
    """One row per recorded entry; the ID number in full only for users who may see it."""
    full = personal_data_visible(user)
    for r in records:
        profile = r.volunteer
        yield [
            profile.person.name,
            profile.get_id_type_display(),
            profile.id_number if full else profile.id_number_masked,
            r.activity.title,
            r.served_on,
            r.place,
            r.content,
            r.hours,
            r.organising_unit.name,
            r.responsible_person.name if r.responsible_person_id else "",
            r.get_source_display(),
            r.recorded_on,
            "是" if r.is_late else "否",
        ]


def national_workbook(records, user) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "志愿服务记录"
    ws.append(HEADERS)
    for row in national_rows(records, user):
        ws.append(row)
    for cell in ws["E"][1:] + ws["L"][1:]:
        cell.number_format = "yyyy-mm-dd"
    guard_workbook(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
