from django.urls import path

from kexie.bases import views

app_name = "bases"

urlpatterns = [
    path("", views.designation_list, name="designation_list"),
    path("<int:pk>/", views.designation_detail, name="designation_detail"),
    path("<int:pk>/assessment/", views.assessment_record, name="assessment_record"),
    path("<int:pk>/revoke/", views.designation_revoke, name="designation_revoke"),
    path("assessments/<int:pk>/decide/", views.assessment_decide, name="assessment_decide"),
    path("rounds/<int:pk>/land/", views.round_land, name="round_land"),
    path("assessments/notice/", views.assessment_notice, name="assessment_notice"),
    path("system/", views.science_centre_system, name="system"),
    path("venues/<int:pk>/visitors/", views.venue_visitors, name="venue_visitors"),
]
