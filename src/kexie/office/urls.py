from django.urls import path

from kexie.office import views

app_name = "office"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("tasks/export/", views.task_export, name="task_export"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/act/", views.task_act, name="task_act"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("task-forces/", views.task_force_list, name="task_force_list"),
    path("task-forces/new/", views.task_force_new, name="task_force_new"),
    path("task-forces/<int:pk>/edit/", views.task_force_edit, name="task_force_edit"),
    path("task-forces/<int:pk>/close/", views.task_force_close, name="task_force_close"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_new, name="department_new"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/new/", views.cadre_new, name="cadre_new"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/end/", views.cadre_end, name="cadre_end"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("decisions/<int:pk>/task/", views.decision_task, name="decision_task"),
    path("records/", views.record_list, name="record_list"),
    path("records/open/", views.record_open, name="record_open"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/act/", views.record_act, name="record_act"),
    path("records/<int:pk>/docx/", views.record_docx, name="record_docx"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/<int:pk>/", views.rule_detail, name="rule_detail"),
    path("rules/<int:pk>/act/", views.rule_act, name="rule_act"),
    path("rules/rulebook.docx", views.rulebook_docx, name="rulebook_docx"),
]
