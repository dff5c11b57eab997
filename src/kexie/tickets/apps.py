from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "kexie.tickets"
    label = "tickets"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "工单"
