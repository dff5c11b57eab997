from django.utils.translation import gettext_lazy as _

from kexie.core.actions import register

register(
    "kexie.user",
    _("用户"),
    {
        "created": _("新建"),
        "logged_in": _("登录"),
        "login_failed": _("登录失败"),
        "locked": _("锁定"),
        "password_changed": _("修改密码"),
    },
)
register("kexie.api_token", _("API 令牌"), {"created": _("新建"), "revoked": _("吊销")})
