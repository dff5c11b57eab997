"""Audit actions of the core: the demo loader (its own app-less module) lives here."""

from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register("kexie.demo", _("演示数据"), {"loaded": _("载入")})
