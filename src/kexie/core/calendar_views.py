"""The holiday table page: the year's national holidays and 调休 days, the city's overrides,
and a form for the city's editors to change them."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from kexie.core import holidays, workdays
from kexie.core.forms import StyledForm
from kexie.core.models import HolidayOverride
from kexie.core.views import apply_validation_error

DAY_KINDS = [("holiday", _lazy("休息日(节假日)")), ("working", _lazy("工作日(调休上班)"))]


class OverrideForm(StyledForm):
    date = forms.DateField(label=_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_lazy("类型"), choices=DAY_KINDS)
    name = forms.CharField(label=_lazy("名称"), max_length=60, required=False)


def _year(request) -> int:
    text = request.GET.get("year", "")
    today = timezone.localdate()
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else today.year


def national_days(year: int) -> list[tuple[dt.date, bool, str]]:
    """The days of `year` where chinesecalendar departs from "Monday to Friday"."""
    if not workdays.is_known_year(year):
        return []
    days = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        working = workdays.national_working_day(day)
        if working != (day.weekday() not in workdays.WEEKEND):
            days.append((day, working, workdays.holiday_name(day)))
        day += dt.timedelta(days=1)
    return days


@login_required
@require_http_methods(["GET", "POST"])
def holiday_list(request):
    year = _year(request)
    form = OverrideForm(request.POST or None)
    if request.method == "POST":
        if not holidays.can_edit_calendar(request.user):
            raise PermissionDenied(_("只有市科协的填报人员可以修改节假日表"))
        if form.is_valid():
            try:
                override = holidays.holiday_override_save(
                    actor=request.user,
                    day=form.cleaned_data["date"],
                    is_working_day=form.cleaned_data["kind"] == "working",
                    name=form.cleaned_data["name"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存:%(day)s") % {"day": override})
                return redirect(f"{request.path}?year={override.date.year}")
    overrides = HolidayOverride.objects.filter(date__year=year)
    context = {
        "year": year,
        "form": form,
        "overrides": overrides,
        "national": national_days(year),
        "fallback": not workdays.is_known_year(year),
        "can_edit": holidays.can_edit_calendar(request.user),
    }
    return render(request, "core/holidays.html", context)


@login_required
@require_POST
def holiday_delete(request, pk: int):
    if not holidays.can_edit_calendar(request.user):
        raise PermissionDenied(_("只有市科协的填报人员可以修改节假日表"))
    override = get_object_or_404(HolidayOverride, pk=pk)
    holidays.holiday_override_delete(actor=request.user, override=override)
    messages.success(request, _("已删除:%(day)s") % {"day": override})
    return redirect(f"{reverse('core:holidays')}?year={override.date.year}")
