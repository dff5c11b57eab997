from django.urls import path

from kexie.bases import views

app_name = "bases"

urlpatterns = [
    path("", views.designation_list, name="designation_list"),
    path("<int:pk>/", views.designation_detail, name="designation_detail"),
    path("<int:pk>/assessment/", views.assessment_record, name="assessment_record"),
    path("<int:pk>/revoke/", views.designation_revoke, name="designation_revoke"),
    path("<int:pk>/renew/", views.designation_renew, name="designation_renew"),
    path("assessments/<int:pk>/decide/", views.assessment_decide, name="assessment_decide"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/apply/", views.round_apply, name="round_apply"),
    path("rounds/<int:pk>/land/", views.round_land, name="round_land"),
    path("rounds/<int:pk>/notice/", views.round_notice, name="round_notice"),
    path("assessments/notice/", views.assessment_notice, name="assessment_notice"),
    path("assessments/thresholds/", views.assessment_thresholds, name="assessment_thresholds"),
    path("system/", views.science_centre_system, name="system"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/", views.venue_detail, name="venue_detail"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/visitors/", views.venue_visitors, name="venue_visitors"),
]
