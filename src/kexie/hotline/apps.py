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

        from django.db.models.signals import post_delete, post_save

        from kexie.core.models import HolidayOverride
        from kexie.hotline.calendar import on_calendar_changed

        for name, signal in (("save", post_save), ("delete", post_delete)):  # deadlines follow the calendar
            signal.connect(
                on_calendar_changed, sender=HolidayOverride, dispatch_uid=f"kexie.hotline.calendar.{name}"
            )
