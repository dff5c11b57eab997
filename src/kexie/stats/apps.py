from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "kexie.stats"
    label = "stats"
    verbose_name = "统计报表"
    default_auto_field = "django.db.models.BigAutoField"
