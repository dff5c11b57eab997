from django.urls import path

from kexie.calls import judging_views, views

app_name = "calls"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("new/", views.call_create, name="call_create"),
    path("notice/", views.notice_list, name="notice_list"),
    path("judging/", judging_views.judging_list, name="judging"),
    path("judging/<int:pk>/", judging_views.judge_score, name="judge_score"),
    path("<int:pk>/rounds/new/", judging_views.round_create, name="round_create"),
    path("rounds/<int:pk>/", judging_views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", judging_views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/<slug:action>/", judging_views.round_action, name="round_action"),
    path("register/<int:pk>/", views.register, name="register"),
    path("notice/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/objections/", views.objection_list, name="objection_list"),
    path("objections/<int:pk>/decide/", views.objection_decide, name="objection_decide"),
    path("objections/<int:pk>/seal/", views.objection_seal, name="objection_seal"),
    path("<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("<int:pk>/quotas/", views.quota_set, name="quota_set"),
    path("<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("<int:pk>/import/", views.entry_import, name="entry_import"),
    path("<int:pk>/export/", views.results_export, name="results_export"),
    path("<int:pk>/higher-results/", views.higher_results_import, name="higher_results_import"),
    path("files/<int:pk>/", views.entry_file_download, name="entry_file"),
    path("entries/<int:pk>/files/", views.entry_file_upload, name="entry_file_upload"),
    path("<int:pk>/<slug:action>/", views.call_action, name="call_action"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/certificate/", views.entry_certificate, name="entry_certificate"),
    path("entries/<int:pk>/certificate/pdf/", views.entry_certificate_pdf, name="entry_certificate_pdf"),
    path("entries/<int:pk>/<slug:action>/", views.entry_action, name="entry_action"),
    path("aliases/", views.alias_list, name="alias_list"),
    path("status/<str:token>/", views.entry_status, name="entry_status"),
    path("status/<str:token>/certificate/", views.entry_status_certificate, name="entry_status_certificate"),
    path(
        "status/<str:token>/certificate/pdf/",
        views.entry_status_certificate_pdf,
        name="entry_status_certificate_pdf",
    ),
]
