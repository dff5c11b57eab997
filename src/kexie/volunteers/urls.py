from django.urls import path

from kexie.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="volunteer_list"),
    path("<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("<int:pk>/certificate/", views.volunteer_certificate, name="volunteer_certificate"),
    path("records/", views.record_list, name="record_list"),
    path("records/<int:pk>/<slug:action>/", views.record_action, name="record_action"),
    path("checkin/<int:session_pk>/records/", views.records_from_checkin, name="records_from_checkin"),
    path("hours/", views.hours, name="hours"),
    path("export/national/", views.national_export, name="national_export"),
    path("courses/", views.course_list, name="course_list"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
]
