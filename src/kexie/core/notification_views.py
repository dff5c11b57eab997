"""The user's own notifications: list, mark read, quiet hours. See kexie.core.notifications."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kexie.core import notifications
from kexie.core.forms import StyledForm
from kexie.core.models import Notification, NotificationSetting
from kexie.core.views import apply_validation_error, offset_page


class QuietHoursForm(StyledForm):
    quiet_start = forms.TimeField(
        label=gettext_lazy("免打扰开始"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=gettext_lazy("免打扰结束"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    setting = NotificationSetting.objects.filter(user=request.user).first()
    initial = {"quiet_start": setting.quiet_start, "quiet_end": setting.quiet_end} if setting else {}
    form = QuietHoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notifications.notification_setting_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("免打扰时段已保存"))
            return redirect("core:notifications")
    qs = Notification.objects.filter(user=request.user)
    return render(request, "core/notifications.html", {"page": offset_page(qs, request), "form": form})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one read and open its link (a link within kexie only)."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications.notification_mark_read(user=request.user, ids=[note.pk])
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts={request.get_host()}):
        return redirect(note.link)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request):
    notifications.notification_mark_read(user=request.user)
    return redirect("core:notifications")
