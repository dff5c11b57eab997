"""Template helpers: status badges, masking of personal data, query strings."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kexie.core import actions, changes
from kexie.core.audit import model_of
from kexie.core.masking import mask_id_number, mask_phone
from kexie.directory.models import personal_data_visible

register = template.Library()

STATUS_CLASSES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-warning",
    "approved": "text-bg-success",
    "returned": "text-bg-danger",
}


@register.simple_tag(takes_context=True)
def nav_key(context):
    """What the main navigation depends on (permissions, superuser, language): base.html caches
    the navigation under it (kexie.core.pagecache.permissions_key)."""
    from kexie.core.pagecache import permissions_key

    return permissions_key(context["request"].user)


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


@register.filter
def action_label(action: str) -> str:
    """ "kexie.activity.approved" → "审核通过" (the dotted name stays in the title attribute)."""
    registered = actions.get(action)
    return str(registered.label) if registered is not None else action


@register.filter
def action_kind(action: str) -> str:
    registered = actions.get(action)
    return str(registered.kind) if registered is not None else ""


@register.filter
def change_value(value):
    """A value of a change log: "—" for nothing (None or empty), else as stored."""
    return "—" if value is None or value == "" else value


@register.filter
def audit_changes(entry) -> list[tuple[str, object, object]]:
    """(field label, before, after) of an audit entry as stored in words when it was written;
    entries without them get labels and choice names (never a look-up of other records)."""
    shown = entry.changes
    if shown is None:
        model = model_of(entry.object_type)
        shown = changes.describe(model, entry.before, entry.after, name_of=lambda related, pk: None) or []
    return [(c["label"], c["before"], c["after"]) for c in shown]


@register.filter
def thousands(value):
    """A figure with its digits grouped by thousands ("12,345"; "—" for no figure). Pages use it for
    every figure; Word documents keep the house style of official documents (docs/review.md)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return f"{value:,}"
