import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kexie.accounts.roles import Role
from kexie.core.scoping import ScopedManager, ScopedModel, ScopedQuerySet


class UserManager(ScopedManager, DjangoUserManager):
    """Django's user manager on the scoped queryset. Logging in looks a user up by name
    across every unit, before anyone's scope is known."""

    _queryset_class = ScopedQuerySet

    def deconstruct(self):
        # Migrations (historical models) keep Django's manager: they read every row anyway.
        return DjangoUserManager().deconstruct()

    def __eq__(self, other):
        return isinstance(other, DjangoUserManager) and self._constructor_args == other._constructor_args

    __hash__ = DjangoUserManager.__hash__

    def get_by_natural_key(self, username):
        return self.unscoped(reason="login looks users up by name").get(
            **{self.model.USERNAME_FIELD: username}
        )


class User(ScopedModel, AbstractUser):
    """A person who logs in. Belongs to one unit; sees that unit and the units below."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    roles = models.JSONField(_("角色"), default=list, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    audit_exclude = ("password",)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles if r in Role.values]

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class ApiToken(ScopedModel):
    """A bearer token for the REST API. Only its hash is stored."""

    scope_field = "user__unit"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return "kx_" + secrets.token_urlsafe(32)
