from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "kexie.honours"
    label = "honours"
    verbose_name = "荣誉"
    default_auto_field = "django.db.models.BigAutoField"
