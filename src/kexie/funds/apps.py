from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "kexie.funds"
    label = "funds"
    verbose_name = "科普项目与资金"
    default_auto_field = "django.db.models.BigAutoField"
