"""Which organisations the statistics module's references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register

register("stats.StatsReport.unit", in_scope("directory.Organisation"))
