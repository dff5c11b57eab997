"""Bases for tests and the permission matrix: a base named through the call engine, a venue."""

import datetime as dt


def named_base(actor, base, *, title="2020年市级科普教育基地命名"):
    """`base` applied, reviewed, put on 公示 and named (valid 2020-07-01 to 2024-12-31) by
    `actor`'s unit; returns the base designation."""
    from kexie.bases import services
    from kexie.calls import notice
    from kexie.calls import services as calls

    naming_round = services.naming_round_create(
        actor=actor, batch="第五批", theme="综合类", valid_from=dt.date(2020, 7, 1), valid_to=dt.date(2024, 12, 31),
        call_data={"title": title, "year": 2020, "opens_on": dt.date(2020, 3, 1), "closes_on": dt.date(2020, 4, 30),
                   "honour_level": "city"},
    )  # fmt: skip
    calls.call_open(actor=actor, call=naming_round.call)
    entry = services.base_apply(actor=actor, naming_round=naming_round, base=base)
    calls.entry_accept(actor=actor, entry=entry)
    calls.entry_decide(actor=actor, entry=entry, outcome="award", votes_for=5)
    calls.call_close(actor=actor, call=naming_round.call)
    notice.call_notice_start(actor=actor, call=naming_round.call, starts_on=dt.date(2020, 6, 15))
    notice.call_finalise(actor=actor, call=naming_round.call, today=dt.date(2020, 6, 30))
    (record,) = services.naming_land(actor=actor, naming_round=naming_round, on=dt.date(2020, 7, 1))
    return record


def venue(actor, region, *, name="邹城市科技馆", kind="special"):
    from kexie.bases import services

    return services.venue_create(
        actor=actor,
        data={"name": name, "kind": kind, "operator": actor.unit, "region": region, "exhibition_area": 3000},
    )
