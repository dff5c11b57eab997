import time

from django.conf import settings
from django.contrib.auth import logout


class IdleTimeoutMiddleware:
    """Logs a session out after KEXIE_SESSION_IDLE_MINUTES without a request."""

    KEY = "kexie_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(self.KEY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
            else:
                request.session[self.KEY] = now
        return self.get_response(request)
