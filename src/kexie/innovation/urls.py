from django.urls import path

from kexie.innovation import views

app_name = "innovation"

urlpatterns = [
    path("", views.demand_list, name="demand_list"),
    path("demands/new/", views.demand_create, name="demand_create"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
    path("demands/<int:pk>/<slug:action>/", views.demand_action, name="demand_action"),
    path("booklet/<int:year>/", views.booklet_download, name="booklet"),
    path("agreements/<int:pk>/attachment/", views.agreement_attachment, name="agreement_attachment"),
    path("societies/<int:pk>/attachment/", views.engagement_attachment, name="engagement_attachment"),
    path("visits/", views.visit_list, name="visit_list"),
    path("forums/", views.forum_list, name="forum_list"),
    path("forums/new/", views.forum_create, name="forum_create"),
    path("forums/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("societies/", views.society_list, name="society_list"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("patents/", views.patent_search, name="patent_search"),
    path("patents/register/", views.patent_register, name="patent_register"),
    path("patents/import/", views.patent_import, name="patent_import"),
    path("patents/select/", views.patent_select, name="patent_select"),
    path("patents/saved/", views.saved_search_create, name="saved_search_create"),
    path("patents/saved/<int:pk>/", views.saved_search_run, name="saved_search_run"),
    path("patents/<int:pk>/", views.patent_detail, name="patent_detail"),
    path("selections/", views.selection_list, name="selection_list"),
    path("selections/<int:pk>/", views.selection_detail, name="selection_detail"),
    path("selections/<int:pk>/export/", views.selection_export, name="selection_export"),
    path("selections/items/<int:pk>/remove/", views.selection_remove, name="selection_remove"),
]
