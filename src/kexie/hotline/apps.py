from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "kexie.hotline"
    label = "hotline"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "热线与咨询"

    def ready(self):
        from kexie.hotline.outcomes import on_ticket_changed
        from kexie.tickets.signals import ticket_changed

        ticket_changed.connect(on_ticket_changed, dispatch_uid="kexie.hotline.outcomes")
