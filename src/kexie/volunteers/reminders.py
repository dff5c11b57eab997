"""Reminders of the 10-working-day entry rule, as one function periodic work can call
(the worker's scheduler, or `kexie volunteers remind` from cron until it has one)."""

import datetime as dt


def remind_late_records(*, today: dt.date | None = None) -> int:
    """Notify each organising unit's reviewers of self-reported records still waiting when the
    entry deadline (10 working days after the service, the shared working-day calendar) is two
    working days away or past. Returns the number of notifications sent."""
    from kexie.volunteers.services import service_reminders_send

    return service_reminders_send(today=today)
