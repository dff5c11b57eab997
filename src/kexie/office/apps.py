from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "kexie.office"
    label = "office"
    verbose_name = "机关工作"
    default_auto_field = "django.db.models.BigAutoField"
