"""Rectification orders (限期整改) and terms of office (换届)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kexie.directory.services import person_create
from kexie.societies import rules, selectors, services
from kexie.societies.models import RectificationStatus

pytestmark = pytest.mark.django_db


def _order(admin, society, **extra):
    data = {"reasons": "不履行主管学会职责", "required_evidence": "整改报告、理事会会议纪要",
            "ordered_on": dt.date(2020, 10, 9), "deadline": dt.date(2020, 12, 31), **extra}  # fmt: skip
    return services.rectification_order(actor=admin, org=society, data=data)


def test_an_order_is_followed_extended_and_closed(world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    item = _order(admin, society)
    services.rectification_follow_up(actor=personas["society_secretary"], item=item,
                                     data={"note": "已提交整改报告", "evidence": "整改报告.pdf"})  # fmt: skip
    with pytest.raises(ValidationError, match="应晚于原期限"):
        services.rectification_decide(actor=admin, item=item, outcome="extended", note="延期",
                                      new_deadline=dt.date(2020, 12, 1))  # fmt: skip
    services.rectification_decide(actor=admin, item=item, outcome="extended", note="材料不全",
                                  new_deadline=dt.date(2021, 2, 28))  # fmt: skip
    assert item.deadline == dt.date(2021, 2, 28) and item.extensions == 1 and item.is_open
    services.rectification_decide(actor=admin, item=item, outcome="closed", note="整改到位")
    assert item.status == RectificationStatus.CLOSED
    with pytest.raises(ValidationError):
        services.rectification_follow_up(actor=admin, item=item, data={"note": "再跟踪"})


def test_a_deadline_before_the_order_is_refused(world, personas):
    with pytest.raises(ValidationError, match="整改期限"):
        _order(personas["city_admin"], world.orgs["society"], deadline=dt.date(2020, 10, 1))


def test_overdue_orders_are_flagged_on_the_home_page(world, personas):
    from kexie.core import panels

    admin, society = personas["city_admin"], world.orgs["society"]
    _order(admin, society)
    assert [r.organisation for r in selectors.overdue_rectifications(admin, today=dt.date(2021, 1, 5))] == [
        society
    ]
    assert selectors.overdue_rectifications(admin, today=dt.date(2020, 12, 1)) == []
    assert selectors.overdue_rectifications(personas["county_staff"], today=dt.date(2021, 1, 5)) == []
    assert [p["title"] for p in panels.panels_for("home", admin, None)] == ["逾期未完成的限期整改"]
    assert panels.panels_for("home", personas["county_staff"], None) == []


# ---------------------------------------------------------------------- terms


def test_term_dates_plan_request_and_filing():
    from types import SimpleNamespace

    term = SimpleNamespace(ends_on=dt.date(2021, 8, 31), congress_on=dt.date(2021, 9, 28))
    dates = rules.term_dates(term)
    assert dates.plan_due == dt.date(2021, 2, 28)  # 6 months before, held to February's end
    assert dates.request_due == dt.date(2021, 6, 30)
    # 30 working days after Tue 28 Sep 2021: 29–30 Sep (2), the National Day week 1–7 Oct does
    # not count, Fri 8 Oct and the make-up Saturday 9 Oct do (4), then five weeks (29): Mon 15 Nov.
    assert dates.filing_due == dt.date(2021, 11, 15)
    assert rules.term_end(dt.date(2016, 9, 1)) == dt.date(2021, 8, 31)


def _person(admin, name, born):
    return person_create(actor=admin, data={"name": name, "birth_year": born, "unit": admin.unit})


def test_terms_flag_old_long_serving_leaders_and_large_boards(world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    chair, young = _person(admin, "王老会长", 1945), _person(admin, "李秘书长", 1980)
    for n, start in enumerate((dt.date(2006, 5, 1), dt.date(2011, 5, 1)), 1):
        services.term_create(actor=admin, org=society, data={"number": n, "starts_on": start},
                             officers=[{"person": chair, "role": "chair"}])  # fmt: skip
    term = services.term_create(
        actor=admin,
        org=society,
        data={"starts_on": dt.date(2016, 5, 1), "member_count": 90, "board_size": 31},
        officers=[{"person": chair, "role": "chair"}, {"person": young, "role": "secretary_general"}],
    )
    assert term.number == 3 and term.ends_on == dt.date(2021, 4, 30)
    row = selectors.term_rows(admin, today=dt.date(2021, 6, 1))[0]
    assert row.term == term
    assert row.flags.overdue and row.flags.board_too_large
    assert row.flags.old_leaders == ["王老会长"] and row.flags.long_serving == ["王老会长"]
    # officers of past years stay known
    assert [o.person.name for o in selectors.officers_in(admin, society, 2012)] == ["王老会长"]


def test_a_congress_held_clears_the_overdue_flag_and_times_the_filing(world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    term = services.term_create(actor=admin, org=society, data={"starts_on": dt.date(2016, 5, 1)})
    services.term_record_congress(actor=admin, term=term, congress_on=dt.date(2021, 4, 20))
    row = selectors.term_rows(admin, today=dt.date(2021, 8, 1))[0]
    assert not row.flags.overdue and row.flags.filing_late
