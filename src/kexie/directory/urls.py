from django.urls import path

from kexie.directory import views

app_name = "directory"

urlpatterns = [
    path("organisations/", views.org_list, name="org_list"),
    path("organisations/options/", views.org_options, name="org_options"),
    path("organisations/export/", views.org_export, name="org_export"),
    path("organisations/new/", views.org_create, name="org_create"),
    path("organisations/<int:pk>/", views.org_detail, name="org_detail"),
    path("organisations/<int:pk>/edit/", views.org_edit, name="org_edit"),
    path("organisations/<int:pk>/delete/", views.org_delete, name="org_delete"),
    path("organisations/<int:pk>/years/", views.org_year_set, name="org_year_set"),
    path("organisations/<int:pk>/designations/", views.designation_create, name="designation_create"),
    path("designations/<int:pk>/delete/", views.designation_delete, name="designation_delete"),
    path("people/", views.person_list, name="person_list"),
    path("people/export/", views.person_export, name="person_export"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("regions/", views.region_list, name="region_list"),
]
