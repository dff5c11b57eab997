"""Home ("home", no namespace: LOGIN_REDIRECT_URL) and the core pages under the "core" namespace."""

from django.urls import include, path

from kexie.core import views
from kexie.core.jobs import views as job_views

core_patterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("import/", views.import_page, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/errors/", views.import_errors, name="import_errors"),
    path("export/", views.export, name="export"),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<uuid:job_id>/", job_views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/progress/", job_views.job_progress, name="job_progress"),
    path("jobs/<uuid:job_id>/download/", job_views.job_download, name="job_download"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("core/", include((core_patterns, "core"))),
]
