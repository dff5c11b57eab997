"""The audit actions kexie knows: code, Chinese label and object kind.

Each app declares its actions in `<app>/audit_actions.py` with `register(...)`; the modules are
discovered on first use. `audit.log` refuses a code that is not registered, so every action
has a label on the audit-log page and in the change logs.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from kexie.core import discovery


class UnknownAuditAction(ValueError):
    """An audit entry names an action that no app registered."""


@dataclass(frozen=True)
class AuditAction:
    code: str  # "kexie.activity.approved"
    label: str  # "审核通过" (lazy translation)
    kind: str  # "活动": the kind of object it is done to


_registry: dict[str, AuditAction] = {}


def register(prefix: str, kind: str, verbs: dict[str, str]) -> None:
    """register("kexie.activity", _("活动"), {"approved": _("审核通过"), …})"""
    for verb, label in verbs.items():
        code = f"{prefix}.{verb}"
        existing = _registry.get(code)
        if existing is not None and (existing.label, existing.kind) != (label, kind):
            raise ValueError(f"audit action {code} registered twice with different labels")
        _registry[code] = AuditAction(code=code, label=label, kind=kind)


def _discover() -> None:
    discovery.discover("audit_actions")


def get(code: str) -> AuditAction | None:
    _discover()
    return _registry.get(code)


def require(code: str) -> AuditAction:
    action = get(code)
    if action is None:
        raise UnknownAuditAction(f"审计操作“{code}”未登记:请在所属应用的 audit_actions.py 中登记")
    return action


def all_actions() -> list[AuditAction]:
    _discover()
    return sorted(_registry.values(), key=lambda a: a.code)


def grouped() -> Iterable[tuple[str, str, list[AuditAction]]]:
    """(kind, code prefix, actions) by object kind, for a select with option groups."""
    groups: dict[tuple[str, str], list[AuditAction]] = {}
    for action in all_actions():
        groups.setdefault((str(action.kind), action.code.rsplit(".", 1)[0]), []).append(action)
    return [(kind, prefix, group) for (kind, prefix), group in groups.items()]


def matching(value: str) -> Q:
    """An action filter: a registered code exactly, or a code prefix ("kexie.activity") for all
    of an object kind's actions."""
    value = value.strip()
    if get(value) is not None:
        return Q(action=value)
    return Q(action__startswith=f"{value.rstrip('.')}.")
