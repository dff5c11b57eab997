from django.urls import path

from kexie.literacy import views

app_name = "literacy"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/questionnaire/", views.questionnaire, name="questionnaire"),
    path("surveys/<int:pk>/questionnaire/sample/", views.questionnaire_load, name="questionnaire_load"),
    path("surveys/<int:pk>/frame/import/", views.frame_import, name="frame_import"),
    path("surveys/<int:pk>/frame/select/", views.frame_select, name="frame_select"),
    path("surveys/<int:pk>/interviewers/", views.interviewer_create, name="interviewer_create"),
    path(
        "surveys/<int:pk>/interviewers/<int:interviewer_pk>/qr.<str:fmt>",
        views.interviewer_qr,
        name="interviewer_qr",
    ),
    path("surveys/<int:pk>/responses/", views.responses, name="responses"),
    path("surveys/<int:pk>/responses/import/", views.responses_import, name="responses_import"),
    path("surveys/<int:pk>/margins/", views.margins, name="margins"),
    path("surveys/<int:pk>/results/", views.results, name="results"),
    path("surveys/<int:pk>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("f/<str:token>/", views.form_start, name="form_start"),
    path("f/<str:token>/<int:step>/", views.form_step, name="form_step"),
    path("f/<str:token>/done/", views.form_done, name="form_done"),
]
