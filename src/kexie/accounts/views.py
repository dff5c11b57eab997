"""Login with lockout, logout, password change, user management, API tokens."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.forms import ChinesePasswordChangeForm, LoginForm, TokenForm, UserCreateForm
from kexie.accounts.models import User
from kexie.accounts.roles import MANAGE_USERS
from kexie.accounts.services import (
    LoginLocked,
    api_token_create,
    login_attempt,
    login_failures_left,
    user_create,
    user_password_change,
)
from kexie.core.scoping import scoped
from kexie.core.views import apply_validation_error, offset_page, require, search_q


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _failure_message(username: str) -> str:
    """The same words whether or not the username exists."""
    return _("用户名或密码错误,还可尝试 %(n)d 次") % {"n": login_failures_left(username)}


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            user = login_attempt(request=request, username=username, password=form.cleaned_data["password"])
        except LoginLocked as exc:
            form.add_error(
                None, _("账户已锁定至 %(t)s") % {"t": timezone.localtime(exc.until).strftime("%H:%M")}
            )
        else:
            if user is not None:
                login(request, user)
                return redirect(_safe_next(request))
            form.add_error(None, _failure_message(username))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = ChinesePasswordChangeForm(request.user, request.POST or None)
    for f in form.fields.values():
        f.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        try:
            user = user_password_change(
                actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改"))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def user_list(request):
    require(request.user, MANAGE_USERS)
    qs = scoped(User, request.user).select_related("unit").order_by("unit__path", "username")
    if request.GET.get("q"):
        qs = qs.filter(search_q(request.GET["q"].strip(), "username", "display_name"))
    return render(request, "accounts/user_list.html", {"page": offset_page(qs, request)})


@login_required
@require_http_methods(["GET", "POST"])
def user_create_view(request):
    require(request.user, MANAGE_USERS)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user_create(
                actor=request.user, username=data["username"], password=data["password"], unit=data["unit"],
                roles=list(data["roles"]), display_name=data["display_name"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已创建用户“%(u)s”") % {"u": data["username"]})
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    rows = request.user.api_tokens.order_by("-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_key": new_key})
