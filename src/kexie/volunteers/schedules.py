"""The volunteers' periodic work (kexie.core.jobs.schedule), run by the job workers."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kexie.core.jobs import schedule

schedule.register(
    "volunteers.entry_deadline",
    every=timedelta(days=1),
    func="kexie.volunteers.services.service_reminders_send",
    title=_("提醒审核即将超过录入期限的志愿服务记录"),
)
