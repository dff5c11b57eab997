"""The records behind an indicator value, one keyset page at a time (newest id first)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from kexie.core import indicators
from kexie.core.indicators import Period, Scope

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass
class RecordPage:
    headers: list[str]
    fields: list[str]
    rows: list[dict]  # {"id": pk, "cells": [str, …], "object": model instance}
    next_after: int | None
    model_label: str
    verbose_name: str


def records(code: str, period: Period, scope: Scope, dimension: str | None, key: str | None) -> QuerySet:
    indicator = indicators.get(code)
    if dimension is not None and dimension not in indicator.dimensions:
        dimension, key = None, None
    return indicator.records(period, scope, dimension, key)


def _cell(obj, path: str) -> str:
    value = obj
    for part in path.split("."):
        value = getattr(value, part, "")
        if callable(value):
            value = value()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def page(qs: QuerySet, *, after: int | None = None, limit: int = DEFAULT_LIMIT) -> RecordPage:
    limit = max(1, min(int(limit), MAX_LIMIT))
    qs = qs.order_by("-pk")
    if after:
        qs = qs.filter(pk__lt=after)
    items = list(qs[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    columns = indicators.columns_for(qs.model)
    rows = [{"id": o.pk, "cells": [_cell(o, path) for path, _ in columns], "object": o} for o in items]
    return RecordPage(
        headers=[header for _, header in columns], fields=[path for path, _ in columns], rows=rows, next_after=items[-1].pk if more else None,
        model_label=qs.model._meta.label_lower, verbose_name=str(qs.model._meta.verbose_name),
    )  # fmt: skip
