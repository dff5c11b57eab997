"""The rules the societies module computes: the 党建前置 check, what an annual report is
pre-filled with and when it is due, term dates (换届) and the flags on a term. Reads only;
writes are in kexie.societies.services."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kexie.core import workdays
from kexie.directory.codes import BRANCH_MIN_MEMBERS

# ---------------------------------------------------------------------- party building


def party_plan_check(plan: str, members: int, joint_branch: str) -> tuple[str | None, str | None]:
    """党建前置: (refusal, warning) for a new society's party plan.

    Refused: no plan at all; a branch of its own with fewer than three party members; a joint
    branch not named. Warned (prepared, but not counted as covered): only an instructor."""
    if plan == "none" or not plan:
        return _("党组织设置方案:新建学会须同步明确党组织设置方案(党建前置),不能为“暂无安排”"), None
    if plan == "independent" and (members or 0) < BRANCH_MIN_MEMBERS:
        return _("党组织设置方案:发起人中党员不足%(n)d人,不能单独建立党支部,请选择纳入联合党支部") % {
            "n": BRANCH_MIN_MEMBERS
        }, None
    if plan == "joint" and not (joint_branch or "").strip():
        return _("拟纳入的联合党支部:请填写"), None
    if plan == "instructor":
        return None, _("仅选派党建指导员不计入党组织覆盖,成立后须尽快建立或纳入党组织")
    return None, None


# ---------------------------------------------------------------------- annual reports

REPORT_REQUIRED = ("compliance", "income", "expenditure")
REMIND_DAYS = 30  # reminders start this many days before the first-review deadline


def first_review_due(year: int) -> dt.date:
    """The supervising unit's first review of year `year`'s report is due by 31 March after it."""
    return dt.date(year + 1, 3, 31)


def prefill(org, year: int) -> dict:
    """What kexie already holds about `org` in `year`: approved activities by kind (academic
    exchanges apart), honours recorded, people, officers in office, the party record."""
    from django.db.models import Count

    from kexie.activities.models import Activity
    from kexie.directory.models import OrganisationYear, Person
    from kexie.honours.models import Honour
    from kexie.societies import offices

    activities = Activity.objects.within(org).approved().in_year(year)
    by_kind = dict(activities.values_list("kind__name").annotate(n=Count("id")).order_by())
    exchanges = activities.filter(kind__code__startswith="academic").count()
    honours = list(Honour.objects.within(org).filter(year=year).values_list("title", flat=True)[:50])
    party = OrganisationYear.objects.within(org).filter(organisation=org, year=year).first()
    officers = offices.officers_in(org, year)
    return {
        "activities": activities.count(),
        "activities_by_kind": by_kind,
        "academic_exchanges": exchanges,
        "honours": honours,
        "people": Person.objects.within(org).filter(unit=org).count(),
        "officers": [offices.label(o) for o in officers],
        "party_form": party.get_party_form_display() if party and party.party_form else "",
        "has_party_organisation": bool(party and party.has_party_organisation),
        "party_members": party.party_members if party else None,
        "member_count": party.member_count if party else None,
    }


# ---------------------------------------------------------------------- terms (换届)

TERM_YEARS = 5
PLAN_MONTHS_BEFORE = 6
REQUEST_MONTHS_BEFORE = 2
FILING_WORKING_DAYS = 30
MAX_AGE = 70
MAX_CONSECUTIVE_TERMS = 2


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), held to the month's last day (31 Aug - 6 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def term_end(starts_on: dt.date, years: int = TERM_YEARS) -> dt.date:
    return add_months(starts_on, 12 * years) - dt.timedelta(days=1)


@dataclass
class TermDates:
    plan_due: dt.date
    request_due: dt.date
    filing_due: dt.date | None


def term_dates(term) -> TermDates:
    """换届: the plan is due 6 months before the term ends, the request to hold the congress 2
    months before, the filing 30 working days after the congress (kexie.core.workdays)."""
    filing = workdays.add_working_days(term.congress_on, FILING_WORKING_DAYS) if term.congress_on else None
    return TermDates(
        plan_due=add_months(term.ends_on, -PLAN_MONTHS_BEFORE),
        request_due=add_months(term.ends_on, -REQUEST_MONTHS_BEFORE),
        filing_due=filing,
    )


@dataclass
class TermFlags:
    overdue: bool = False
    filing_late: bool = False
    old_leaders: list[str] = field(default_factory=list)
    long_serving: list[str] = field(default_factory=list)
    board_too_large: bool = False

    @property
    def any(self) -> bool:
        return bool(
            self.overdue or self.filing_late or self.old_leaders or self.long_serving or self.board_too_large
        )

    def messages(self) -> list[str]:
        out = []
        if self.overdue:
            out.append(_("届满未换届"))
        if self.filing_late:
            out.append(_("换届后逾期未备案"))
        if self.old_leaders:
            out.append(_("负责人超过%(a)d岁:%(n)s") % {"a": MAX_AGE, "n": "、".join(self.old_leaders)})
        if self.long_serving:
            out.append(
                _("负责人连任超过%(t)d届:%(n)s")
                % {"t": MAX_CONSECUTIVE_TERMS, "n": "、".join(self.long_serving)}
            )
        if self.board_too_large:
            out.append(_("理事会人数超过会员数的三分之一"))
        return out


def term_flags(
    term, *, today: dt.date, newer_exists: bool, officers: list, earlier_leaders: list[set[int]]
) -> TermFlags:
    """The flags on a term. `officers` are the term's officer positions (directory positions,
    kexie.societies.offices); `earlier_leaders` the leader person ids of the terms just before it,
    newest first (consecutive terms); `newer_exists` whether a later term is recorded."""
    from kexie.societies import offices

    flags = TermFlags()
    flags.overdue = term.ends_on < today and not newer_exists and term.congress_on is None
    dates = term_dates(term)
    flags.filing_late = bool(dates.filing_due and term.filed_on is None and dates.filing_due < today)
    in_office = [o for o in officers if offices.is_leader(o) and (o.ends_on is None or o.ends_on >= today)]
    for officer in in_office:
        birth = officer.person.birth_year
        if birth and today.year - birth > MAX_AGE:
            flags.old_leaders.append(officer.person.name)
        run = 1
        for ids in earlier_leaders:
            if officer.person_id not in ids:
                break
            run += 1
        if run > MAX_CONSECUTIVE_TERMS:
            flags.long_serving.append(officer.person.name)
    if term.board_size and term.member_count and term.board_size * 3 > term.member_count:
        flags.board_too_large = True
    flags.old_leaders = sorted(set(flags.old_leaders))
    flags.long_serving = sorted(set(flags.long_serving))
    return flags
