from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kexie.accounts.roles import Role
from kexie.core.forms import StyledForm
from kexie.core.scoping import scoped
from kexie.directory.models import Organisation
from kexie.directory.widgets import use_org_picker


class LoginForm(StyledForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput)


class UserCreateForm(StyledForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=Organisation.objects.none())
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput)

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password_zh(password)
        return password

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(Organisation, actor).filter(is_active=True).order_by("path")
        self.fields["unit"].initial = actor.unit_id
        use_org_picker(self.fields["unit"], rule="accounts.User.unit", user=actor)


class TokenForm(StyledForm):
    name = forms.CharField(label=_("令牌名称"), max_length=60, help_text=_("例如:统计系统对接"))


# Django's zh-hans catalogue lacks some of 5.2's validator messages; say them in Chinese here.
PASSWORD_MESSAGES = {
    "password_too_short": _("密码太短,至少需要 %(min_length)d 个字符。"),
    "password_too_common": _("这个密码太常见了。"),
    "password_entirely_numeric": _("密码不能全是数字。"),
    "password_too_similar": _("密码与用户信息过于相似。"),
}


def chinese_password_errors(exc: ValidationError) -> ValidationError:
    messages = []
    for error in exc.error_list:
        template = PASSWORD_MESSAGES.get(error.code)
        messages.append(
            ValidationError(template % (error.params or {}), code=error.code) if template else error
        )
    return ValidationError(messages)


def validate_password_zh(password: str, user=None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise chinese_password_errors(exc) from exc


class ChinesePasswordChangeForm(PasswordChangeForm):
    def clean_new_password2(self):
        password1 = self.cleaned_data.get("new_password1")
        password2 = self.cleaned_data.get("new_password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError(_("两次输入的密码不一致。"), code="password_mismatch")
        validate_password_zh(password2, self.user)
        return password2
