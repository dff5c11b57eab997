import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import UpdateError

from kexie.core.bookkeeping import INTERVAL_SECONDS, bookkeeping_write


class IdleTimeoutMiddleware:
    """Logs a session out after KEXIE_SESSION_IDLE_MINUTES without a request.

    The last-seen time is written at most once a minute (so a session may end up to a minute
    early), and a read whose session cannot be written for it still answers."""

    KEY = "kexie_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return self.get_response(request)
        now = time.time()
        last = request.session.get(self.KEY)
        if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
            logout(request)
            return self.get_response(request)
        response = self.get_response(request)
        if request.user.is_authenticated and (last is None or now - last >= INTERVAL_SECONDS):
            self.note_seen(request, now)
        return response

    def note_seen(self, request, now: float) -> None:
        session = request.session
        if session.modified or not session.session_key:
            session[self.KEY] = now  # the session is saved anyway (login, messages, …)
            return
        session[self.KEY] = now
        with bookkeeping_write("session last seen"):
            try:
                session.save()
            except UpdateError:
                pass  # Django's word for a failed update: the database was busy, or the session ended
        session.modified = False  # saved here, or skipped: SessionMiddleware need not try again
