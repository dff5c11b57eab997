from django.urls import path

from kexie.honours import views

app_name = "honours"

urlpatterns = [
    path("", views.honour_list, name="honour_list"),
    path("new/", views.honour_create, name="honour_create"),
    path("<int:pk>/outcome/", views.honour_outcome, name="honour_outcome"),
]
