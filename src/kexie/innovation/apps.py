from django.apps import AppConfig


class InnovationConfig(AppConfig):
    name = "kexie.innovation"
    label = "innovation"
    default_auto_field = "django.db.models.BigAutoField"
