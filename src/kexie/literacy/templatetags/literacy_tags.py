from django import template

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """A share (0–1) as a percentage without the sign; "—" when unknown."""
    if value is None or value != value:  # None or NaN
        return "—"
    return f"{value * 100:.{int(digits)}f}"


@register.filter
def without_variance(row) -> bool:
    """A share of 0 or 100%: every answer in the group agrees, so no standard error can be estimated
    (the design-based formula gives 0, which is not a measure of uncertainty)."""
    return row is not None and row.get("share") in (0.0, 1.0)


@register.filter
def se_pct(row, digits: int = 1) -> str:
    """A row's standard error in percentage points; "—" for a group without variance."""
    return "—" if without_variance(row) else pct(row.get("se"), digits)


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, [])
