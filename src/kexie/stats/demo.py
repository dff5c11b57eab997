"""The demo's statistical reports (科协综合统计 2020), filled through the services: the city's
fill (`fill_city`) makes every unit's tables from the demo's records, so every computed cell
states the figure the demo reproduces from the seed (学术交流活动, 科普活动, 技术需求, 专利检索,
院士专家, 签约项目, 农技咨询, 表彰 …: the seed gives no figure for a hand-entered cell). Then the
first county types its hand cells, submits, and the city accepts: the review path has one
report at each step (the other counties' reports stay drafts)."""

from __future__ import annotations

YEAR = 2020


def _hand_values(report) -> dict[tuple[str, str], int | str]:
    """A county's hand cells: 0 (nothing happened) or "-" where allowed, and the parts of a
    computed total (a `sum` rule) so that they add up: the whole in the last part."""
    from kexie.stats import compute

    tables = compute.report_tables(report)
    cells = {(c.table, c.code): c for c in report.cells.all()}
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


def load(context) -> None:
    """Entry point of `kexie demo`: fill 2020's reports of the whole city, then walk one county's
    through the workflow."""
    from kexie.demo.data import ADMIN_USERNAME
    from kexie.stats import checks, services

    admin = context.users[ADMIN_USERNAME]
    reports = services.fill_city(actor=admin, city=context.city, year=YEAR)
    county = next((r for r in reports if r.unit_id == context.orgs["counties"][0].pk), None)
    clerk = next((u for u in context.users.values() if county and u.unit_id == county.unit_id), None)
    if county is None or clerk is None:
        return
    for (table, code), value in _hand_values(county).items():
        services.cell_enter(actor=clerk, report=county, table=table, code=code, text=value)
    services.report_update(actor=clerk, report=county, data={
        "explanation": "本年度数据由 kexie 从业务记录取数,手工填报项经核实。", "head": "王主席",
        "preparer": "李填表", "phone": "0537-2345678",
    })  # fmt: skip
    if any(p.table for p in checks.check_report(county)):
        return  # a rule fails: the county's report stays a draft for the demo's user to mend
    services.report_submit(actor=clerk, report=county)
    services.report_accept(actor=admin, report=county)
