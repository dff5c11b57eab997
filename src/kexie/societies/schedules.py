"""The societies' periodic work (kexie.core.jobs.schedule), run by the job workers; `kexie societies
remind` runs the same function by hand."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kexie.core.jobs import schedule

schedule.register(
    "societies.annual_report_reminders",
    every=timedelta(days=1),
    func="kexie.societies.services.annual_report_reminders_send",
    title=_("提醒报送和初审学会年度报告"),
)
