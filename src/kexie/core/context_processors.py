from django.conf import settings


def kexie(request):
    return {"KEXIE_DEBUG": settings.DEBUG, "KEXIE_SITE_NAME": "科协工作平台"}
