"""The demo's statistical reports for 2020, filled through the services: the city's fill
(`fill_city`) makes every unit's tables from the demo's records, so every computed cell states
the figure the demo reproduces from the seed (学术交流活动, 科普活动, 技术需求, 专利检索, 院士专家,
签约项目, 农技咨询, 表彰, 科技馆 visitors …: the seed gives no figure for a hand-entered cell).

- 科协综合统计 (form "kx"): the city, its counties and its societies; the first county types
  its hand cells, submits, and the city accepts (the other counties' reports stay drafts).
- 科普统计 (form "kp"): the city, its counties and every unit running a venue (科普场馆), whose
  figures are its own form's and leave its county's; the first county types its hand cells and
  submits, and the city accepts.
So the review path has one report at each step in each form."""

from __future__ import annotations

YEAR = 2020
FILLED_BY = {"head": "王主席", "preparer": "李填表", "phone": "0537-2345678"}


def _hand_values(report) -> dict[tuple[str, str], int | str]:
    """A county's hand cells: 0 (nothing happened) or "-" where allowed, and the parts of a
    computed total (a `sum` rule) so that they add up: the whole in the last part."""
    from kexie.stats import compute

    tables = compute.report_tables(report)
    cells = compute.report_cells(report, tables)
    values: dict[tuple[str, str], int | str] = {}
    for t in tables:
        for d in t.cell_list():
            if not d.computed:
                values[(t.code, d.code)] = "-" if d.dash else 0
        for rule in t.checks:
            whole = cells.get((t.code, rule.cell))
            if rule.kind == "sum" and whole is not None and whole.is_computed and rule.of:
                values[(t.code, rule.of[-1])] = whole.value or 0
    return values


def fill(context, form: str = "kx") -> list:
    """Fill the city's reports of `form`, then walk the first county's through the workflow;
    returns the city's reports."""
    from kexie.demo.data import ADMIN_USERNAME
    from kexie.stats import checks, services

    admin = context.users[ADMIN_USERNAME]
    reports = services.fill_city(actor=admin, city=context.city, year=YEAR, form=form)
    county = next((r for r in reports if r.unit_id == context.orgs["counties"][0].pk), None)
    clerk = next((u for u in context.users.values() if county and u.unit_id == county.unit_id), None)
    if county is None or clerk is None:
        return reports
    for (table, code), value in _hand_values(county).items():
        services.cell_enter(actor=clerk, report=county, table=table, code=code, text=value)
    services.report_update(actor=clerk, report=county, data={
        "explanation": "本年度数据由 kexie 从业务记录取数,手工填报项经核实。", **FILLED_BY,
    })  # fmt: skip
    if any(p.table for p in checks.check_report(county)):
        return reports  # a rule fails: the county's report stays a draft for the demo's user to mend
    services.report_submit(actor=clerk, report=county)
    services.report_accept(actor=admin, report=county)
    return reports


def load(context) -> None:
    """Entry point of `kexie demo`: the 科协综合统计, then the 科普统计, of 2020."""
    fill(context, "kx")
    fill(context, "kp")
