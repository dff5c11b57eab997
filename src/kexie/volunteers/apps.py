from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "kexie.volunteers"
    label = "volunteers"
    verbose_name = "志愿服务与培训"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from kexie.core.models import HolidayOverride
        from kexie.volunteers.calendar import on_calendar_changed

        # the late flag follows the calendar (the hotline's hook: kexie.hotline.apps)
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                on_calendar_changed, sender=HolidayOverride, dispatch_uid=f"kexie.volunteers.calendar.{name}"
            )
        from kexie.directory.models import Person
        from kexie.volunteers.summary import on_person_saved

        # the per-person hours totals carry the name the pages sort by
        post_save.connect(on_person_saved, sender=Person, dispatch_uid="kexie.volunteers.totals.person_name")
        from kexie.directory.signals import unit_moved
        from kexie.volunteers.jobs import on_unit_moved

        # the summary and the totals are kept per unit on the organising unit's path
        unit_moved.connect(on_unit_moved, dispatch_uid="kexie.volunteers.summary.unit_moved")
