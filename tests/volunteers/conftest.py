import datetime as dt
from decimal import Decimal

import pytest

from kexie.core import checkin
from kexie.core.models import CheckinMethod

START = dt.datetime(2020, 9, 19, 1, 0, tzinfo=dt.UTC)  # 09:00 in 济宁
END = START + dt.timedelta(hours=3)


@pytest.fixture
def staff(world):
    return world.users["county_staff"]


@pytest.fixture
def on_day(monkeypatch):
    """Set the day records are entered on (the 10-working-day rule counts from the service)."""

    def set_day(day: dt.date):
        monkeypatch.setattr("kexie.volunteers.services._today", lambda: day)

    set_day(dt.date(2020, 9, 21))
    return set_day


@pytest.fixture
def make_volunteer(world, staff):
    from kexie.directory.services import person_create
    from kexie.volunteers.services import volunteer_register

    def make(name="李志愿", actor=None, **data):
        actor = actor or staff
        person = person_create(actor=actor, data={"name": name, "unit": actor.unit})
        return volunteer_register(
            actor=actor, person=person, data={"registered_on": dt.date(2020, 1, 1), **data}
        )

    return make


@pytest.fixture
def service_activity(make_activity, world):
    return make_activity(
        title="新时代文明实践科普志愿服务", kind=world.kinds["outreach.volunteer"], venue="太白广场"
    )


@pytest.fixture
def entry(service_activity):
    return {"content": "科普宣传", "hours": Decimal("2.5")}


def check_in_out(session, person, minutes_in=0, minutes_out=120):
    at = session.starts_at + dt.timedelta(minutes=minutes_in)
    code = checkin.rotating_code(session, at)
    checkin.checkin_record_in(session=session, person=person, method=CheckinMethod.ROTATING, code=code, at=at)
    if minutes_out is not None:
        out = session.starts_at + dt.timedelta(minutes=minutes_out)
        code = checkin.rotating_code(session, out)
        checkin.checkin_record_out(
            session=session, person=person, method=CheckinMethod.ROTATING, code=code, at=out
        )
