"""Reads of the volunteers and training module, shared by web pages, the API and exports."""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Aggregate,
    BigIntegerField,
    Count,
    DecimalField,
    Exists,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils.translation import gettext_lazy as _

from kexie.volunteers.models import (
    Course,
    Enrolment,
    HoursSummary,
    PersonHoursTotal,
    RecordStatus,
    ServiceRecord,
    SummaryDimension,
    VolunteerProfile,
    VolunteerTeam,
)
from kexie.volunteers.summary import ALL_YEARS

HUNDREDTH = Decimal("0.01")
# group → the summary dimension it reads and the values() keys of one aggregate query
GROUPS = {
    "person": ("person", ("volunteer_id", "volunteer__person__name")),
    "team": ("team", ("team_id", "team__organisation__name")),
    "county": ("county", ("county_id", "county__name")),
    "year": ("county", ("year",)),  # every record has exactly one county row (its county or none)
}
GROUP_LABELS = {"person": "志愿者", "team": "志愿服务队", "county": "县(市、区)", "year": "年度"}


def activity_sessions(user):
    """Check-in sessions for a ledger activity, newest first: their attendance can become records."""
    from django.contrib.contenttypes.models import ContentType

    from kexie.activities.models import Activity
    from kexie.core.models import CheckinSession

    activity_type = ContentType.objects.get_for_model(Activity)
    return (
        CheckinSession.objects.for_user(user).filter(target_type=activity_type).order_by("-starts_at", "-id")
    )


def volunteers(user):
    return VolunteerProfile.objects.for_user(user).select_related("person", "residence_region")


def teams(user):
    return VolunteerTeam.objects.for_user(user).select_related("organisation", "leader")


def records(user, *, status: str | None = None, volunteer=None, year: int | None = None):
    qs = ServiceRecord.objects.for_user(user).select_related(
        "volunteer__person", "activity", "organising_unit", "team__organisation", "responsible_person"
    )
    if status:
        qs = qs.filter(status=status)
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    if year:
        qs = qs.filter(served_on__year=year)
    return qs


def counted(qs):
    """Only recorded entries count hours: pending and declined ones never do."""
    return qs.filter(status=RecordStatus.RECORDED)


def summary_rows(user):
    """The hours summary rows the user may see (scoped by the records' organising unit)."""
    return HoursSummary.objects.for_user(user)


def hours_totals(rows, by: str, *, year: int | None = None) -> list[dict]:
    """Recorded hours and entries per person, team, county or year: one GROUP BY over the hours
    summary (a few rows per volunteer and year, kept by the services), whatever the number of
    records. `rows` is an already scoped queryset of summary rows (`summary_rows(user)`).

    The database sums the hours as whole hundredths; by person (50,000 rows at the benchmark's
    size) see `_person_totals`."""
    _dimension, keys = GROUPS[by]
    rows = _summary_for(rows, by, year)  # without a year: the all-years rows, one per key and unit
    if by == "person":
        return _person_totals(rows)
    key_name = keys[0]
    totals = {"cents": _Cents("hours"), "n": Sum("entries")}
    if len(keys) > 1:
        totals["name"] = Min(keys[-1])
    grouped = rows.values(key_name).annotate(**totals).order_by(key_name)
    names = ("name",) if len(keys) > 1 else ()
    return [
        {"key": row[0], "label": row[-1] if names else row[0], "hours": Decimal(row[1] or 0) * HUNDREDTH,
         "entries": row[2]}
        for row in grouped.values_list(key_name, "cents", "n", *names)
    ]  # fmt: skip


class _Cents(Aggregate):
    """SUM(hours) as whole hundredths: one plain expression on every database (Django's
    Cast/Round on SQLite wraps each step in a NUMERIC cast, a third of the query's time)."""

    function = "SUM"
    template = "CAST(ROUND(%(function)s(%(expressions)s) * 100) AS BIGINT)"
    output_field = BigIntegerField()


def _person_totals(rows) -> list[dict]:
    """By person, 50,000 rows at the benchmark's size (docs/benchmarks.md): the summary rows are
    grouped by volunteer alone (in the covering index's order, no sort), and only the grouped
    rows then look up the name (profile → person by primary key); the rows come back as plain
    tuples, sorted in Python, each made into a four-key dict."""
    grouped = rows.values("volunteer_id").annotate(cents=_Cents("hours"), n=Sum("entries")).order_by()
    try:
        inner, params = grouped.values_list("volunteer_id", "cents", "n").query.sql_with_params()
    except EmptyResultSet:  # a scope that sees nothing
        return []
    profile, person = VolunteerProfile._meta, VolunteerProfile._meta.get_field("person").related_model._meta
    sql = (
        f'SELECT g."volunteer_id", g."cents", g."n", p."name" FROM ({inner}) g '
        f'INNER JOIN "{profile.db_table}" v ON v."id" = g."volunteer_id" '
        f'INNER JOIN "{person.db_table}" p ON p."id" = v."person_id"'
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        data = cursor.fetchall()
    data.sort(key=itemgetter(0))
    scale = HUNDREDTH
    return [
        {"key": key, "label": name, "hours": Decimal(cents or 0) * scale, "entries": n}
        for key, cents, n, name in data
    ]


# the page's and the API's `sort`
HOURS_SORTS = {"key": _("按编号"), "hours": _("按服务时长(从多到少)"), "label": _("按名称")}


def _summary_for(rows, by: str, year: int | None):
    dimension, _keys = GROUPS[by]
    rows = rows.filter(dimension=dimension, entries__gt=0)
    if year:
        return rows.filter(year=year)
    if by == "year":
        return rows.exclude(year=ALL_YEARS)
    return rows.filter(year=ALL_YEARS)


def _sort_key(sort: str):
    if sort == "hours":
        return lambda r: (-r["hours"], r["key"] is None, r["key"] or 0)
    if sort == "label":
        return lambda r: (str(r["label"] or ""), r["key"] is None, r["key"] or 0)
    return lambda r: (r["key"] is None, r["key"] or 0)


def hours_page(
    rows, by: str, *, year: int | None = None, sort: str = "key", offset: int = 0, limit: int = 50, user=None
) -> tuple[int, list[dict]]:
    """One page of the hours totals with the number of all rows: `(count, page)`, ordered by
    `sort` (HOURS_SORTS: the key, the hours from most to least, the name; ties by key) over the
    whole answer, not within the page. By person (50,000 rows at the benchmark's size) the
    database sorts and cuts the page, and only the page's people look up their names
    (`_person_page`); team, county and year (a few dozen rows) are the whole answer cut here."""
    if sort not in HOURS_SORTS:
        sort = "key"
    offset, limit = max(0, offset), max(1, limit)
    if by == "person":
        scope = _stored_scope(user) if sort in ("hours", "label") else _NO_STORED
        if scope is not _NO_STORED:
            return _person_page_stored(scope, year, sort, offset, limit)
        if sort == "label" and offset < NAME_WALK_MAX:
            return _person_page_by_name(_summary_for(rows, by, year), offset, limit)
        return _person_page(_summary_for(rows, by, year), sort, offset, limit)
    totals = sorted(hours_totals(rows, by, year=year), key=_sort_key(sort))
    return len(totals), totals[offset : offset + limit]


_NO_STORED = object()


def _stored_scope(user):
    """The scope level of the stored per-person totals the user's pages read: None for the whole
    city (a superuser), else the user's unit; `_NO_STORED` when they cannot answer (no user
    given, or records granted one by one on top of the unit: the grouped summary then)."""
    from kexie.core import grants
    from kexie.core.scoping import unit_path_of

    path = unit_path_of(user) if user is not None else None
    if path is None:
        return _NO_STORED
    if path == "":
        return None
    if grants.granted_ids(user, HoursSummary, "view"):
        return _NO_STORED
    return user.unit_id


def _person_page_stored(
    scope, year: int | None, sort: str, offset: int, limit: int
) -> tuple[int, list[dict]]:
    """By person sorted by hours (most first, then name, then id) or by name (then id): the
    stored per-person totals of the user's scope level (models.PersonHoursTotal), read as a
    range of the index in that order, so a deep page costs an index walk, not adding up every
    volunteer. Two queries: the count and the page."""
    rows = PersonHoursTotal.objects.unscoped(reason="the rows of the user's own scope level").filter(
        scope_unit_id=scope, year=year or ALL_YEARS
    )
    count = rows.count()
    if not count or offset >= count:
        return count, []
    order = ("-cents", "name", "volunteer_id") if sort == "hours" else ("name", "volunteer_id")
    page = rows.order_by(*order).values_list("volunteer_id", "name", "cents", "entries")[
        offset : offset + limit
    ]
    return count, [
        {"key": pk, "label": name, "hours": Decimal(cents) * HUNDREDTH, "entries": n}
        for pk, name, cents, n in page
    ]


def _person_page(rows, sort: str, offset: int, limit: int) -> tuple[int, list[dict]]:
    """By person, a page: the summary grouped by volunteer (the covering index's order), sorted
    and cut by the database — by key or hours inside the grouped query, so that only the page's
    rows join the profile and person for the name; by name after that join (every grouped row
    then looks up its name, the page is still cut by the database). The count is one
    COUNT(DISTINCT volunteer) over the same rows."""
    count = rows.values("volunteer_id").distinct().count()
    if not count or offset >= count:
        return count, []
    grouped = rows.values("volunteer_id").annotate(cents=_Cents("hours"), n=Sum("entries"))
    cut = ""
    if sort == "label":
        grouped, order = grouped.order_by(), 'p."name", g."volunteer_id"'
        cut = f" LIMIT {int(limit)} OFFSET {int(offset)}"
    elif sort == "hours":
        grouped, order = grouped.order_by("-cents", "volunteer_id")[offset : offset + limit], None
    else:
        grouped, order = grouped.order_by("volunteer_id")[offset : offset + limit], None
    inner, params = grouped.values_list("volunteer_id", "cents", "n").query.sql_with_params()
    profile, person = VolunteerProfile._meta, VolunteerProfile._meta.get_field("person").related_model._meta
    sql = (
        f'SELECT g."volunteer_id", g."cents", g."n", p."name" FROM ({inner}) g '
        f'INNER JOIN "{profile.db_table}" v ON v."id" = g."volunteer_id" '
        f'INNER JOIN "{person.db_table}" p ON p."id" = v."person_id"'
    )
    if order:
        sql += f" ORDER BY {order}{cut}"
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        data = cursor.fetchall()
    page = [
        {"key": key, "label": name, "hours": Decimal(cents or 0) * HUNDREDTH, "entries": n}
        for key, cents, n, name in data
    ]
    if sort != "label":  # the join may return the page's rows in another order
        page.sort(key=_sort_key(sort))
    return count, page


# The name-index walk costs in proportion to the offset: at 50,000 volunteers its first page took
# 53 ms against 278 ms for the grouped sort, the middle page (offset 25,000) 599 ms against 437 ms
# (docs/benchmarks.md); deeper pages than this read the grouped sort.
NAME_WALK_MAX = 10000


def _person_page_by_name(rows, offset: int, limit: int) -> tuple[int, list[dict]]:
    """By person in name order, a page: the volunteers are walked in the person-name index's
    order, each kept if the summary has a row of it among `rows` (one index probe each: the
    covering index starts with dimension, year and volunteer), and the page cut there; only the
    page's volunteers are added up (subqueries of the same statement: 2 queries a page). Before, every volunteer's total was computed and joined
    to its name, then sorted (`_person_page(rows, "label", ...)`, kept for the benchmark)."""
    count = rows.values("volunteer_id").distinct().count()
    if not count or offset >= count:
        return count, []
    own = rows.filter(volunteer_id=OuterRef("pk")).values("volunteer_id")
    page = (
        VolunteerProfile.objects.unscoped(reason="the page's volunteers are those of the scoped summary rows")
        .filter(Exists(own))
        .order_by("person__name", "id")
        .annotate(
            cents=Subquery(own.annotate(c=_Cents("hours")).values("c")[:1], output_field=BigIntegerField()),
            n=Subquery(own.annotate(e=Sum("entries")).values("e")[:1], output_field=BigIntegerField()),
        )
        .values_list("id", "person__name", "cents", "n")[offset : offset + limit]
    )
    return count, [
        {"key": pk, "label": name, "hours": Decimal(cents or 0) * HUNDREDTH, "entries": n}
        for pk, name, cents, n in page
    ]


def hundredths(value) -> Decimal:
    """Hours to the hundredth (SQLite's SUM drops a Decimal's trailing zeros)."""
    return Decimal(value or 0).quantize(HUNDREDTH)


def person_hours(user, profile) -> Decimal:
    """A volunteer's recorded hours the user may see: their all-years rows of the hours summary
    (one per organising unit; scoped like the records), not a sum over their records."""
    total = (
        summary_rows(user)
        .filter(dimension=SummaryDimension.PERSON, year=ALL_YEARS, volunteer=profile)
        .aggregate(h=Sum("hours"))["h"]
    )
    return hundredths(total)


def hours_of_volunteers(user, profiles) -> dict[int, Decimal]:
    """Recorded hours of a page of volunteers, in one grouped query over the hours summary."""
    ids = [p.pk for p in profiles]
    if not ids:
        return {}
    grouped = (
        summary_rows(user)
        .filter(dimension=SummaryDimension.PERSON, year=ALL_YEARS, volunteer_id__in=ids)
        .values("volunteer_id")
        .annotate(h=Sum("hours"))
        .order_by()
        .values_list("volunteer_id", "h")
    )
    return {pk: hundredths(h) for pk, h in grouped}


def recorded_hours_subquery(user):
    """A volunteer's recorded hours from the records the user may see, as an annotation (one
    correlated SUM per row of a page): the API's volunteer list reads the records themselves,
    not the summary, and never counts hours whose organising unit is outside the user's scope."""
    per_volunteer = (
        counted(ServiceRecord.objects.for_user(user))
        .filter(volunteer=OuterRef("pk"))
        .order_by()
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Subquery(per_volunteer, output_field=DecimalField(max_digits=14, decimal_places=2))


def courses(user):
    return (
        Course.objects.for_user(user)
        .select_related("activity")
        .annotate(
            enrolled=Count("enrolments", distinct=True),
            completed=Count("enrolments", filter=Q(enrolments__completed_on__isnull=False), distinct=True),
        )
    )


def enrolments(user, course=None):
    qs = Enrolment.objects.for_user(user).select_related(
        "person", "course__activity", "leader_of", "certificate"
    )
    return qs.filter(course=course) if course is not None else qs


def evaluations(user, profile):
    """The evaluations on a volunteer's record the user may see (scoped by the evaluating unit)."""
    from kexie.volunteers.models import VolunteerEvaluation

    return VolunteerEvaluation.objects.for_user(user).filter(volunteer=profile).select_related("unit")
