import io
from openpyxl import load_workbook
from kexie.core.imports import import_file, export_rows, template_bytes, KINDS


def test_smoke(world, personas):
    for actor in (personas["county_staff"], personas["city_admin"]):
        for kind in KINDS:
            if kind == "regions" and actor is personas["county_staff"]:
                continue
            t = template_bytes(actor=actor, kind=kind)
            r = import_file(actor=actor, kind=kind, fileobj=io.BytesIO(t), filename="t.xlsx")
            print(kind, r.summary(), [p.message for p in r.errors], [p.message for p in r.warnings])
            assert r.ok, kind
            e1 = export_rows(actor=actor, kind=kind)
            r2 = import_file(actor=actor, kind=kind, fileobj=io.BytesIO(e1), filename="e.xlsx")
            print(kind, r2.summary(), [p.message for p in r2.errors])
            assert r2.ok and r2.created == 0 and r2.updated == 0, kind
            assert export_rows(actor=actor, kind=kind) == e1
