"""{{ fen|yuan }}: an amount in fen shown in 元 with two decimals (no floats)."""

from django import template

from kexie.funds.ledger import yuan as _yuan

register = template.Library()


@register.filter
def yuan(fen) -> str:
    return _yuan(int(fen or 0))
