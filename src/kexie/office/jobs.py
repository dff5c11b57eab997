"""Periodic work of the office, for the worker's scheduler (being added to kexie.core.jobs).
Until it lands, `kexie office remind` (cron, each working day) runs the same function."""

import datetime as dt


def register(schedule) -> None:
    """Register the daily task reminders with a scheduler offering
    `register(name, every=timedelta, func=...)`."""
    from kexie.office.services import task_reminders

    schedule.register("office.task_reminders", every=dt.timedelta(days=1), func=task_reminders)
