"""Change logs in words: field labels, choice labels and the names of referenced records.

`describe` turns an audit entry's raw before/after (ids, codes) into what a person reads
(`企业:济宁智水环保科技有限公司`, `状态:已征集 → 已审核`). The result is stored on the entry when
it is written, so a name stays as it was even after the referenced record is renamed or
deleted; the raw values stay in `before`/`after` for the record.
"""

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

MASKED_SUFFIX = "_masked"

# Keys of audit snapshots that are not model fields.
KEY_LABELS = {
    "file": N_("文件"),
    "rows": N_("行数"),
    "created": N_("新建"),
    "updated": N_("更新"),
    "unchanged": N_("未变"),
    "rejected": N_("未导入"),
    "units": N_("单位数"),
    "attachment": N_("附件"),
    "locked_until": N_("锁定至"),
    "allocation": N_("分配方式"),
    "seed": N_("随机种子"),
    "selected": N_("抽中数"),
    "interviewer": N_("调查员"),
    "cells": N_("边际格数"),
    "population": N_("人口"),
    "name": N_("名称"),
    "status": N_("状态"),
}

NameOf = Callable[[type[models.Model], object], str | None]


def describe(
    model: type[models.Model] | None,
    before: dict | None,
    after: dict | None,
    *,
    obj: models.Model | None = None,
    name_of: NameOf | None = None,
) -> list[dict] | None:
    """[{field, label, before, after}] with display values, in the order of the snapshot."""
    if before is None and after is None:
        return None
    before, after = before or {}, after or {}
    keys = list(after) + [k for k in before if k not in after]
    name_of = name_of or record_name
    return [
        {
            "field": key,
            "label": label(model, key),
            "before": _shown(model, key, before.get(key), obj, name_of),
            "after": _shown(model, key, after.get(key), obj, name_of),
        }
        for key in keys
    ]


def label(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    if field is not None:
        return str(field.verbose_name)
    return _(KEY_LABELS[key]) if key in KEY_LABELS else key


def record_name(related: type[models.Model], pk) -> str | None:
    found = related._base_manager.filter(pk=pk).first()
    return str(found) if found is not None else None


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    name = key.removesuffix(MASKED_SUFFIX)
    for field in model._meta.concrete_fields:
        if name in (field.attname, field.name):
            return field
    return None


def _shown(model, key: str, value, obj, name_of: NameOf):
    field = _field(model, key)
    if value is None or field is None or key.endswith(MASKED_SUFFIX):
        return value
    if field.is_relation:
        return _related_name(field, value, obj, name_of)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    return value


def _related_name(field, value, obj, name_of: NameOf) -> str:
    if obj is not None and getattr(obj, field.attname, None) == value:
        try:
            return str(getattr(obj, field.name))
        except ObjectDoesNotExist:
            pass
    try:
        name = name_of(field.related_model, value)
    except (ValueError, TypeError):
        name = None
    return name if name is not None else f"#{value}"
