from django.urls import path

from kexie.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="volunteer_list"),
    path("new/", views.volunteer_create, name="volunteer_create"),
    path("<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("<int:pk>/evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/withdraw/", views.evaluation_withdraw, name="evaluation_withdraw"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("review/", views.review, name="review"),
    path("me/<str:token>/", views.self_report, name="self_report"),
    path("<int:pk>/certificate/", views.volunteer_certificate, name="volunteer_certificate"),
    path("records/", views.record_list, name="record_list"),
    path("records/<int:pk>/<slug:action>/", views.record_action, name="record_action"),
    path("checkin/<int:session_pk>/records/", views.records_from_checkin, name="records_from_checkin"),
    path("hours/", views.hours, name="hours"),
    path("export/national/", views.national_export, name="national_export"),
    path("courses/", views.course_list, name="course_list"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/sessions/new/", views.course_session_create, name="course_session_create"),
    path("courses/<int:pk>/enrol/", views.enrolment_create, name="course_enrol"),
    path("courses/sessions/<int:pk>/attendance/", views.course_attendance, name="course_attendance"),
    path("courses/enrolments/<int:pk>/complete/", views.enrolment_complete, name="course_complete"),
    path("courses/enrolments/<int:pk>/leader/", views.enrolment_leader, name="course_leader"),
]
