"""Roles and what they allow. A user's permissions are the union of their roles'."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("单位管理员")
    REVIEWER = "reviewer", _("审核员")
    EDITOR = "editor", _("填报员")
    VIEWER = "viewer", _("查看")
    PERSONAL_DATA = "personal_data", _("可查看个人信息")
    DEPARTMENT_HEAD = "department_head", _("处室负责人")
    DIVISION_LEADER = "division_leader", _("分管领导")
    PERSONNEL = "personnel", _("人事干部")


EDIT = "core.edit_records"
REVIEW = "activities.review_activity"
PERSONAL_DATA = "directory.view_personal_data"
IMPORT = "core.import_records"
MANAGE_USERS = "accounts.manage_users"
# kexie.office: lead departments (their tasks and cadres' records); read every cadre's record.
OFFICE_LEAD = "office.lead_department"
OFFICE_RECORDS = "office.view_cadre_records"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({EDIT, REVIEW, PERSONAL_DATA, IMPORT, MANAGE_USERS, OFFICE_LEAD, OFFICE_RECORDS}),
    Role.REVIEWER: frozenset({EDIT, REVIEW}),
    Role.EDITOR: frozenset({EDIT, IMPORT}),
    Role.VIEWER: frozenset(),
    Role.PERSONAL_DATA: frozenset({PERSONAL_DATA}),
    Role.DEPARTMENT_HEAD: frozenset({EDIT, IMPORT, OFFICE_LEAD}),
    Role.DIVISION_LEADER: frozenset({EDIT, OFFICE_LEAD}),
    Role.PERSONNEL: frozenset({OFFICE_RECORDS}),
}


def permissions_for(roles: list[str]) -> set[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    return perms
