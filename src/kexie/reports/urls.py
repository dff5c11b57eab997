from django.urls import path

from kexie.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("records/<str:code>/", views.records, name="records"),
    path("review/", views.review, name="review"),
    path("review.docx", views.review_docx, name="review_docx"),
]
