from django.apps import AppConfig


class BasesConfig(AppConfig):
    name = "kexie.bases"
    label = "bases"
    verbose_name = "科普教育基地与场馆"
    default_auto_field = "django.db.models.BigAutoField"
