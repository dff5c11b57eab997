"""The records behind an indicator value, one keyset page at a time (newest id first)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

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
    """The records behind an indicator, or behind one item (dimension, key) of its breakdown."""
    indicator = indicators.get(code)
    dimension, key = dimension or None, key or None
    if (dimension is None) != (key is None):
        raise ValidationError({"dimension": _("分列(dimension)和分列项(key)须同时填写")})
    if dimension is not None and dimension not in indicator.dimensions:
        known = "、".join(indicator.dimensions) or _("无")
        raise ValidationError(
            {"dimension": _("指标“%(code)s”没有分列“%(dimension)s”(可用:%(known)s)")
             % {"code": code, "dimension": dimension, "known": known}}
        )  # fmt: skip
    try:
        return indicator.records(period, scope, dimension, key)
    except ValueError as exc:  # e.g. a campaign key that is not a number
        raise ValidationError({"key": _("分列项“%(key)s”无效") % {"key": key}}) from exc


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
