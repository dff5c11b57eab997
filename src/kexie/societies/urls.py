from django.urls import path

from kexie.societies import views

app_name = "societies"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("reports/export/", views.report_export, name="report_export"),
    path("reports/prepare/", views.report_prepare, name="report_prepare"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/word/", views.report_word, name="report_word"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="report_action"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/follow-up/", views.rectification_follow_up, name="rectification_follow_up"),
    path("rectifications/<int:pk>/decide/", views.rectification_decide, name="rectification_decide"),
    path("terms/", views.term_list, name="term_list"),
    path("terms/new/", views.term_new, name="term_new"),
    path("terms/<int:pk>/congress/", views.term_congress, name="term_congress"),
    path("rectifications/new/", views.rectification_new, name="rectification_new"),
    path("evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("evaluations/schemes/new/", views.scheme_new, name="scheme_new"),
    path("officers/<int:org_id>/", views.officers, name="officers"),
    path("officers/<int:org_id>/add/", views.officer_add, name="officer_add"),
    path("officers/<int:org_id>/<int:pk>/end/", views.officer_end, name="officer_end"),
    path("foundings/", views.founding_list, name="founding_list"),
    path("foundings/new/", views.founding_create, name="founding_create"),
    path("foundings/<int:pk>/complete/", views.founding_complete, name="founding_complete"),
    path("grassroots/", views.grassroots_coverage, name="grassroots"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/score/", views.evaluation_score, name="evaluation_score"),
    path("evaluations/<int:pk>/finish/", views.evaluation_finish, name="evaluation_finish"),
    path("evaluations/<int:pk>/word/", views.evaluation_word, name="evaluation_word"),
]
