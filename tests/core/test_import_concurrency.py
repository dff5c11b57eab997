"""The same file imported twice at once: one import writes, the other says in Chinese why it
did not (never a raw IntegrityError), and nothing is written twice."""

import datetime as dt
import io

import pytest
from django.db import IntegrityError
from openpyxl import Workbook

from kexie.activities.models import Activity
from kexie.core.imports import engine, import_file
from kexie.core.models import AuditEntry
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together

HEADERS = ["编号", "活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "主办单位", "填报单位"]
UNIT = "任城区科学技术协会"
CLASH = "导入未写入"


def _file(codes) -> bytes:
    wb = Workbook()
    wb.active.append(HEADERS)
    for code in codes:
        day = dt.date(2020, 9, 19)
        wb.active.append([code, f"科普讲座{code}", "科普讲座", day, day, "任城区", UNIT, UNIT])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(actor, data):
    return import_file(actor=actor, kind="activities", fileobj=io.BytesIO(data), filename="活动.xlsx")


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_twice_at_once(personas):
    data = _file(["HD-A1", "HD-A2", "HD-A3"])
    staff = personas["county_staff"]
    # Both imports have checked the file (every row new) before either writes.
    with meet_after(engine, "_tally", parties=2):
        results = run_together(lambda: _import(staff, data), lambda: _import(staff, data))
    assert not any(isinstance(r, Exception) for r in results), results
    written = [r for r in results if r.written]
    refused = [r for r in results if not r.written]
    assert len(written) == 1 and len(refused) == 1
    message = refused[0].errors[0].message
    assert CLASH in message and "重新上传" in message
    assert Activity.objects.filter(code__startswith="HD-A").count() == 3
    assert AuditEntry.objects.filter(action="kexie.import.activities").count() == 1


def test_a_clash_at_write_time_is_a_chinese_problem_not_a_traceback(personas, monkeypatch):
    """Whatever the database refuses at write time (here: a unique code written meanwhile)."""
    data = _file(["HD-B1"])
    staff = personas["county_staff"]
    spec = engine.get_spec("activities")

    def clash(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "activity_code"')

    monkeypatch.setattr(type(spec), "write", clash)
    result = _import(staff, data)
    assert not result.written
    assert CLASH in result.errors[0].message
    assert "duplicate key" not in result.errors[0].message  # no database text for the user
    assert not Activity.objects.filter(code="HD-B1").exists()
