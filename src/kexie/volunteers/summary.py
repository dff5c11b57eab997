"""The hours summary (models.HoursSummary): recorded hours per organising unit, year and
volunteer, team or county, kept up by the services in the same transaction as the record that
starts to count, so that the hours totals read a few rows per volunteer instead of every record.

`count(records)` is the one way in (services call it when a record becomes `recorded`);
Each key has a row per year and one for all years together (year 0). `rebuild()` recomputes it from the records (after a restore, or to repair it) and
`differences()` compares it with the records: an empty list proves it equals them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear

from kexie.volunteers.models import HoursSummary, RecordStatus, ServiceRecord, SummaryDimension

# dimension → the summary column holding its key (the other two stay empty)
KEY_FIELD = {
    SummaryDimension.PERSON: "volunteer_id",
    SummaryDimension.TEAM: "team_id",
    SummaryDimension.COUNTY: "county_id",
}
NO_KEY = {"volunteer_id": None, "team_id": None, "county_id": None}
ALL_YEARS = 0  # the row of every year together: totals without a year read one row per key


def _rows():
    return HoursSummary.objects.unscoped(reason="the hours summary is kept for the whole city")


def _keys(unit_id: int, year: int, volunteer_id, team_id, county_id):
    values = {"volunteer_id": volunteer_id, "team_id": team_id, "county_id": county_id}
    for dimension, field in KEY_FIELD.items():
        for period in (year, ALL_YEARS):
            yield (unit_id, period, dimension, field, values[field])


def count(records: Iterable[ServiceRecord], sign: int = 1) -> None:
    """Add recorded records to the summary (call inside the service's transaction); `sign=-1`
    takes them out again (a recorded entry being corrected: out as it was, in as it is)."""
    deltas: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    for r in records:
        for key in _keys(r.organising_unit_id, r.served_on.year, r.volunteer_id, r.team_id, r.county_id):
            deltas[key][0] += sign * Decimal(r.hours)
            deltas[key][1] += sign
    for (unit_id, year, dimension, field, value), (hours, entries) in deltas.items():
        _add(unit_id, year, dimension, {**NO_KEY, field: value}, hours, entries)


def uncount(records: Iterable[ServiceRecord]) -> None:
    """Take recorded records out of the summary (before a correction changes them)."""
    count(records, sign=-1)


def _add(unit_id, year, dimension, keys: dict, hours: Decimal, entries: int) -> None:
    match = {"organising_unit_id": unit_id, "year": year, "dimension": dimension, **keys}
    change = {"hours": F("hours") + hours, "entries": F("entries") + entries}
    if _rows().filter(**match).update(**change):
        return
    try:
        with transaction.atomic():  # a savepoint: another writer may insert the same key first
            HoursSummary.objects.create(**match, hours=hours, entries=entries)
    except IntegrityError:
        _rows().filter(**match).update(**change)


def from_records():
    """The summary's rows as the records give them: {(unit, year, dimension, key): (hours, entries)}."""
    recorded = ServiceRecord.objects.unscoped(reason="the hours summary is kept for the whole city").filter(
        status=RecordStatus.RECORDED
    )
    result = {}
    for dimension, field in KEY_FIELD.items():
        by_year = recorded.annotate(year=ExtractYear("served_on")).values("organising_unit_id", "year", field)
        all_years = recorded.values("organising_unit_id", field)
        for rows in (by_year, all_years):
            for row in rows.annotate(hours=Sum("hours"), entries=Count("id")).order_by():
                key = (row["organising_unit_id"], row.get("year", ALL_YEARS), dimension, row[field])
                result[key] = (Decimal(row["hours"]).quantize(Decimal("0.01")), row["entries"])
    return result


def stored():
    result = {}
    for row in _rows().values(
        "organising_unit_id", "year", "dimension", *KEY_FIELD.values(), "hours", "entries"
    ):
        key = (row["organising_unit_id"], row["year"], row["dimension"], row[KEY_FIELD[row["dimension"]]])
        if row["entries"]:
            result[key] = (Decimal(row["hours"]).quantize(Decimal("0.01")), row["entries"])
    return result


def differences() -> list[tuple]:
    """(key, summary, records) for every key where the summary and the records disagree."""
    want, have = from_records(), stored()
    return [
        (key, have.get(key), want.get(key))
        for key in sorted(set(want) | set(have), key=str)
        if want.get(key) != have.get(key)
    ]


@transaction.atomic
def rebuild() -> int:
    """Recompute the summary from the records; returns the number of rows."""
    _rows().delete()
    rows = [
        HoursSummary(
            organising_unit_id=unit_id,
            year=year,
            dimension=dimension,
            **{**NO_KEY, KEY_FIELD[dimension]: value},
            hours=hours,
            entries=entries,
        )  # fmt: skip
        for (unit_id, year, dimension, value), (hours, entries) in from_records().items()
    ]
    HoursSummary.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
