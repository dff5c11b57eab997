from django.contrib.auth.backends import ModelBackend

from kexie.accounts.models import User
from kexie.accounts.roles import permissions_for


class RoleBackend(ModelBackend):
    """Authenticates like ModelBackend; grants the permissions of the user's roles."""

    def get_user(self, user_id):
        # The session names the user before any scope is known.
        try:
            user = User.objects.unscoped(reason="the session names its user").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        perms = set(super().get_all_permissions(user_obj, obj))
        return perms | permissions_for(list(user_obj.roles or []))
