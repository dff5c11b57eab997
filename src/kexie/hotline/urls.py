from django.urls import path

from kexie.hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.consultation_new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("kb/", views.kb, name="kb"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/act/", views.consultation_act, name="act"),
    path("ask/", views.ask, name="ask"),
    path("rate/<str:token>/", views.rate, name="rate"),
]
