from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kexie.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kexie.core import pagecache  # noqa: F401 - connects the write counter to model signals
