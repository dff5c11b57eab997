from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "kexie.volunteers"
    label = "volunteers"
    verbose_name = "志愿服务与培训"
    default_auto_field = "django.db.models.BigAutoField"
