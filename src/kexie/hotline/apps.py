from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "kexie.hotline"
    label = "hotline"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "热线与咨询"
