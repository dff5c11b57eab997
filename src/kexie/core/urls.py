"""Home ("home", no namespace: LOGIN_REDIRECT_URL), the core pages under the "core" namespace, and
the public certificate check under "verify" (/verify/, no login)."""

from django.urls import include, path

from kexie.core import calendar_views, certificate_views, views

core_patterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("import/", views.import_page, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/errors/", views.import_errors, name="import_errors"),
    path("export/", views.export, name="export"),
    path("holidays/", calendar_views.holiday_list, name="holidays"),
    path("holidays/<int:pk>/delete/", calendar_views.holiday_delete, name="holiday_delete"),
    path("certificates/", certificate_views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/docx/", certificate_views.certificate_docx, name="certificate_docx"),
    path("certificates/<int:pk>/pdf/", certificate_views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", certificate_views.certificate_revoke, name="certificate_revoke"),
]

verify_patterns = [
    path("", certificate_views.verify_form, name="form"),
    path("<str:code>/", certificate_views.verify_certificate, name="certificate"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("core/", include((core_patterns, "core"))),
    path("verify/", include((verify_patterns, "verify"))),
]
