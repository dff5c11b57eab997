from django.apps import AppConfig


class LiteracyConfig(AppConfig):
    name = "kexie.literacy"
    label = "literacy"
    default_auto_field = "django.db.models.BigAutoField"
