"""Indexes the office builds from its records (kexie.core.derived): rebuilt after a restore."""

from django.utils.translation import gettext_lazy as _

from kexie.core.derived import register


def _rulebook_index() -> None:
    from kexie.office.search import reset_index

    reset_index()


register(_("制度汇编检索索引"), _rulebook_index)
