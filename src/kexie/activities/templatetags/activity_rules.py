"""Templates ask the workflow rules (kexie.activities.rules) which buttons to show."""

from django import template

from kexie.activities import rules

register = template.Library()


@register.simple_tag(takes_context=True)
def activity_actions(context, activity) -> frozenset[str]:
    """`{% activity_actions a as acts %}`, then `{% if "approve" in acts %}`."""
    return rules.actions(context["request"].user, activity)
