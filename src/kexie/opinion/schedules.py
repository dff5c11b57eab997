"""Opinion monitoring's periodic work (kexie.core.jobs.schedule): the feeds and pages are polled by
the job workers; `kexie opinion poll` polls them by hand."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kexie.core.jobs import schedule

schedule.register(
    "opinion.poll",
    every=timedelta(minutes=30),
    func="kexie.opinion.polling.poll_sources_scheduled",
    title=_("抓取舆情信息源"),
)
