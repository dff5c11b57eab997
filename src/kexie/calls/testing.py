"""Calls for tests and the permission matrix: a city call open for recommendations."""

import datetime as dt


def call_data(**overrides) -> dict:
    data = {
        "title": "2020年济宁市表现突出科技工作者",
        "kind": "honour",
        "entrant_kind": "person",
        "series": "表现突出科技工作者",
        "year": 2020,
        "opens_on": dt.date(2020, 4, 1),
        "closes_on": dt.date(2020, 4, 30),
        "form_fields": [
            {"name": "achievements", "label": "主要事迹", "type": "text", "required": True},
            {
                "name": "field",
                "label": "所在领域",
                "type": "choice",
                "choices": ["工业", "农业", "医疗", "教育"],
            },
        ],
        "eligibility": [{"rule": "one_per_person"}, {"rule": "exclusions", "cadres": True}],
    }
    data.update(overrides)
    return data


def open_call(actor, **overrides):
    from kexie.calls import services

    call = services.call_create(actor=actor, data=call_data(**overrides))
    return services.call_open(actor=actor, call=call)
