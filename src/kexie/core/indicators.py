"""The indicator registry: named figures computed from records, each with its drill-down.

Each module registers its indicators in `kexie/<app>/indicators.py` (and its annual-review
sections in `kexie/<app>/review.py`); `discover()` imports them for the installed apps on
first use. reports/ reads this registry only and never imports a module's models.

An indicator has a stable dotted `code`, a Chinese `name`, a `unit`, a `description` (how
it is computed, which records it counts), `compute(period, scope) -> Result` (one aggregate
query, memoised per scope so that indicators over the same query share it; never a Python
loop over records) and `records(period, scope, dimension, key) -> QuerySet` (the records
behind the value, or behind one breakdown item, with the same filters).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.functions import Coalesce
from django.http import Http404

from kexie.core import discovery
from kexie.core.scoping import ScopedQuerySet, scoped, unit_filter, unit_path_of

Number = int | float

# The key, in county breakdowns, of records located above county level (the city itself, the
# province): they belong to no county, so they are shown apart under this key, labelled 市本级.
CITY_LEVEL = "city_level"
CITY_LEVEL_LABEL = "市本级"


# ---------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    """A half-open date range [start, end): a calendar year or any range of days."""

    start: dt.date
    end: dt.date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))

    @classmethod
    def between(cls, first: dt.date, last: dt.date) -> "Period":
        """From `first` to `last`, both included."""
        if last < first:
            raise ValueError("结束日期不能早于开始日期")
        return cls(first, last + dt.timedelta(days=1))

    @classmethod
    def parse(cls, year: int | None = None, start: str | None = None, end: str | None = None) -> "Period":
        if start and end:
            return cls.between(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        return cls.year(year or dt.date.today().year)

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def is_year(self) -> bool:
        return (
            self.start.month == 1 and self.start.day == 1 and self.end == dt.date(self.start.year + 1, 1, 1)
        )

    @property
    def years(self) -> range:
        return range(self.start.year, self.last.year + 1)

    def previous(self) -> "Period":
        """The same dates one year earlier (year on year)."""
        return Period(_minus_year(self.start), _minus_year(self.end))

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.last.isoformat(), "label": self.label}

    @property
    def label(self) -> str:
        if self.is_year:
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d}至{self.last:%Y-%m-%d}"

    def query(self) -> dict:
        """Query-string parameters that reproduce this period."""
        if self.is_year:
            return {"year": str(self.start.year)}
        return {"start": self.start.isoformat(), "end": self.last.isoformat()}


def _minus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# ---------------------------------------------------------------- scope


_UNSET = object()  # Scope.memo: nothing computed yet (None is a value)


@dataclass
class Scope:
    """What to count: the acting user's scope, optionally narrowed to a region subtree
    (GB/T 2260 code) or an organisation subtree. `cache` memoises shared queries."""

    user: Any
    region_code: str | None = None
    org_id: int | None = None
    cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        Region = apps.get_model("directory", "Region")
        Organisation = apps.get_model("directory", "Organisation")
        self.region = None
        self.org = None
        if self.region_code:
            self.region = Region.objects.filter(code=self.region_code).first()
            if self.region is None:
                raise Http404(f"行政区划代码“{self.region_code}”不存在")
        if self.org_id:
            self.org = scoped(Organisation, self.user).filter(pk=self.org_id).first()
            if self.org is None:
                raise Http404("单位不存在或不在您的权限范围内")
        self._user_path = unit_path_of(self.user)

    # -- labels

    @property
    def label(self) -> str:
        if self.org is not None:
            return str(self.org)
        if self.region is not None:
            return self.region.name
        unit = getattr(self.user, "unit", None)
        return str(unit) if unit is not None and not self.user.is_superuser else "全部"

    def as_dict(self) -> dict:
        return {
            "region": self.region.code if self.region else None,
            "org": self.org.pk if self.org else None,
            "user_unit": getattr(getattr(self.user, "unit", None), "pk", None),
            "label": self.label,
        }

    def query(self) -> dict:
        params = {}
        if self.region is not None:
            params["region"] = self.region.code
        if self.org is not None:
            params["org"] = str(self.org.pk)
        return params

    # -- reference data (small tables, read once per scope)

    def regions(self) -> dict[int, tuple[str, str, int | None, str]]:
        """id → (code, name, parent_id, level) of every region."""
        if "regions" not in self.cache:
            Region = apps.get_model("directory", "Region")
            rows = Region.objects.values_list("id", "code", "name", "parent_id", "level")
            self.cache["regions"] = {r[0]: r[1:] for r in rows}
        return self.cache["regions"]

    def region_subtree(self, code: str) -> list[int]:
        regions = self.regions()
        root = next((rid for rid, r in regions.items() if r[0] == code), None)
        if root is None:
            return []
        children: dict[int | None, list[int]] = {}
        for rid, (_, _, parent, _) in regions.items():
            children.setdefault(parent, []).append(rid)
        found, todo = [], [root]
        while todo:
            rid = todo.pop()
            found.append(rid)
            todo.extend(children.get(rid, ()))
        return found

    def county_of_region(self) -> dict[int, str]:
        """region id → code of the county-level division it lies in; a region above county level
        (the city itself, the province, a town directly under the city) → CITY_LEVEL (市本级)."""
        if "county_of" not in self.cache:
            regions = self.regions()
            result = {}
            for rid in regions:
                node = rid
                while node is not None and regions[node][3] != "county":
                    node = regions[node][2]
                result[rid] = regions[node][0] if node is not None else CITY_LEVEL
            self.cache["county_of"] = result
        return self.cache["county_of"]

    def county_regions(self, key: str) -> list[int]:
        """The regions behind a county breakdown key: a county's subtree, or for CITY_LEVEL every
        region that lies in no county."""
        if key == CITY_LEVEL:
            return [rid for rid, county in self.county_of_region().items() if county == CITY_LEVEL]
        return self.region_subtree(key)

    def county_labels(self, keys) -> dict[str, str]:
        return {k: CITY_LEVEL_LABEL if k == CITY_LEVEL else self.region_name(k) for k in keys}

    def region_name(self, code: str) -> str:
        return next((r[1] for r in self.regions().values() if r[0] == code), code)

    # -- filtering

    def _user_sees_everything(self) -> bool:
        """True when the user's unit is above every organisation: the scope filter can be skipped."""
        if self._user_path == "":
            return True
        if self._user_path is None:
            return False
        if "sees_all" not in self.cache:
            Organisation = apps.get_model("directory", "Organisation")
            everyone = Organisation.objects.unscoped(reason="is any unit outside the user's subtree?")
            self.cache["sees_all"] = not everyone.exclude(unit_filter("", self._user_path)).exists()
        return self.cache["sees_all"]

    def key(self) -> str:
        """What the scope narrows to, as text: scopes with the same key count the same records
        (every user of a unit shares one), so figures may be cached under it across requests."""
        user_path = "" if self._user_sees_everything() else self._user_path
        region = self.region.code if self.region is not None else ""
        return f"{user_path}|{region}|{self.org.path if self.org is not None else ''}"

    def restrict(
        self, qs: models.QuerySet, *, region: str | tuple[str, ...] | None, unit: str | None
    ) -> models.QuerySet:
        """The user's scope ∩ the region subtree (field `region`) ∩ the organisation subtree
        (`unit`, a path to an Organisation; "" for Organisation itself). `region` may be a tuple
        of paths: a record's region is then the first of them that is set (an engagement about a
        demand lies where the demand's enterprise is, any other where its own unit is)."""
        if not self._user_sees_everything():
            qs = scoped(qs, self.user)
        elif isinstance(qs, ScopedQuerySet):
            qs = qs.unscoped(reason="the user's unit is above every organisation")
        if self.region is not None and region is not None:
            subtree = self.region_subtree(self.region.code)
            if isinstance(region, tuple):
                qs = qs.alias(_scope_region=Coalesce(*region)).filter(_scope_region__in=subtree)
            else:
                qs = qs.filter(**{f"{region}__in": subtree})
        if self.org is not None and unit is not None:
            qs = qs.filter(unit_filter(unit, self.org.path))
        return qs

    def memo(self, key, compute: Callable[[], Any]):
        value = self.cache.get(key, _UNSET)
        if value is _UNSET:
            value = self.cache[key] = compute()
        return value


# ---------------------------------------------------------------- indicators


@dataclass
class Result:
    value: Number | None
    previous: Number | None = None
    breakdown: dict[str, dict[str, Number]] = field(default_factory=dict)
    previous_breakdown: dict[str, dict[str, Number]] = field(default_factory=dict)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # Said beside the figure when it is not current (a large survey's estimate being recomputed).
    note: str = ""


@dataclass
class Indicator:
    code: str
    name: str
    unit: str
    description: str
    compute: Callable[[Period, Scope], Result]
    records: Callable[[Period, Scope, str | None, str | None], models.QuerySet]
    dimensions: dict[str, str] = field(default_factory=dict)  # dimension → Chinese label
    module: str = ""
    # Whether `previous` is meaningful (a flow over the period) or None (a current stock).
    year_on_year: bool = True
    # Which way a change is good news: "up" (more activities), "down" (more records waiting
    # or returned is bad news) or "" (neither); pages colour the change by it.
    better: str = "up"


_REGISTRY: dict[str, Indicator] = {}
_COLUMNS: dict[str, list[tuple[str, str]]] = {}
_SECTIONS: list["ReviewSection"] = []


def register(indicator: Indicator) -> Indicator:
    if indicator.code in _REGISTRY and _REGISTRY[indicator.code] is not indicator:
        raise ValueError(f"indicator {indicator.code} registered twice")
    _REGISTRY[indicator.code] = indicator
    return indicator


def register_columns(model_label: str, columns: list[tuple[str, str]]) -> None:
    """Columns (attribute path, Chinese header) of a drill-down list of a model's records.
    Never list personal data (ID numbers, phones) here."""
    _COLUMNS[model_label] = columns


def columns_for(model: type[models.Model]) -> list[tuple[str, str]]:
    discover()
    return _COLUMNS.get(model._meta.label_lower, [("pk", "编号"), ("__str__", "名称")])


def discover() -> None:
    """Import `<app>/indicators.py` and `<app>/review.py` of every installed app, once."""
    discovery.discover("indicators")
    discovery.discover("review")


def all_indicators() -> list[Indicator]:
    discover()
    return sorted(_REGISTRY.values(), key=lambda i: i.code)


def get(code: str) -> Indicator:
    discover()
    try:
        return _REGISTRY[code]
    except KeyError:
        raise Http404(f"指标“{code}”不存在") from None


def evaluate(period: Period, scope: Scope, codes: list[str] | None = None) -> list[dict]:
    """Every (or the named) indicator for a period and scope, as JSON-able rows."""
    indicators = [get(c) for c in codes] if codes else all_indicators()
    return [as_row(i, i.compute(period, scope)) for i in indicators]


def latest_year(scope: Scope, codes: list[str], *, until: int, back: int = 10) -> int | None:
    """The latest year, from `until` back `back` years, in which any of the named indicators
    has a non-zero value in the scope (None if none has). Each computation also gives the year
    before (`previous`), so this takes one query per two years; results are memoised in the
    scope, so the year found is not computed again."""
    discover()
    known = [_REGISTRY[c] for c in codes if c in _REGISTRY]
    for year in range(until, until - back - 1, -2):
        results = [i.compute(Period.year(year), scope) for i in known]
        if any(r.value for r in results):
            return year
        if any(r.previous for r in results):
            return year - 1
    return None


def as_row(indicator: Indicator, result: Result) -> dict:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "value": result.value,
        "unit": indicator.unit,
        "previous": result.previous,
        "breakdown": result.breakdown,
        "previous_breakdown": result.previous_breakdown,
        "labels": result.labels,
        **({"note": result.note} if result.note else {}),
    }


# ---------------------------------------------------------------- annual review sections


@dataclass
class ReviewSection:
    """A part of the annual review that a module contributes.

    `template` is editable text, one paragraph a line: a line "## …" is a "(一)" sub-heading,
    a line "[[chart:code]]" a chart of that indicator's breakdown, any other line a paragraph
    with placeholders `{code}` (an indicator's value), `{code.previous}` (its previous-period
    value), `{code|dimension=key}` (one item of a breakdown) and `{code|dimension=@text}`
    (the breakdown item whose label contains the text), and `{area}` ("全市", or "全区"/"全县" when
    the review is of one county). A part in 〔…〕 is optional: it is left out when its figures
    are all zero or missing. `heading` is a key of
    REVIEW_HEADINGS (the "一、" heading it goes under); `order` places it among the sections.
    A paragraph whose figures are all zero or missing is left out.
    """

    code: str
    heading: str
    order: int
    template: str
    module: str = ""


def register_section(section: ReviewSection) -> ReviewSection:
    _SECTIONS[:] = [s for s in _SECTIONS if s.code != section.code] + [section]
    return section


def review_sections() -> list[ReviewSection]:
    discover()
    return sorted(_SECTIONS, key=lambda s: s.order)


# The "一、" headings of the annual review, shared by the modules that contribute sections
# (modules may add their own keys). Sections under one heading appear in `order`.
REVIEW_HEADINGS: dict[str, tuple[int, str]] = {
    "sci_workers": (10, "重引领、强服务,科技工作者之家建设迈上新台阶"),
    "innovation": (20, "搭平台、广聚才,创新驱动发展取得新突破"),
    "outreach": (30, "夯阵地、育品牌,科学普及工作取得新进展"),
    "organisation": (40, "重创新、增动力,科协组织建设迈上新台阶"),
    "ideology": (50, "担使命、守阵地,意识形态工作打开新局面"),
}
