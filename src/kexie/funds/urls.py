from django.urls import path

from kexie.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("export/", views.projects_export, name="projects_export"),
    path("<int:pk>/apply/", views.project_apply, name="project_apply"),
    path("<int:pk>/approve/", views.programme_approve, name="programme_approve"),
    path("<int:pk>/notice/", views.programme_notice, name="programme_notice"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/approve/", views.project_approve, name="project_approve"),
    path("projects/<int:pk>/reject/", views.project_reject, name="project_reject"),
    path("projects/<int:pk>/agreement/", views.project_agree, name="project_agree"),
    path("projects/<int:pk>/reports/", views.report_submit, name="report_submit"),
    path("projects/<int:pk>/acceptance/", views.project_accept, name="project_accept"),
    path("projects/<int:pk>/close/", views.project_close, name="project_close"),
    path("projects/<int:pk>/conflicts/", views.conflict_declare, name="conflict_declare"),
    path("tranches/<int:pk>/pay/", views.tranche_pay, name="tranche_pay"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
]
