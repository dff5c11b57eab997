"""The core's periodic work (kexie.core.jobs.schedule), run by the job workers."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kexie.core.jobs import schedule

schedule.register(
    "notifications.email",
    every=timedelta(minutes=1),
    func="kexie.core.notifications.send_due_emails",
    title=_("发送到期的通知邮件"),
)
