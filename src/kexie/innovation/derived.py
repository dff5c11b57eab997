"""Indexes the innovation app builds from its records (kexie.core.derived): rebuilt after a
restore."""

from django.utils.translation import gettext_lazy as _

from kexie.core.derived import register


def _patent_index() -> None:
    """Each process builds the patent index from the database on its first search; a restore
    drops the one this process holds."""
    from kexie.innovation.patents import reset_index

    reset_index()


register(_("专利检索索引"), _patent_index)
