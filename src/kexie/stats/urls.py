from django.urls import path

from kexie.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("prepare/", views.report_prepare, name="report_prepare"),
    path("fill/", views.report_fill, name="report_fill"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/save/", views.report_save, name="report_save"),
    path("<int:pk>/override/", views.cell_override, name="cell_override"),
    path("<int:pk>/export.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/export.json", views.report_json, name="report_json"),
    path("<int:pk>/import/", views.report_import, name="report_import"),
    path("<int:pk>/cells/<str:table>/<str:code>/", views.cell_records, name="cell_records"),
    path("<int:pk>/<str:action>/", views.report_action, name="report_action"),
]
