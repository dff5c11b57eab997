from django.apps import AppConfig


class SocietiesConfig(AppConfig):
    name = "kexie.societies"
    label = "societies"
    verbose_name = "学会与县级科协管理"
    default_auto_field = "django.db.models.BigAutoField"
