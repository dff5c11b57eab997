"""URL root. Each app with a `urls.py` is mounted under its label; the API under /api/v1/."""

from importlib import import_module
from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path, re_path

APP_URLS = ["accounts", "directory", "activities", "reports", "literacy", "innovation"]

urlpatterns = [
    path("admin/", admin.site.urls),
]
if find_spec("kexie.api"):
    from kexie.core.api_base import not_found

    urlpatterns += [path("api/v1/", import_module("kexie.api").api.urls), re_path(r"^api/", not_found)]
for label in APP_URLS:
    if find_spec(f"kexie.{label}.urls"):
        urlpatterns.append(path(f"{label}/" if label != "core" else "", include(f"kexie.{label}.urls")))
if find_spec("kexie.core.urls"):
    urlpatterns.append(path("", include("kexie.core.urls")))
