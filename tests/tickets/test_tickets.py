"""Tickets with service levels (kexie.tickets): clocks on the working-day calendar that pause
while waiting for the caller, breach flags, satisfaction, and who sees a ticket."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kexie.core.models import AuditEntry
from kexie.tickets.models import Status, Ticket, TicketPause
from kexie.tickets.services import (
    queue_set_people,
    ticket_assign,
    ticket_flag_breaches,
    ticket_open,
    ticket_rate,
    ticket_resolve,
    ticket_respond,
    ticket_resume,
    ticket_route,
    ticket_wait,
)

SH = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def test_pause_over_a_weekend_and_a_working_saturday(county_queue, personas):
    """Opened Friday 2020-10-09 16:00 (the day after the National Day holiday); answered at
    16:30; waiting for the caller's photos from 17:00 over the 调休 working Saturday 10/10 and
    the Sunday until Monday 9:00; resolved at 10:00. The clock counts 1 h on Friday and 1 h on
    Monday: the working Saturday's 7.5 h fall inside the pause."""
    staff = personas["county_staff"]
    ticket = ticket_open(
        actor=staff, queue=county_queue, subject="小麦叶片发黄", opened_at=at(2020, 10, 9, 16)
    )
    assert ticket.first_response_due == at(2020, 10, 10, 11, 0)  # 1.5 h Fri + 2.5 h on the working Saturday
    ticket_respond(actor=staff, ticket=ticket, at=at(2020, 10, 9, 16, 30))
    assert ticket.first_response_seconds == HOUR // 2 and ticket.first_response_breached is False
    ticket_wait(actor=staff, ticket=ticket, reason="等来电人发照片", at=at(2020, 10, 9, 17))
    assert ticket.status == Status.WAITING and ticket.resolution_due is None
    ticket_resume(actor=staff, ticket=ticket, at=at(2020, 10, 12, 9))
    # 15 h target: 1 h ran before the pause; 14 h left from Monday 9:00: 7 h on Monday, 7 h on Tuesday
    assert ticket.resolution_due == at(2020, 10, 13, 17, 0)
    ticket_resolve(actor=staff, ticket=ticket, at=at(2020, 10, 12, 10))
    ticket.refresh_from_db()
    assert ticket.resolution_seconds == 2 * HOUR and ticket.resolution_breached is False
    assert TicketPause.objects.unscoped(reason="test").get(ticket=ticket).ended_at == at(2020, 10, 12, 9)


def test_without_the_pause_the_working_saturday_counts(county_queue, personas):
    staff = personas["county_staff"]
    ticket = ticket_open(actor=staff, queue=county_queue, subject="生猪腹泻", opened_at=at(2020, 10, 9, 16))
    ticket_resolve(actor=staff, ticket=ticket, at=at(2020, 10, 12, 10))
    # Fri 1.5 h + Sat 10/10 7.5 h + Mon 1.5 h; the first response came with the resolution, late
    assert ticket.resolution_seconds == int(10.5 * HOUR)
    assert ticket.first_response_seconds == int(10.5 * HOUR) and ticket.first_response_breached is True


def test_a_plain_weekend_does_not_count(county_queue, personas):
    staff = personas["county_staff"]
    ticket = ticket_open(
        actor=staff, queue=county_queue, subject="大棚番茄裂果", opened_at=at(2020, 11, 6, 17)
    )
    assert ticket.first_response_due == at(2020, 11, 9, 12, 0)  # 0.5 h Fri, 3.5 h Mon morning
    ticket_respond(actor=staff, ticket=ticket, at=at(2020, 11, 9, 8, 45))
    assert ticket.first_response_seconds == 45 * 60 and not ticket.first_response_breached


def test_breach_sweep_flags_running_clocks_past_due(county_queue, personas):
    staff = personas["county_staff"]
    late = ticket_open(actor=staff, queue=county_queue, subject="果树流胶", opened_at=at(2020, 11, 9, 9))
    on_time = ticket_open(actor=staff, queue=county_queue, subject="玉米螟", opened_at=at(2020, 11, 9, 15))
    assert ticket_flag_breaches(now=at(2020, 11, 9, 16)) == 1
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.first_response_breached is True and on_time.first_response_breached is None
    assert ticket_flag_breaches(now=at(2020, 11, 9, 16)) == 0  # flagged once


def test_satisfaction_only_when_resolved_and_in_range(county_queue, personas):
    staff = personas["county_staff"]
    ticket = ticket_open(
        actor=staff, queue=county_queue, subject="蛋鸡产蛋率下降", opened_at=at(2020, 11, 9, 9)
    )
    with pytest.raises(ValidationError, match="解决后才能评价"):
        ticket_rate(actor=staff, ticket=ticket, satisfaction=5)
    ticket_resolve(actor=staff, ticket=ticket, at=at(2020, 11, 9, 10))
    with pytest.raises(ValidationError, match="满意度"):
        ticket_rate(actor=staff, ticket=ticket, satisfaction=6)
    ticket_rate(actor=None, ticket=ticket, satisfaction=4, note="很及时")
    ticket.refresh_from_db()
    assert ticket.satisfaction == 4


def test_round_the_clock_line_runs_through_the_holiday(psychology_queue, personas):
    ticket = ticket_open(
        actor=None, queue=psychology_queue, subject="夜间焦虑失眠", opened_at=at(2020, 10, 1, 23, 55)
    )
    assert ticket.first_response_due == at(2020, 10, 2, 0, 5)


def test_psychology_tickets_only_for_the_pool_and_supervisors(psychology_queue, county_queue, personas):
    ticket = ticket_open(actor=None, queue=psychology_queue, subject="隔离期间情绪低落")
    seen = {
        name: Ticket.objects.for_user(user).filter(pk=ticket.pk).exists() for name, user in personas.items()
    }
    assert seen == {"city_admin": False, "county_staff": False, "society_secretary": True, "outsider": False}
    assert Ticket.objects.for_user(psychology_queue.supervisor).filter(pk=ticket.pk).exists()
    with pytest.raises(PermissionDenied):
        ticket_respond(actor=personas["city_admin"], ticket=ticket)
    # the audit entries do not carry the subject
    assert not AuditEntry.objects.unscoped(reason="test").filter(object_repr__contains="隔离").exists()


def test_removing_a_member_takes_the_ticket_away(psychology_queue, personas):
    ticket = ticket_open(actor=None, queue=psychology_queue, subject="考前焦虑")
    secretary = personas["society_secretary"]
    queue_set_people(actor=personas["city_admin"], queue=psychology_queue, members=[])
    fresh = type(secretary).objects.unscoped(reason="test").get(pk=secretary.pk)  # no cached grants
    assert not Ticket.objects.for_user(fresh).filter(pk=ticket.pk).exists()


def test_routing_to_the_sensitive_queue_closes_the_ticket_to_the_unit(
    county_queue, psychology_queue, personas
):
    staff = personas["county_staff"]
    ticket = ticket_open(actor=staff, queue=county_queue, subject="来电人情绪崩溃")
    ticket_assign(actor=staff, ticket=ticket, assignee=staff)
    ticket_route(actor=staff, ticket=ticket, queue=psychology_queue)
    assert ticket.scope_unit is None and ticket.assignee is None
    fresh = type(staff).objects.unscoped(reason="test").get(pk=staff.pk)
    assert not Ticket.objects.for_user(fresh).filter(pk=ticket.pk).exists()
    assert ticket.first_response_due is not None


def test_assignee_must_be_a_member(county_queue, personas):
    ticket = ticket_open(actor=personas["county_staff"], queue=county_queue, subject="葡萄霜霉病")
    with pytest.raises(ValidationError, match="不是队列"):
        ticket_assign(actor=personas["county_staff"], ticket=ticket, assignee=personas["outsider"])


def test_outsider_cannot_work_the_ticket(county_queue, personas):
    ticket = ticket_open(actor=personas["county_staff"], queue=county_queue, subject="草莓白粉病")
    with pytest.raises(PermissionDenied):
        ticket_resolve(actor=personas["outsider"], ticket=ticket)
    assert Ticket.objects.unscoped(reason="test").get(pk=ticket.pk).status == Status.NEW


def test_the_breach_sweep_is_periodic_work_of_the_workers():
    from django.utils.module_loading import import_string

    from kexie.core.jobs import schedule

    entry = schedule.registered()["tickets.breach_sweep"]
    assert entry.every == dt.timedelta(minutes=5)
    assert import_string(entry.func) is ticket_flag_breaches
