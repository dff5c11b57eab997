from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "kexie.calls"
    label = "calls"
    verbose_name = "征集评选"
    default_auto_field = "django.db.models.BigAutoField"
