"""The hours summary (models.HoursSummary): recorded hours per organising unit, year and
volunteer, team or county, kept up by the services in the same transaction as the record that
starts to count, so that the hours totals read a few rows per volunteer instead of every record.

`count(records)` is the one way in (services call it when a record becomes `recorded`);
Each key has a row per year and one for all years together (year 0). The same call keeps the
per-person totals of every scope level (models.PersonHoursTotal: what the person pages sorted by
hours or name read as an index range). `rebuild()` recomputes it from the records (after a restore, or to repair it) and
`differences()` compares it with the records: an empty list proves it equals them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear

from kexie.core.scoping import path_ids
from kexie.volunteers.models import (
    HoursSummary,
    PersonHoursTotal,
    RecordStatus,
    ServiceRecord,
    SummaryDimension,
    VolunteerProfile,
)

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
    _count_totals(deltas)


# ---------------------------------------------------------------------- per-person totals per scope


def _totals():
    return PersonHoursTotal.objects.unscoped(reason="the per-person totals are kept for the whole city")


def _scopes_of(unit_ids) -> dict[int, list]:
    """unit id → the scope levels whose pages count its records: None (the whole city), then the
    unit and every unit above it (kexie.core.scoping.path_ids)."""
    from kexie.directory.models import Organisation

    paths = dict(
        Organisation.objects.unscoped(reason="the organising units' paths").filter(pk__in=set(unit_ids))
        .values_list("pk", "path")
    )  # fmt: skip
    return {pk: [None, *path_ids(paths.get(pk))] for pk in unit_ids}


def _names(volunteer_ids) -> dict:
    """volunteer id → the person's name (the totals carry it for the pages' name order)."""
    return dict(
        VolunteerProfile.objects.unscoped(reason="the totals carry the volunteer's name")
        .filter(pk__in=volunteer_ids).values_list("pk", "person__name")
    )  # fmt: skip


def _count_totals(deltas: dict) -> None:
    """The person rows of a `count()` call added to the per-person totals of every scope level."""
    per_person: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    person_keys = [k for k in deltas if k[2] == SummaryDimension.PERSON]
    scopes = _scopes_of({k[0] for k in person_keys})
    for key in person_keys:
        unit_id, year, _dimension, _field, volunteer_id = key
        for scope in scopes[unit_id]:
            per_person[(scope, year, volunteer_id)][0] += deltas[key][0]
            per_person[(scope, year, volunteer_id)][1] += deltas[key][1]
    if not per_person:
        return
    names = _names({k[2] for k in per_person})
    emptied = False
    for (scope, year, volunteer_id), (hours, entries) in per_person.items():
        cents = int((hours * 100).to_integral_value())
        match = {"scope_unit_id": scope, "year": year, "volunteer_id": volunteer_id}
        change = {"cents": F("cents") + cents, "entries": F("entries") + entries}
        emptied = emptied or entries < 0
        if _totals().filter(**match).update(**change):
            continue
        try:
            with transaction.atomic():  # a savepoint: another writer may insert the same key first
                PersonHoursTotal.objects.create(
                    **match, name=names.get(volunteer_id, ""), cents=cents, entries=entries
                )
        except IntegrityError:
            _totals().filter(**match).update(**change)
    if emptied:  # an entry taken out: a person with no counted entry left has no row
        _totals().filter(volunteer_id__in={k[2] for k in per_person}, entries__lte=0).delete()


def on_person_saved(sender, instance, **kwargs) -> None:
    """A directory person renamed: their totals carry the new name (the pages' name order)."""
    _totals().filter(volunteer__person=instance).exclude(name=instance.name).update(name=instance.name)


def totals_from_records() -> dict:
    """The per-person totals as the records give them: {(scope, year, volunteer): (cents, entries, name)}."""
    recorded = ServiceRecord.objects.unscoped(reason="the hours summary is kept for the whole city").filter(
        status=RecordStatus.RECORDED
    )
    grouped = (
        recorded.annotate(year=ExtractYear("served_on"))
        .values("organising_unit_id", "year", "volunteer_id")
        .annotate(hours=Sum("hours"), entries=Count("id"))
        .order_by()
        .values_list("organising_unit_id", "year", "volunteer_id", "hours", "entries")
    )
    rows = list(grouped)
    scopes = _scopes_of({r[0] for r in rows})
    names = _names({r[2] for r in rows})
    result: dict[tuple, list] = defaultdict(lambda: [0, 0])
    for unit_id, year, volunteer_id, hours, entries in rows:
        cents = int((Decimal(hours) * 100).to_integral_value())
        for scope in scopes[unit_id]:
            for period in (year, ALL_YEARS):
                result[(scope, period, volunteer_id)][0] += cents
                result[(scope, period, volunteer_id)][1] += entries
    return {key: (cents, entries, names.get(key[2], "")) for key, (cents, entries) in result.items()}


def totals_stored() -> dict:
    return {
        (scope, year, volunteer_id): (cents, entries, name)
        for scope, year, volunteer_id, cents, entries, name in _totals().values_list(
            "scope_unit_id", "year", "volunteer_id", "cents", "entries", "name"
        )
    }


def rebuild_totals() -> int:
    _totals().delete()
    rows = [
        PersonHoursTotal(scope_unit_id=scope, year=year, volunteer_id=volunteer_id, name=name, cents=cents,
                         entries=entries)
        for (scope, year, volunteer_id), (cents, entries, name) in totals_from_records().items()
    ]  # fmt: skip
    PersonHoursTotal.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


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
    want.update({("total", *k): v for k, v in totals_from_records().items()})
    have.update({("total", *k): v for k, v in totals_stored().items()})
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
    rebuild_totals()  # the per-person totals per scope level, from the same records
    return len(rows)
