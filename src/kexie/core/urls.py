"""Home ("home", no namespace: LOGIN_REDIRECT_URL) and the core pages under the "core" namespace."""

from django.urls import include, path

from kexie.core import calendar_views, views

core_patterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("import/", views.import_page, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/errors/", views.import_errors, name="import_errors"),
    path("export/", views.export, name="export"),
    path("holidays/", calendar_views.holiday_list, name="holidays"),
    path("holidays/<int:pk>/delete/", calendar_views.holiday_delete, name="holiday_delete"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("core/", include((core_patterns, "core"))),
]
