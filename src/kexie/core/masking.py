"""Masking of personal data for display, exports and logs."""


def mask_id_number(value: str) -> str:
    """Keep the first 6 (region) and last 4 characters: 370811********1234."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits: 138****5678."""
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
