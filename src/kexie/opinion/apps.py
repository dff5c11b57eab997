from django.apps import AppConfig


class OpinionConfig(AppConfig):
    name = "kexie.opinion"
    label = "opinion"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "宣传与舆情"

    def ready(self):
        from kexie.opinion import polling  # noqa: F401 (registers the job kind "opinion.poll")
