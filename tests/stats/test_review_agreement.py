"""The annual review and the tables agree: every figure both state is the same number."""

from kexie.core.indicators import Period, Scope
from kexie.reports.review import build_review
from kexie.stats import compute, services


def test_every_figure_the_review_and_the_tables_both_state_is_the_same(world, academic, approved):
    academic(2)
    approved(3)  # lectures (outreach)
    staff = world.users["county_staff"]
    unit = world.orgs["rencheng"]
    report = services.report_prepare(actor=staff, unit=unit, year=2020)
    review = build_review(Period.year(2020), Scope(staff, org_id=unit.pk))
    stated = {(f.code, f.dimension or "", f.key or ""): f.value for b in review.blocks for f in b.figures
              if not f.previous}  # fmt: skip
    cells = {key: c.value for key, c in compute.report_cells(report).items()}
    compared = 0
    for t in compute.tables_of(unit, 2020):
        for d in t.cell_list():
            key = (d.indicator, d.dimension, d.key)
            if d.indicator and key in stated:
                assert cells[(t.code, d.code)] == round(stated[key] or 0), (t.code, d.code)
                compared += 1
    assert compared >= 1
