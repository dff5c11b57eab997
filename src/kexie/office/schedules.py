"""The office's periodic work (kexie.core.jobs.schedule), run by the job workers; `kexie office remind`
runs the same function by hand."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kexie.core.jobs import schedule

schedule.register(
    "office.task_reminders",
    every=timedelta(days=1),
    func="kexie.office.services.task_reminders",
    title=_("提醒逾期和临近期限的任务"),
)
