from django import template

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """A share (0–1) as a percentage without the sign; "—" when unknown."""
    if value is None or value != value:  # None or NaN
        return "—"
    return f"{value * 100:.{int(digits)}f}"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, [])
