"""Bases and venues of the demo city in 2020, as in the seed review, through the services:

- 17 city-level bases named through the city's naming round (20 applied, 17 chosen), and 16
  provincial-level bases (the city's round recommending to 山东省科协, 18 applied, 16 named);
  both through the call engine (申报 → 形式审查 → committee votes → 公示 → results) and then
  landed as directory designations with batch, theme and validity;
- the city's assessment thresholds (the defaults) and the 2020 assessments of the newly named
  city-level bases (5 优秀, 10 合格, 2 整改);
- the city's 科技馆 and the county 特色科普场馆 of 邹城、微山、金乡、汶上 with monthly visitors
  for 2019 and 2020."""

from __future__ import annotations

import datetime as dt
import random

from kexie.bases import scoring, services
from kexie.calls import notice
from kexie.calls import services as calls

SEED = 20201231 + 12
YEAR = 2020
CITY_NAMED, CITY_APPLIED = 17, 20
PROVINCE_NAMED, PROVINCE_APPLIED = 16, 18
# name, county code, exhibition area (m²), opened
VENUES = [
    ("济宁市科技馆", "science_centre", None, 12000, dt.date(2012, 5, 18)),
    ("邹城市科技馆", "special", "370883", 4800, dt.date(2018, 9, 15)),
    ("微山湖湿地科普馆", "special", "370826", 2600, dt.date(2019, 5, 18)),
    ("金乡大蒜科普馆", "special", "370828", 1800, dt.date(2019, 9, 20)),
    ("汶上县科技馆", "special", "370830", 3200, dt.date(2020, 9, 19)),
]
# Monthly visitors of a venue open all year, before COVID-19 (2020 lower from February).
COVID_2020 = [1.0, 0.1, 0.0, 0.2, 0.5, 0.6, 0.8, 0.9, 0.9, 0.9, 0.8, 0.8]


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users["admin"]
    bases = sorted(context.orgs["bases"], key=lambda o: o.pk)
    services.assessment_scheme_set(actor=admin, unit=context.city, year=YEAR, **_defaults())
    city = _round(admin, rng.sample(bases, CITY_APPLIED), CITY_NAMED, level="city", batch="第五批",
                  theme="综合类", number=31)  # fmt: skip
    _round(admin, rng.sample(bases, PROVINCE_APPLIED), PROVINCE_NAMED, level="province", batch="2020年度",
           theme="综合类", number=32, higher_body="山东省科学技术协会")  # fmt: skip
    _assess(admin, city, rng)
    _venues(context, admin, rng)


def _defaults() -> dict:
    scheme = scoring.default_scheme()
    return {"thresholds": scheme.pop("thresholds"), **scheme}


def _round(admin, applicants, named: int, *, level, batch, theme, number, higher_body=""):
    label = {"city": "市级", "province": "省级"}[level]
    row = services.naming_round_create(
        actor=admin, batch=batch, theme=theme, valid_from=dt.date(YEAR, 7, 1), valid_to=dt.date(YEAR + 4, 12, 31),
        document_no=f"济科协字〔{YEAR}〕{number}号",
        call_data={"title": f"{YEAR}年{label}科普教育基地命名", "series": f"{label}科普教育基地", "year": YEAR,
                   "opens_on": dt.date(YEAR, 3, 1), "closes_on": dt.date(YEAR, 4, 30), "honour_level": level,
                   "higher_body": higher_body, "notice_days": 5},
    )  # fmt: skip
    calls.call_open(actor=admin, call=row.call)
    entries = [services.base_apply(actor=admin, naming_round=row, base=b) for b in applicants]
    for n, entry in enumerate(entries):
        calls.entry_accept(actor=admin, entry=entry)
        if n < named:
            calls.entry_decide(
                actor=admin, entry=entry, outcome="award", votes_for=9, meeting=f"{row.call.title}评审会"
            )
        else:
            calls.entry_decide(actor=admin, entry=entry, outcome="no_award", votes_for=3, votes_against=6,
                               meeting=f"{row.call.title}评审会")  # fmt: skip
    calls.call_close(actor=admin, call=row.call)
    notice.call_notice_start(actor=admin, call=row.call, starts_on=dt.date(YEAR, 6, 8))
    notice.call_finalise(actor=admin, call=row.call, today=dt.date(YEAR, 6, 22))
    return services.naming_land(actor=admin, naming_round=row, on=dt.date(YEAR, 7, 1))


def _assess(admin, named, rng) -> None:
    """5 优秀, 10 合格, 2 整改 (one missed the 200 open days)."""
    plans = ["excellent"] * 5 + ["pass"] * 10 + ["rectify"] * 2
    for record, plan in zip(named, plans, strict=True):
        figures = {
            "open_days": rng.randrange(240, 320), "student_free_days": rng.randrange(60, 150),
            "visitors": rng.randrange(12000, 80000), "exhibition_area": rng.randrange(600, 5000),
            "staff": rng.randrange(6, 30), "volunteers": rng.randrange(12, 80), "activities": rng.randrange(12, 60),
        }  # fmt: skip
        if plan == "pass":
            figures.update(volunteers=rng.randrange(2, 9), activities=rng.randrange(4, 11))
        if plan == "rectify":
            figures.update(open_days=rng.randrange(150, 199), staff=3)
        assessment = services.assessment_record(
            actor=admin, base_designation=record, year=YEAR, figures=figures
        )
        services.assessment_decide(actor=admin, assessment=assessment, on=dt.date(YEAR + 1, 1, 15))


def _venues(context, admin, rng) -> None:
    for name, kind, county, area, opened in VENUES:
        operator = context.county_association(county) if county else context.city
        region = context.regions[county or "370800"]
        venue = services.venue_create(actor=admin, data={
            "name": name, "kind": kind, "operator": operator, "region": region, "exhibition_area": area,
            "opened_on": opened})  # fmt: skip
        usual = area * rng.randrange(2, 4)
        for year in (YEAR - 1, YEAR):
            for month in range(1, 13):
                first = dt.date(year, month, 1)
                if first < opened.replace(day=1):
                    continue
                share = COVID_2020[month - 1] if year == YEAR else 1.0
                services.venue_visitors_record(actor=admin, venue=venue, month=first,
                                               visitors=int(usual * share * rng.uniform(0.85, 1.15)))  # fmt: skip
