"""Home ("home", no namespace: LOGIN_REDIRECT_URL), the core pages under the "core" namespace, and
the public certificate check under "verify" (/verify/, no login)."""

from django.urls import include, path

from kexie.core import calendar_views, certificate_views, checkin_views, notification_views, views
from kexie.core.jobs import views as job_views

core_patterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("import/", views.import_page, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/errors/", views.import_errors, name="import_errors"),
    path("export/", views.export, name="export"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read/", notification_views.notification_read_all, name="notification_read_all"),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<uuid:job_id>/", job_views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/progress/", job_views.job_progress, name="job_progress"),
    path("jobs/<uuid:job_id>/download/", job_views.job_download, name="job_download"),
    path("certificates/", certificate_views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/docx/", certificate_views.certificate_docx, name="certificate_docx"),
    path("certificates/<int:pk>/pdf/", certificate_views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", certificate_views.certificate_revoke, name="certificate_revoke"),
    path("holidays/", calendar_views.holiday_list, name="holidays"),
    path("holidays/<int:pk>/delete/", calendar_views.holiday_delete, name="holiday_delete"),
]

verify_patterns = [
    path("", certificate_views.verify_form, name="form"),
    path("<str:code>/", certificate_views.verify_certificate, name="certificate"),
]

# Check-in (kexie.core.checkin): staff pages, the organiser's screen, and the phone pages
# (`s/<pk>/` and `me/<token>/` need no login: the on-site code and the signed link are the proof).
checkin_patterns = [
    path("", checkin_views.session_list, name="session_list"),
    path("<int:pk>/", checkin_views.session_detail, name="session_detail"),
    path("<int:pk>/screen/", checkin_views.screen, name="screen"),
    path("<int:pk>/screen/code/", checkin_views.screen_code, name="screen_code"),
    path("people/<int:person_pk>/link/", checkin_views.personal_link, name="personal_link"),
    path("scan/<str:token>/", checkin_views.scan, name="scan"),
    path("s/<int:pk>/", checkin_views.phone, name="phone"),
    path("me/<str:token>/", checkin_views.me, name="me"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("core/", include((core_patterns, "core"))),
    path("verify/", include((verify_patterns, "verify"))),
    path("checkin/", include((checkin_patterns, "checkin"))),
]
