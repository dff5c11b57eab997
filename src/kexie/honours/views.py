"""Pages of honours: the list (by kind and year), recording one, and a recommendation's outcome."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT
from kexie.core.views import apply_validation_error, offset_page, require
from kexie.honours import services
from kexie.honours.forms import HonourFilter, HonourForm, OutcomeForm
from kexie.honours.selectors import visible_honours


@login_required
def honour_list(request):
    form = HonourFilter(request.GET or None)
    qs = visible_honours(request.user).order_by("-year", "-id")
    if form.is_valid():
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["year"]:
            qs = qs.filter(year=form.cleaned_data["year"])
    context = {"filter": form, "page": offset_page(qs, request), "outcome_form": OutcomeForm()}
    return render(request, "honours/honour_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def honour_create(request):
    require(request.user, EDIT)
    form = HonourForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.honour_record(actor=request.user, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已登记荣誉"))
            return redirect("honours:honour_list")
    return render(request, "calls/form.html", {"form": form, "title": _("登记荣誉")})


@login_required
@require_POST
def honour_outcome(request, pk):
    honour = visible_honours(request.user).filter(pk=pk).first()
    if honour is None:
        raise Http404
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择推荐结果"))
    else:
        try:
            services.honour_outcome_set(actor=request.user, honour=honour, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, ";".join(exc.messages))
        else:
            messages.success(request, _("已登记推荐结果"))
    return redirect("honours:honour_list")
