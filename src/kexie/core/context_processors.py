from django.conf import settings


def kexie(request):
    from kexie.core.notifications import unread_count
    from kexie.core.pagecache import UNREAD_ATTR

    user = getattr(request, "user", None)
    # Already counted with the data version (kexie.core.pagecache.request_state) on the pages that
    # read it; else a callable: the template counts only when it shows the header.
    counted = getattr(request, UNREAD_ATTR, None)
    return {
        "KEXIE_DEBUG": settings.DEBUG,
        "KEXIE_SITE_NAME": "科协工作平台",
        "kexie_unread": (lambda: counted) if counted is not None else (lambda: unread_count(user)),
    }
