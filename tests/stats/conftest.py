import datetime as dt

import pytest


@pytest.fixture
def approved(world, make_activity):
    """Approve activities of 任城区 (county staff report, the city approves)."""
    from kexie.accounts.models import User
    from kexie.activities.services import activity_approve, activity_submit

    root = User.objects.create_superuser("stats_root", password="Kexie-test-2020!")

    def make(n=1, **overrides):
        made = []
        for _ in range(n):
            a = make_activity(**overrides)
            activity_submit(actor=overrides.get("actor") or world.users["county_staff"], activity=a)
            activity_approve(actor=root, activity=a)
            made.append(a)
        return made

    return make


@pytest.fixture
def academic(world, approved):
    return lambda n=1, **kw: approved(n, kind=world.kinds["academic_exchange"], title="学术年会", **kw)


def fill_hand_cells(report, actor, value=0):
    """Enter every hand cell of a report (0, or "-" where allowed), so the rules pass."""
    from kexie.stats import compute, services

    for cell in compute.report_cells(report).values():
        if cell.is_computed:
            continue
        services.cell_enter(actor=actor, report=report, table=cell.table, code=cell.code, text=value)


DAY = dt.date(2020, 6, 1)
