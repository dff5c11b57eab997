"""From valid responses to the literacy share with SE and 95% CI, via the survey engine.

Design: strata = county, PSU = the selected town/village (or the respondent when none), base
weight = 1/π of the PSU × (PSU population / valid respondents in it). The base weights are raked
to the census margins county × sex, county × age group and county × urban/rural, then the
literacy share is estimated overall and by domain with logit confidence intervals.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from scipy import stats

from kexie.literacy import survey as engine
from kexie.literacy.codes import AGE_GROUPS, DOMAINS, EDUCATIONS, SEXES, URBAN_RURAL, Status

# Bump when the estimation method changes, so cached results of every survey are recomputed.
METHOD_VERSION = 3  # 3: the note on groups without variance reworded
# Raking stops when no cell of the joint table moves by more than this share of the total weight.
RAKE_EPSILON = 1e-9
LEVEL_ORDER = {"sex": SEXES, "age_group": AGE_GROUPS, "education": EDUCATIONS, "urban_rural": URBAN_RURAL}

RAKE_MARGINS = [("county", "sex"), ("county", "age_group"), ("county", "urban_rural")]
MARGIN_LABELS = {
    "county,sex": "县市区×性别",
    "county,age_group": "县市区×年龄段",
    "county,urban_rural": "县市区×城乡",
}
FIELDS = [
    "id",
    "county",
    "sex",
    "age_group",
    "education",
    "urban_rural",
    "literate",
    "score",
    "sample_unit_id",
]


@dataclass
class Row:
    domain: str
    domain_label: str
    level: str
    n: int
    share: float
    se: float
    ci_low: float
    ci_high: float
    mean_score: float | None = None
    population: float | None = None

    def as_dict(self) -> dict:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.__dict__.items()}


@dataclass
class Results:
    n_responses: int
    n_valid: int
    status_counts: dict
    weighted: bool
    overall: Row | None = None
    by_domain: dict[str, list[Row]] = field(default_factory=dict)
    weighting: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""

    def rows(self) -> list[Row]:
        out = [self.overall] if self.overall else []
        for rows in self.by_domain.values():
            out.extend(rows)
        return out

    def as_dict(self) -> dict:
        return {
            "method": METHOD_VERSION,
            "n_responses": self.n_responses,
            "n_valid": self.n_valid,
            "status_counts": self.status_counts,
            "weighted": self.weighted,
            "overall": self.overall.as_dict() if self.overall else None,
            "by_domain": {k: [r.as_dict() for r in v] for k, v in self.by_domain.items()},
            "weighting": self.weighting,
            "notes": self.notes,
            "error": self.error,
        }


def _data(survey) -> tuple[dict, list[str]]:
    rows = list(survey.responses.filter(status=Status.VALID).values_list(*FIELDS))
    notes = []
    units = {u.pk: u for u in survey.frame.all()}
    per_unit = Counter(r[-1] for r in rows if r[-1] is not None)
    weights, psus = [], []
    for r in rows:
        unit = units.get(r[-1])
        if unit is not None and unit.inclusion_probability:
            weights.append(unit.population / unit.inclusion_probability / per_unit[unit.pk])
            psus.append(f"u{unit.pk}")
        else:
            weights.append(1.0)
            psus.append(f"r{r[0]}")
    if rows and not any(r[-1] for r in rows):
        notes.append("答卷未关联入样调查点,基础权重取 1,每位受访者作为一个初级抽样单元")
    columns = {
        name: np.array([r[i] for r in rows], dtype=object) for i, name in enumerate(FIELDS[1:6], start=1)
    }
    columns["literate"] = np.array(["1" if r[6] else "0" for r in rows], dtype=object)
    columns["score"] = np.array([float(r[7] or 0.0) for r in rows])
    columns["w"] = np.array(weights, dtype=float)
    columns["psu"] = np.array(psus, dtype=object)
    return columns, notes


def _margins(survey, counties: set[str]) -> tuple[list, list[str]]:
    totals: dict[tuple, dict] = {m: defaultdict(float) for m in RAKE_MARGINS}
    notes = []
    skipped = set()
    for m in survey.margins.all():
        if m.county not in counties:
            skipped.add(m.county)
            continue
        cell = {"county": m.county, "sex": m.sex, "age_group": m.age_group, "urban_rural": m.urban_rural}
        for margin in RAKE_MARGINS:
            totals[margin][tuple(cell[v] for v in margin)] += m.population
    if skipped:
        notes.append(f"以下县市区没有有效样本,不参与加权与估计:{'、'.join(sorted(skipped))}")
    if not any(totals.values()):
        return [], notes
    return [(list(margin), dict(totals[margin])) for margin in RAKE_MARGINS], notes


def _weighting_check(data: dict, weights: np.ndarray, margins: list) -> list[dict]:
    """Census total vs weighted sample total of each margin cell."""
    out = []
    for variables, population in margins:
        keys = list(zip(*(data[v] for v in variables), strict=True))
        sums: dict[tuple, float] = defaultdict(float)
        for key, w in zip(keys, weights, strict=True):
            sums[tuple(key)] += float(w)
        for cell, target in sorted(population.items()):
            out.append(
                {
                    "margin": MARGIN_LABELS[",".join(variables)],
                    "cell": " × ".join(cell),
                    "census": target,
                    "weighted": round(sums.get(cell, 0.0), 3),
                }
            )
    return out


def _row(domain, label, level, prop, mean, population) -> Row:
    return Row(
        domain=domain, domain_label=label, level=level, n=prop.n, share=prop.estimate, se=prop.se,
        ci_low=prop.ci_low, ci_high=prop.ci_high, mean_score=mean.estimate if mean else None, population=population,
    )  # fmt: skip


def _literate(estimates) -> list:
    return [e for e in estimates if e.level == "1"]


def clopper_pearson(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval, for a group where nobody (or everybody) is literate.

    The design-based SE of such a share is 0 and its logit interval collapses to a point; the
    Clopper-Pearson interval on the group's sample size says how far the share could be from it.
    """
    alpha = 1 - level
    low = float(stats.beta.ppf(alpha / 2, successes, n - successes + 1)) if successes > 0 else 0.0
    high = float(stats.beta.ppf(1 - alpha / 2, successes + 1, n - successes)) if successes < n else 1.0
    return low, high


def _zero_row(domain, label, level, n, mean=None, population=None) -> Row:
    low, high = clopper_pearson(0, n)
    return Row(domain, label, level, n, 0.0, 0.0, low, high, mean.estimate if mean else None, population)


def _exact_if_degenerate(row: Row) -> bool:
    """Replace a collapsed interval (share 0 or 1) by Clopper-Pearson; True when it did."""
    if row.n < 1 or 0.0 < row.share < 1.0:
        return False
    row.ci_low, row.ci_high = clopper_pearson(round(row.share) * row.n, row.n)
    return True


def _ordered_levels(name: str, present: set, county_order: list[str]) -> list[str]:
    """Levels in their natural order (counties as in the questionnaire), unknown ones last."""
    known = county_order if name == "county" else LEVEL_ORDER.get(name, [])
    rank = {level: i for i, level in enumerate(known)}
    return sorted(present, key=lambda level: (rank.get(level, len(rank)), str(level)))


def _estimate_rows(
    design, data: dict, county_order: list[str], step=None
) -> tuple[Row, dict[str, list[Row]], bool]:
    step = step or (lambda line: None)
    step(_("正在估计全体的比例与平均得分"))
    weights = design.weights
    total_w = float(weights.sum())
    overall_p = _literate(engine.svyprop(design, "literate", ci="logit"))
    overall_m = engine.svymean(design, "score")[0]
    overall = (
        _row("overall", "全体", "全体", overall_p[0], overall_m, total_w)
        if overall_p
        else _zero_row("overall", "全体", "全体", len(weights), overall_m, total_w)
    )
    exact = _exact_if_degenerate(overall)
    by_domain = {}
    for name, label in DOMAINS:
        step(_("正在按%(domain)s估计") % {"domain": label})
        props = {
            e.domain[name]: e for e in _literate(engine.svyprop(design, "literate", by=name, ci="logit"))
        }
        means = {e.domain[name]: e for e in engine.svymean(design, "score", by=name)}
        rows = []
        for level in _ordered_levels(name, set(data[name]), county_order):
            population = float(weights[data[name] == level].sum())
            if level in props:
                row = _row(name, label, level, props[level], means.get(level), population)
            else:
                n = int((data[name] == level).sum())
                row = _zero_row(name, label, level, n, means.get(level), population)
            exact = _exact_if_degenerate(row) or exact
            rows.append(row)
        by_domain[name] = rows
    return overall, by_domain, exact


def _county_order(survey) -> list[str]:
    question = survey.questions.filter(background="county").first()
    return [str(label) for _key, label in question.options] if question and question.options else []


def estimate_steps() -> int:
    """The steps `estimate` reports: reading, weighting, the whole sample, each domain."""
    return 3 + len(DOMAINS)


def estimate(survey, progress=None) -> Results:
    """The survey's estimates; `progress(done, total, line)` (a job's Progress) hears each step
    (estimate_steps()) before it starts: the variance computations per domain are the long part."""
    total, done = estimate_steps(), 0

    def step(line: str) -> None:
        nonlocal done
        if progress:
            progress(done, total, line)
        done += 1

    step(_("正在读取有效答卷"))
    counts = dict(Counter(survey.responses.values_list("status", flat=True)))
    status_counts = {s: counts.get(s, 0) for s in Status.values}
    data, notes = _data(survey)
    n_valid = len(data["w"])
    results = Results(sum(counts.values()), n_valid, status_counts, weighted=False, notes=notes)
    if n_valid < 2:
        results.error = "有效答卷不足 2 份,无法估计"
        return results
    try:
        design = engine.SurveyDesign(data, weights="w", strata="county", ids="psu", lonely_psu="adjust")
        step(_("正在按人口普查边际加权"))
        margins, margin_notes = _margins(survey, set(data["county"]))
        results.notes.extend(margin_notes)
        if margins:
            try:
                design = engine.rake(design, margins, epsilon=RAKE_EPSILON, maxit=100)
                results.weighted = True
            except engine.SurveyError as exc:
                results.notes.append(f"未能按人口普查边际加权({exc}),以下结果仅用基础权重")
        else:
            results.notes.append("尚未录入人口普查边际,以下结果仅用基础权重")
        results.weighting = _weighting_check(data, design.weights, margins)
        results.overall, results.by_domain, exact = _estimate_rows(design, data, _county_order(survey), step)
        if exact:
            results.notes.append(
                "部分分组的具备科学素质比例为 0 或 100%（组内答卷结果全部相同）："
                "这些分组的标准误无法由样本估计，表中记为“—”；"
                "其 95% 置信区间按 Clopper-Pearson 精确法以该组样本量计算。"
            )
    except engine.SurveyError as exc:
        results.error = f"估计失败:{exc}"
    return results
