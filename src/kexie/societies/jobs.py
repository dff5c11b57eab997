"""Periodic work of the societies module, for the worker's scheduler (kexie.core.jobs, being
added by the jobs work): register `PERIODIC` there once it exists. Until then the same function
runs from `kexie societies remind` (cron, daily)."""

import datetime as dt

from kexie.societies.services import annual_report_reminders_send

# name → (how often, what to run): the annual-report reminders, daily.
PERIODIC = {"societies.annual_report_reminders": (dt.timedelta(days=1), annual_report_reminders_send)}


def register_periodic(register) -> None:
    """Hand each periodic task to a scheduler's `register(name, every=…, func=…)`."""
    for name, (every, func) in PERIODIC.items():
        register(name, every=every, func=func)
