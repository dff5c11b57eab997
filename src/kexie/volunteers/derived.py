"""The hours summary is built from the service records: rebuilt after a restore (kexie.core.derived)."""

from django.utils.translation import gettext_lazy as _

from kexie.core.derived import register
from kexie.volunteers import summary

register(_("志愿服务时长汇总"), summary.rebuild)
