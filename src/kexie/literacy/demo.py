"""The demo literacy survey: 480 respondents in 6 counties of 济宁市 (synthetic, fixed seed).

`kexie demo` calls `load(context)`. The survey follows the 2020 review ("第三方测评对我市6个
县市区的480个调查样本"): a sampling frame of streets and towns, 4 PSUs per county
drawn by systematic PPS, 20 interviews per PSU, census margins for weighting, and a few
flagged responses (incomplete, duplicate, out of range) to show that nothing is dropped.
"""

from __future__ import annotations

import math
import random

from kexie.literacy import services
from kexie.literacy.codes import AGE_GROUPS, EDUCATIONS, OCCUPATIONS, SEXES, URBAN_RURAL, Source
from kexie.literacy.questionnaire import ITEMS

SEED = 2020480
DEMO_NAME = "2020年济宁市公民科学素质抽样调查(演示)"
# county, persons aged 18–69, urban share, ability shift
COUNTIES = [
    ("任城区", 820_000, 0.78, 0.35),
    ("兖州区", 430_000, 0.62, 0.15),
    ("曲阜市", 440_000, 0.55, 0.20),
    ("邹城市", 790_000, 0.58, 0.05),
    ("微山县", 470_000, 0.42, -0.25),
    ("嘉祥县", 600_000, 0.36, -0.30),
]
AGE_SHARES = [0.20, 0.18, 0.22, 0.22, 0.18]
PSUS_PER_COUNTY = 4
PER_PSU = 20
STREETS = ["城东", "城西", "城南", "城北", "中心"]
TOWNS = ["王庄", "李楼", "张集", "刘屯", "陈庄", "杨店", "马营", "胡楼"]
# item difficulty on the ability scale (multiple choice items are harder)
DIFFICULTY = {"true_false": -0.9, "single": -0.3, "multiple": 0.9}
EDU_SHIFT = {"小学及以下": -0.9, "初中": -0.3, "高中(中专)": 0.35, "大专及以上": 1.05}
BASE_ABILITY = -1.1
AGE_SHIFT = {"18-29岁": 0.45, "30-39岁": 0.3, "40-49岁": 0.0, "50-59岁": -0.35, "60-69岁": -0.7}


def census_margins() -> list[dict]:
    """County × sex × age group × urban/rural populations (illustrative, not official figures)."""
    rows = []
    for county, total, urban, _ in COUNTIES:
        for sex, sex_share in zip(SEXES, (0.505, 0.495), strict=True):
            for group, age_share in zip(AGE_GROUPS, AGE_SHARES, strict=True):
                for place, place_share in zip(URBAN_RURAL, (urban, 1 - urban), strict=True):
                    rows.append(
                        {
                            "county": county, "sex": sex, "age_group": group, "urban_rural": place,
                            "population": round(total * sex_share * age_share * place_share),
                        }
                    )  # fmt: skip
    return rows


def sampling_frame(rng: random.Random) -> list[dict]:
    """Streets (街道) and towns (镇) of each county with their populations aged 18–69."""
    rows = []
    for county, total, urban, _ in COUNTIES:
        n_streets = 2 + round(3 * urban)
        names = [f"{STREETS[i]}街道" for i in range(n_streets)] + [
            f"{TOWNS[i]}镇" for i in range(8 - n_streets)
        ]
        shares = [rng.uniform(0.6, 1.4) for _ in names]
        for name, share in zip(names, shares, strict=True):
            rows.append({"name": name, "county": county, "population": round(total * share / sum(shares))})
    return rows


def _urban_share(unit_name: str) -> float:
    return 0.85 if unit_name.endswith("街道") else 0.2


def _age_group_index(rng: random.Random, rural: bool) -> int:
    # The field sample over-represents older people, especially in villages: weighting corrects it.
    weights = [0.13, 0.16, 0.22, 0.25, 0.24] if rural else [0.17, 0.2, 0.23, 0.22, 0.18]
    return rng.choices(range(len(AGE_GROUPS)), weights=weights)[0]


def _education(rng: random.Random, age_index: int, rural: bool) -> str:
    base = [0.18, 0.42, 0.24, 0.16] if rural else [0.06, 0.3, 0.3, 0.34]
    shift = age_index * 0.05
    weights = [base[0] + shift, base[1], max(0.02, base[2] - shift / 2), max(0.02, base[3] - shift / 2)]
    return rng.choices(EDUCATIONS, weights=weights)[0]


def _occupation(rng: random.Random, age_index: int, rural: bool, education: str) -> str:
    if age_index == 4 and rng.random() < 0.5:
        return "离退休人员" if not rural else "农林牧渔业人员"
    if rural and rng.random() < 0.55:
        return "农林牧渔业人员"
    if education == "大专及以上" and rng.random() < 0.5:
        return "专业技术人员"
    return rng.choice(OCCUPATIONS[1:7] + ["无业及其他"])


def _respondent(rng: random.Random, county_shift: float, rural: bool) -> dict:
    age_index = _age_group_index(rng, rural)
    low, high = (int(x) for x in AGE_GROUPS[age_index].rstrip("岁").split("-"))
    education = _education(rng, age_index, rural)
    sex = rng.choices(SEXES, weights=[0.47, 0.53])[0]
    ability = (
        BASE_ABILITY + county_shift + EDU_SHIFT[education] + AGE_SHIFT[AGE_GROUPS[age_index]]
        + (0.0 if rural else 0.25) + (0.05 if sex == "男" else 0.0) + rng.gauss(0, 0.85)
    )  # fmt: skip
    answers = {}
    for code, _dimension, kind, _text, options, answer in ITEMS:
        p = 1 / (1 + math.exp(-(ability - DIFFICULTY[kind])))
        if rng.random() < p:
            answers[code] = list(answer) if kind == "multiple" else answer[0]
        else:
            wrong = [k for k, _ in options if [k] != answer]
            answers[code] = [rng.choice(wrong)] if kind == "multiple" else rng.choice(wrong)
    return {
        "age": rng.randint(low, high),
        "sex": sex,
        "education": education,
        "occupation": _occupation(rng, age_index, rural, education),
        "answers": answers,
    }


def _raw(respondent: dict, county: str, rural: bool) -> dict:
    raw = dict(respondent["answers"])
    raw.update(
        {
            "B1": county, "B2": respondent["sex"], "B3": respondent["age"], "B4": respondent["education"],
            "B5": respondent["occupation"], "B6": "农村" if rural else "城镇",
        }
    )  # fmt: skip
    return raw


def build_demo_survey(*, actor, unit, name: str = DEMO_NAME, seed: int = SEED):
    """Create the demo survey under `unit` and fill it; returns the survey."""
    rng = random.Random(seed)
    survey = services.survey_create(
        actor=actor,
        data={
            "unit": unit, "name": name, "year": 2020, "area_name": "济宁市",
            "description": "演示数据:按县市区分层,社区/村按人口规模成比例系统抽样(PPS),每个调查点访问20人。"
            "答卷为按固定随机种子生成的模拟数据。",
        },
    )  # fmt: skip
    counties = [c for c, *_ in COUNTIES]
    services.questionnaire_load_sample(actor=actor, survey=survey, counties=counties)
    services.frame_import(actor=actor, survey=survey, rows=sampling_frame(rng))
    selected = services.frame_select(
        actor=actor, survey=survey, allocation=dict.fromkeys(counties, PSUS_PER_COUNTY), seed=seed
    )
    services.margins_replace(actor=actor, survey=survey, rows=census_margins())
    shifts = {c: shift for c, _, _, shift in COUNTIES}
    entries = []
    for county in counties:
        interviewer = services.interviewer_create(
            actor=actor, survey=survey, name=f"{county}调查员", county=county
        )
        for unit_ in [u for u in selected if u.county == county]:
            for _ in range(PER_PSU):
                rural = rng.random() > _urban_share(unit_.name)
                raw = _raw(_respondent(rng, shifts[county], rural), county, rural)
                entries.append({"raw_answers": raw, "interviewer": interviewer, "sample_unit": unit_})
    for i, entry in enumerate(entries, start=1):
        entry["external_id"] = f"D{i:04d}"
    entries += _flagged(entries)
    services.responses_create_bulk(actor=actor, survey=survey, entries=entries, source=Source.DEMO)
    return survey


def _flagged(entries: list[dict]) -> list[dict]:
    """Two incomplete, two duplicate and two out-of-range responses."""
    extra = []
    for n, source in enumerate(entries[5:7], start=1):
        raw = dict(source["raw_answers"])
        for code in ("S05", "A04", "A05"):
            raw.pop(code, None)
        extra.append({**source, "raw_answers": raw, "external_id": f"X{n:03d}"})
    for source in entries[10:12]:
        extra.append(dict(source))  # re-entered paper questionnaires: same external id and answers
    for n, source in enumerate(entries[20:22], start=1):
        raw = dict(source["raw_answers"], B3=16 if n == 1 else 74)
        extra.append({**source, "raw_answers": raw, "external_id": f"Y{n:03d}"})
    return extra


def load(context) -> None:
    """Entry point of `kexie demo`: the city association's demo survey."""
    from kexie.demo.data import ADMIN_USERNAME

    build_demo_survey(actor=context.users[ADMIN_USERNAME], unit=context.city)
