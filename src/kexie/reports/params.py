"""Period and scope from request parameters (UI and API share these)."""

import datetime as dt

from django.core.exceptions import ValidationError

from kexie.core import indicators
from kexie.core.indicators import Period, Scope

# Without ?year=, pages and the API show the latest year in which these indicators have
# records in the user's scope (approved activities, new designations), else the current year.
DEFAULT_YEAR_CODES = ["activities.by_county", "directory.new_outreach_bases"]


class SystemActor:
    """The command line acts for the whole database (it runs with the server's rights)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    unit = None
    unit_id = None
    pk = None

    def has_perm(self, perm: str) -> bool:
        return True

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"


def period_from(year=None, start=None, end=None, *, scope: Scope | None = None) -> Period:
    """The period of the parameters; without a year or dates, the latest year with records
    in `scope` (when given) or the current year."""
    if not (year or start or end) and scope is not None:
        year = default_year(scope)
    try:
        if start or end:
            if not (start and end):
                raise ValidationError({"start": "按日期范围统计时须同时填写开始日期和结束日期"})
            return Period.between(dt.date.fromisoformat(str(start)), dt.date.fromisoformat(str(end)))
        year = int(year) if year else dt.date.today().year
    except ValueError as exc:
        raise ValidationError({"year": f"期间无效:{exc}"}) from exc
    if not 1949 <= year <= 2100:
        raise ValidationError({"year": "年度应在1949至2100之间"})
    return Period.year(year)


def scope_from(user, region=None, org=None) -> Scope:
    try:
        org_id = int(org) if org not in (None, "") else None
    except ValueError as exc:
        raise ValidationError({"org": "单位编号应为整数"}) from exc
    return Scope(user, region_code=region or None, org_id=org_id)


def default_year(scope: Scope) -> int:
    """The latest year with approved records in the scope, or the current year."""
    today = dt.date.today().year
    return indicators.latest_year(scope, DEFAULT_YEAR_CODES, until=today) or today


def from_query(user, params) -> tuple[Period, Scope]:
    scope = scope_from(user, params.get("region"), params.get("org"))
    period = period_from(params.get("year"), params.get("start"), params.get("end"), scope=scope)
    return period, scope
