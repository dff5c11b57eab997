"""The tickets' periodic work (kexie.core.jobs.schedule), run by the job workers: the breach
sweep flags the running service-level clocks already past due (clocks that stop are flagged by
the services themselves), so the desk and the figures show a breach within minutes of it."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kexie.core.jobs import schedule

schedule.register(
    "tickets.breach_sweep",
    every=timedelta(minutes=5),
    func="kexie.tickets.services.ticket_flag_breaches",
    title=_("标记已超过服务时限的工单"),
)
