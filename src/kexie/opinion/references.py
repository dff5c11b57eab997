"""Which records the opinion app's references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register

register("opinion.Article.activities", in_scope("activities.Activity"))
register("opinion.AlertRule.queue", in_scope("tickets.Queue"))
register("opinion.AlertRule.source", in_scope("opinion.Source"))
register("opinion.Item.source", in_scope("opinion.Source"))
