from django.urls import path

from kexie.opinion import views

app_name = "opinion"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/correct/", views.item_correct, name="correct"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rules, name="rule"),
    path("submit/", views.submit, name="submit"),
    path("sources/", views.sources, name="sources"),
    path("sources/<int:pk>/", views.source_edit, name="source"),
    path("sources/<int:pk>/poll/", views.source_poll, name="poll"),
    path("schemes/", views.schemes, name="schemes"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert"),
    path("alerts/<int:pk>/act/", views.alert_act, name="alert_act"),
    path("articles/", views.articles, name="articles"),
    path("articles/<int:pk>/", views.article_edit, name="article"),
    path("brief/", views.brief, name="brief"),
]
