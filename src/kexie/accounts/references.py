"""Which units a user account may belong to (kexie.core.references)."""

from kexie.core.references import in_scope, register

register("accounts.User.unit", in_scope("directory.Organisation", is_active=True))
register("accounts.ApiToken.user", in_scope("accounts.User"))
