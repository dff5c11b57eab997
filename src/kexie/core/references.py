"""Which records a reference field may point at: one rule per field.

A rule is keyed "app_label.Model.field" (the model and field that hold the reference) and
maps the acting user to the queryset of records the field may take. The same rule gives the
field's choices in web forms, the organisation picker's search (`directory:org_options?rule=…`;
the browser names the rule, never widens it), and the check of every write that accepts the
reference through the API or an import. Apps declare their rules in `<app>/references.py`,
loaded on first use.

tests/core/test_references.py fails when a writable foreign key or many-to-many field to a
scoped model has no rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from kexie.core import discovery

NOT_ALLOWED = "“{value}”不存在或不在可选范围内"


@dataclass(frozen=True)
class Rule:
    key: str
    choices: Callable[[object], models.QuerySet]
    picker_kinds: tuple[str, ...] = ()  # organisation kinds the picker suggests first (none: associations)


_RULES: dict[str, Rule] = {}


def register(key: str, choices: Callable[[object], models.QuerySet], *, picker_kinds: tuple[str, ...] = ()):
    _RULES[key] = Rule(key, choices, picker_kinds)


def _load():
    discovery.discover("references")


def rules() -> dict[str, Rule]:
    _load()
    return dict(_RULES)


def get(key: str) -> Rule:
    _load()
    try:
        return _RULES[key]
    except KeyError:
        raise LookupError(f"no reference rule for {key}") from None


def choices(key: str, user) -> models.QuerySet:
    return get(key).choices(user)


def bind(field, key: str, user, *, order_by: tuple[str, ...] = ()):
    """Give a form's ModelChoiceField the choices of its rule (and remember the rule)."""
    qs = choices(key, user)
    field.queryset = qs.order_by(*order_by) if order_by else qs
    field.reference_rule = key
    return field


def target_model(key: str):
    from django.apps import apps

    app_label, model, field = key.split(".")
    return apps.get_model(app_label, model)._meta.get_field(field).related_model


def choices_for_import(key: str, user) -> models.QuerySet:
    """The rule's choices, or every row for an import the system runs (no acting user)."""
    if user is None:
        return target_model(key).objects.unscoped(reason="an import run by the system, no user")
    return choices(key, user)


def allowed(key: str, user, value) -> bool:
    pk = getattr(value, "pk", value)
    try:
        return choices(key, user).filter(pk=pk).exists()
    except (ValueError, TypeError, ValidationError):
        return False


def check(key: str, user, value, *, field: str, label: str) -> None:
    """Refuse a reference the field's rule does not offer: ValidationError({field: …})."""
    if value is None or value == "":
        return
    if not allowed(key, user, value):
        shown = getattr(value, "pk", value)
        raise ValidationError({field: f"{label}{NOT_ALLOWED.format(value=shown)}"})


def check_many(key: str, user, values: Iterable, *, field: str, label: str) -> None:
    pks = {getattr(v, "pk", v) for v in values}
    if not pks:
        return
    found = set(choices(key, user).filter(pk__in=pks).values_list("pk", flat=True))
    missing = sorted(pks - found, key=str)
    if missing:
        shown = "、".join(map(str, missing))
        raise ValidationError({field: f"{label}{NOT_ALLOWED.format(value=shown)}"})


# ---------------------------------------------------------------- common rule shapes


def in_scope(model_label: str, **filters):
    """Records in the user's scope (optionally narrowed)."""

    def rule(user):
        from django.apps import apps

        return apps.get_model(model_label).objects.for_user(user).filter(**filters)

    return rule


def everyone(model_label: str, *, reason: str, **filters):
    """Records of the whole city (partner societies, co-organisers): the reason is required."""

    def rule(user):
        from django.apps import apps

        if user is None or not user.is_authenticated:
            return apps.get_model(model_label).objects.none()
        return apps.get_model(model_label).objects.unscoped(reason=reason).filter(**filters)

    return rule
