from django.contrib.auth.backends import ModelBackend

from kexie.accounts.roles import permissions_for


class RoleBackend(ModelBackend):
    """Authenticates like ModelBackend; grants the permissions of the user's roles."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        perms = set(super().get_all_permissions(user_obj, obj))
        return perms | permissions_for(list(user_obj.roles or []))
