from django.conf import settings


def kexie(request):
    from kexie.core.notifications import unread_count

    user = getattr(request, "user", None)
    # A callable: the template counts only when it shows the header (not on every response).
    return {
        "KEXIE_DEBUG": settings.DEBUG,
        "KEXIE_SITE_NAME": "科协工作平台",
        "kexie_unread": lambda: unread_count(user),
    }
