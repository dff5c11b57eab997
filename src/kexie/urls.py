"""URL root. Each app with a `urls.py` is mounted under its label; the API under /api/v1/."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.http import FileResponse
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kexie.core.health import healthz


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; answer with kexie's own icon."""
    icon = settings.BASE_DIR / "static" / "kexie" / "favicon.ico"
    return FileResponse(icon.open("rb"), content_type="image/x-icon")


APP_URLS = [
    "accounts",
    "directory",
    "activities",
    "reports",
    "literacy",
    "innovation",
    "hotline",
    "calls",
    "honours",
    "volunteers",
    "societies",
    "opinion",
    "office",
    "bases",
    "funds",
    "stats",
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
]
if find_spec("kexie.api"):
    from kexie.core.api_base import not_found

    urlpatterns += [path("api/v1/", import_module("kexie.api").api.urls), re_path(r"^api/", not_found)]
for label in APP_URLS:
    if find_spec(f"kexie.{label}.urls"):
        urlpatterns.append(path(f"{label}/" if label != "core" else "", include(f"kexie.{label}.urls")))
if find_spec("kexie.core.urls"):
    urlpatterns.append(path("", include("kexie.core.urls")))
