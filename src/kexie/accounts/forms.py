from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.accounts.roles import Role
from kexie.core.forms import StyledForm
from kexie.core.scoping import scoped
from kexie.directory.models import Organisation


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

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(Organisation, actor).filter(is_active=True)
        self.fields["unit"].initial = actor.unit_id


class TokenForm(StyledForm):
    name = forms.CharField(label=_("令牌名称"), max_length=60, help_text=_("例如:统计系统对接"))
