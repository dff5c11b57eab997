"""Template helpers: status badges, masking of personal data, query strings."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kexie.core.masking import mask_id_number, mask_phone
from kexie.directory.models import personal_data_visible

register = template.Library()

STATUS_CLASSES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-warning",
    "approved": "text-bg-success",
    "returned": "text-bg-danger",
}


@register.simple_tag
def status_badge(obj):
    css = STATUS_CLASSES.get(obj.status, "text-bg-light")
    return format_html(
        '<span class="badge {} status-{}">{}</span>', css, obj.status, obj.get_status_display()
    )


@register.simple_tag(takes_context=True)
def phone(context, value):
    """A phone number, masked 3+4 unless the user may see personal data."""
    if personal_data_visible(context["request"].user):
        return value or ""
    return mask_phone(value or "")


@register.simple_tag(takes_context=True)
def id_number(context, person):
    if personal_data_visible(context["request"].user) and person.id_number_encrypted:
        return person.id_number
    return person.id_number_masked or ""


@register.filter
def mask_id(value):
    return mask_id_number(value or "")


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters replaced (None/"" removes them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def yesno_zh(value):
    return _("是") if value else _("否")


@register.filter
def field_value(obj, name):
    """Display value of a model field (choices resolved)."""
    display = getattr(obj, f"get_{name}_display", None)
    return display() if display else getattr(obj, name)


@register.inclusion_tag("includes/field.html")
def field(bound_field, col="col-md-6"):
    return {"f": bound_field, "col": col}


ACTION_VERBS = {
    "created": _("新建"), "created_bulk": _("批量新建"), "changed": _("修改"), "deleted": _("删除"),
    "submitted": _("上报"), "approved": _("审核通过"), "returned": _("退回"), "imported": _("导入"),
    "attached": _("上传附件"), "reviewed": _("审核"), "published": _("发布"), "matchmaking": _("对接"),
    "intention": _("达成意向"), "signed": _("签约"), "completed": _("完成"), "closed": _("关闭"),
    "selected": _("遴选"), "unselected": _("移出遴选"), "replaced": _("替换"), "loaded": _("载入"),
    "questionnaire_loaded": _("载入问卷"), "logged_in": _("登录"), "locked": _("锁定"),
    "password_changed": _("修改密码"), "revoked": _("吊销"),
}  # fmt: skip


@register.filter
def action_label(action: str) -> str:
    """ "kexie.activity.approved" → "审核通过" (the dotted name stays in the title attribute)."""
    verb = action.rsplit(".", 1)[-1]
    return str(ACTION_VERBS.get(verb, verb))


@register.filter
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """(field label, before, after) of an audit entry, labelled with the model's verbose names."""
    from django.apps import apps

    try:
        model = apps.get_model(entry.object_type) if entry.object_type else None
    except (LookupError, ValueError):
        model = None
    labels = {}
    if model is not None:
        for f in model._meta.concrete_fields:
            labels[f.attname] = labels[f.name] = str(f.verbose_name)
    before, after = entry.before or {}, entry.after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [(labels.get(k, k), before.get(k), after.get(k)) for k in keys]


@register.filter
def thousands(value):
    """A figure with its digits grouped by thousands ("12,345"; "—" for no figure). Pages use it for
    every figure; Word documents keep the house style of official documents (docs/review.md)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return f"{value:,}"
