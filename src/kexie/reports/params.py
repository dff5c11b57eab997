"""Period and scope from request parameters (UI and API share these)."""

import datetime as dt

from django.core.exceptions import ValidationError

from kexie.core.indicators import Period, Scope


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


def period_from(year=None, start=None, end=None) -> Period:
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


def from_query(user, params) -> tuple[Period, Scope]:
    period = period_from(params.get("year"), params.get("start"), params.get("end"))
    return period, scope_from(user, params.get("region"), params.get("org"))
