import datetime as dt

import pytest

from kexie.bases import services
from kexie.calls import notice
from kexie.calls import services as calls


def round_data(**overrides) -> dict:
    data = {
        "call_data": {
            "title": "2020年济宁市科普教育基地命名",
            "year": 2020,
            "opens_on": dt.date(2020, 3, 1),
            "closes_on": dt.date(2020, 4, 30),
            "honour_level": "city",
        },
        "batch": "第五批",
        "theme": "综合",
        "valid_from": dt.date(2020, 7, 1),
        "valid_to": dt.date(2024, 12, 31),
        "document_no": "济科协字〔2020〕30号",
    }
    data.update(overrides)
    return data


@pytest.fixture
def city_admin(world):
    return world.users["city_admin"]


@pytest.fixture
def naming_round(city_admin):
    row = services.naming_round_create(actor=city_admin, **round_data())
    calls.call_open(actor=city_admin, call=row.call)
    return row


def through_review(admin, naming_round, entries, *, award=lambda e: True, final_on=dt.date(2020, 6, 30)):
    """形式审查, committee votes, 公示 (from 2020-06-15) and results for submitted entries."""
    for entry in entries:
        calls.entry_accept(actor=admin, entry=entry)
        if award(entry):
            calls.entry_decide(actor=admin, entry=entry, outcome="award", votes_for=7)
        else:
            calls.entry_decide(actor=admin, entry=entry, outcome="no_award", votes_for=1, votes_against=6)
    calls.call_close(actor=admin, call=naming_round.call)
    notice.call_notice_start(actor=admin, call=naming_round.call, starts_on=dt.date(2020, 6, 15))
    notice.call_finalise(actor=admin, call=naming_round.call, today=final_on)


@pytest.fixture
def named(world, city_admin, naming_round):
    """兖州区科技馆 applied (by 兖州区科协), reviewed and named a city-level base."""
    entry = services.base_apply(
        actor=world.users["outsider"], naming_round=naming_round, base=world.orgs["base"]
    )
    through_review(city_admin, naming_round, [entry])
    (record,) = services.naming_land(actor=city_admin, naming_round=naming_round, on=dt.date(2020, 7, 1))
    return record


FULL = {
    "open_days": 300, "student_free_days": 100, "visitors": 50000, "exhibition_area": 2000,
    "staff": 12, "volunteers": 40, "activities": 30,
}  # fmt: skip
