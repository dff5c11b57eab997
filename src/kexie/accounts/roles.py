"""Roles and what they allow. A user's permissions are the union of their roles'."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("单位管理员")
    REVIEWER = "reviewer", _("审核员")
    EDITOR = "editor", _("填报员")
    VIEWER = "viewer", _("查看")
    PERSONAL_DATA = "personal_data", _("可查看个人信息")


EDIT = "core.edit_records"
REVIEW = "activities.review_activity"
PERSONAL_DATA = "directory.view_personal_data"
IMPORT = "core.import_records"
MANAGE_USERS = "accounts.manage_users"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({EDIT, REVIEW, PERSONAL_DATA, IMPORT, MANAGE_USERS}),
    Role.REVIEWER: frozenset({EDIT, REVIEW}),
    Role.EDITOR: frozenset({EDIT, IMPORT}),
    Role.VIEWER: frozenset(),
    Role.PERSONAL_DATA: frozenset({PERSONAL_DATA}),
}


def permissions_for(roles: list[str]) -> set[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS.get(role, frozenset())
    return perms
