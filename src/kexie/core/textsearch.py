"""Text filters of list pages: one meaning everywhere.

``contains(qs, field, text)`` keeps the rows whose ``field`` holds ``text`` as a case-insensitive
substring (after trimming). Every list's selector calls it for its free-text filter, so that the
web page, the API and the exports find the same rows.
"""

from django.db.models import QuerySet


def contains(qs: QuerySet, field: str, text: str | None) -> QuerySet:
    """Rows whose ``field`` contains ``text`` (case-insensitive); all rows when ``text`` is blank."""
    text = (text or "").strip()
    if not text:
        return qs
    return qs.filter(**{f"{field}__icontains": text})
