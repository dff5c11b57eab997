from django.urls import path

from kexie.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("tranches/<int:pk>/pay/", views.tranche_pay, name="tranche_pay"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
]
