"""Directory pages: organisations, people, regions."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT
from kexie.core import references
from kexie.core.audit import history
from kexie.core.fields import personal_search_index
from kexie.core.panels import panels_for
from kexie.core.views import EXPORT_FORMATS, apply_validation_error, capped_count, offset_page, require
from kexie.directory import selectors, services
from kexie.directory.codes import OrgKind
from kexie.directory.forms import (
    DesignationForm,
    OrganisationFilter,
    OrganisationForm,
    OrganisationYearForm,
    PersonFilter,
    PersonForm,
)
from kexie.directory.io import export_list
from kexie.directory.models import Region

# ---- organisations -------------------------------------------------------------------------


def filter_problems(form) -> list[str]:
    return [
        f"{form.fields[name].label}:{errors[0]}"
        for name, errors in form.errors.items()
        if name in form.fields
    ]


def filters_of(form, request=None) -> dict:
    """A list page's filters as its selector takes them: the ones the form could read. A page
    says which it left out (a warning); an export refuses instead (list_export)."""
    if not form.is_bound:
        return {}
    if not form.is_valid() and request is not None:
        messages.warning(request, _("筛选条件有误,已忽略:%(p)s") % {"p": "；".join(filter_problems(form))})
    return form.cleaned_data


def export_query(request) -> str:
    """The page's filters for its export links (without paging)."""
    params = request.GET.copy()
    for name in ("cursor", "page", "format"):
        params.pop(name, None)
    return params.urlencode()


def list_export(request, *, kind: str, form):
    """A list page's export: the page's filter form, checked the same way, then the list's own
    selector (kexie.directory.io.export_list). Wrong filters answer 400 saying which and why."""
    fmt = request.GET.get("format") or "xlsx"
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(
            _("筛选条件有误:%(p)s") % {"p": "；".join(filter_problems(form))},
            content_type="text/plain; charset=utf-8",
        )
    data = export_list(actor=request.user, kind=kind, filters=filters_of(form), fmt=fmt)
    response = HttpResponse(data, content_type=EXPORT_FORMATS[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{kind}.{fmt}')}"
    return response


@login_required
def org_list(request):
    form = OrganisationFilter(request.GET or None, actor=request.user)
    qs = selectors.organisations(request.user, filters_of(form, request))
    context = {
        "filter": form, "page": offset_page(qs, request), "total_display": capped_count(qs),
        "export_query": export_query(request),
    }  # fmt: skip
    return render(request, "directory/org_list.html", context)


@login_required
def org_export(request):
    form = OrganisationFilter(request.GET or None, actor=request.user)
    return list_export(request, kind="organisations", form=form)


@login_required
def org_options(request):
    """`<option>`s for an organisation picker's search box (see directory.widgets): the chosen
    ones first, then up to 50 whose name, short name or USCC contains the text typed."""
    name = request.GET.get("name", "")
    chosen = [int(v) for v in request.GET.getlist(name) if v.isdigit()]
    try:
        qs = references.choices(request.GET.get("rule", ""), request.user)
    except LookupError as exc:
        raise Http404 from exc
    text = request.GET.get("org_q", "").strip()
    found = selectors.organisation_text(qs, text) if text else qs.filter(kind=OrgKind.ASSOCIATION)
    rows = list(qs.filter(pk__in=chosen)) + list(found.exclude(pk__in=chosen).order_by("path")[:50])
    context = {"rows": rows, "chosen": set(chosen), "empty": request.GET.get("empty")}
    return render(request, "directory/_org_options.html", context)


@login_required
def org_detail(request, pk):
    org = selectors.organisation_for(request.user, pk)
    context = {
        "org": org,
        "years": org.years.all(),
        "designations": org.designations.all(),
        "affiliations": org.affiliations.select_related("person")[:200],
        "children": org.children.all()[:200],
        "history": history(org)[:100],
        "panels": panels_for("organisation", request.user, org),
        "warning": services.uscc_warning(org),
        "year_form": OrganisationYearForm(),
        "designation_form": DesignationForm(),
    }
    return render(request, "directory/org_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request):
    require(request.user, EDIT)
    form = OrganisationForm(
        request.POST or None, actor=request.user, initial={"parent": request.user.unit_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            _warn_uscc(request, org)
            messages.success(request, _("已创建组织“%(n)s”") % {"n": org})
            return redirect("directory:org_detail", pk=org.pk)
    return render(request, "directory/form.html", {"form": form, "title": _("新建组织")})


def _warn_uscc(request, org):
    warning = services.uscc_warning(org)
    if warning:
        messages.warning(request, warning)


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request, pk):
    org = selectors.organisation_for(request.user, pk)
    require(request.user, EDIT)
    form = OrganisationForm(request.POST or None, actor=request.user, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, org=org, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            _warn_uscc(request, org)
            messages.success(request, _("已保存"))
            return redirect("directory:org_detail", pk=org.pk)
    return render(request, "directory/form.html", {"form": form, "title": _("编辑组织"), "obj": org})


@login_required
@require_http_methods(["GET", "POST"])
def org_delete(request, pk):
    org = selectors.organisation_for(request.user, pk)
    require(request.user, EDIT)
    if request.method == "POST":
        try:
            services.organisation_delete(actor=request.user, org=org)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("directory:org_detail", pk=pk)
        messages.success(request, _("已删除“%(n)s”") % {"n": org})
        return redirect("directory:org_list")
    return render(request, "directory/confirm_delete.html", {"obj": org, "cancel": org_url(org)})


def org_url(org) -> str:
    from django.urls import reverse

    return reverse("directory:org_detail", args=[org.pk])


@login_required
@require_POST
def org_year_set(request, pk):
    org = selectors.organisation_for(request.user, pk)
    require(request.user, EDIT)
    form = OrganisationYearForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.organisation_year_set(actor=request.user, org=org, year=data.pop("year"), data=data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已保存年度情况"))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}:{v[0]}" for k, v in form.errors.items()))
    return redirect("directory:org_detail", pk=pk)


@login_required
@require_POST
def designation_create(request, pk):
    org = selectors.organisation_for(request.user, pk)
    require(request.user, EDIT)
    form = DesignationForm(request.POST)
    if form.is_valid():
        try:
            services.designation_create(actor=request.user, data={**form.model_data(), "organisation": org})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已添加命名认定"))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}:{v[0]}" for k, v in form.errors.items()))
    return redirect("directory:org_detail", pk=pk)


@login_required
@require_POST
def designation_delete(request, pk):
    designation = selectors.designation_for(request.user, pk)
    require(request.user, EDIT)
    services.designation_delete(actor=request.user, designation=designation)
    messages.success(request, _("已删除命名认定"))
    return redirect("directory:org_detail", pk=designation.organisation_id)


# ---- people --------------------------------------------------------------------------------


def redirect_to_search(submitted, url: str):
    """A posted filter comes back as a GET whose URL holds no phone or ID number: such a search
    travels as its blind index (access logs and browser history keep URLs)."""
    params = {k: v for k, v in submitted.items() if k != "csrfmiddlewaretoken" and v}
    text = params.pop("q", "").strip()
    index = personal_search_index(text)
    if index:
        params["pd"] = index
    elif text:
        params["q"] = text
        params.pop("pd", None)
    return HttpResponseRedirect(f"{url}?{urlencode(params)}" if params else url, status=303)


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    if request.method == "POST" or personal_search_index(request.GET.get("q", "")):
        # an old link with a number in it is rewritten too, so it stops spreading
        return redirect_to_search(request.POST if request.method == "POST" else request.GET, request.path)
    form = PersonFilter(request.GET or None, actor=request.user)
    qs = selectors.people(request.user, filters_of(form, request))
    context = {
        "filter": form, "page": offset_page(qs, request), "total_display": capped_count(qs),
        "export_query": export_query(request),
    }  # fmt: skip
    return render(request, "directory/person_list.html", context)


@login_required
def person_export(request):
    if personal_search_index(request.GET.get("q", "")):
        return redirect_to_search(request.GET, request.path)  # a number travels as its blind index
    form = PersonFilter(request.GET or None, actor=request.user)
    return list_export(request, kind="people", form=form)


@login_required
def person_detail(request, pk):
    person = selectors.person_for(request.user, pk)
    context = {
        "person": person,
        "affiliations": person.affiliations.select_related("organisation").order_by(
            F("starts_on").desc(nulls_first=True), "id"
        ),
        "history": history(person)[:100],
        "panels": panels_for("person", request.user, person),
    }
    return render(request, "directory/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    require(request.user, EDIT)
    form = PersonForm(request.POST or None, actor=request.user, initial={"unit": request.user.unit_id})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已添加人员“%(n)s”") % {"n": person})
            return redirect("directory:person_detail", pk=person.pk)
    return render(request, "directory/form.html", {"form": form, "title": _("新增人员")})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = selectors.person_for(request.user, pk)
    require(request.user, EDIT)
    form = PersonForm(request.POST or None, actor=request.user, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("directory:person_detail", pk=person.pk)
    return render(request, "directory/form.html", {"form": form, "title": _("编辑人员"), "obj": person})


@login_required
@require_http_methods(["GET", "POST"])
def person_delete(request, pk):
    person = selectors.person_for(request.user, pk)
    require(request.user, EDIT)
    if request.method == "POST":
        services.person_delete(actor=request.user, person=person)
        messages.success(request, _("已删除“%(n)s”") % {"n": person})
        return redirect("directory:person_list")
    from django.urls import reverse

    return render(
        request,
        "directory/confirm_delete.html",
        {"obj": person, "cancel": reverse("directory:person_detail", args=[pk])},
    )


# ---- regions -------------------------------------------------------------------------------


@login_required
def region_list(request):
    """Regions are reference data visible to everyone: shown as an indented tree."""
    regions = list(Region.objects.order_by("code"))
    children: dict = {}
    for r in regions:
        children.setdefault(r.parent_id, []).append(r)
    rows = []

    def walk(parent_id, depth):
        for r in children.get(parent_id, []):
            rows.append((r, depth))
            walk(r.pk, depth + 1)

    walk(None, 0)
    q = request.GET.get("q", "").strip()
    if q:
        rows = [(r, d) for r, d in rows if q in r.name or r.code.startswith(q)]
    return render(request, "directory/region_list.html", {"rows": rows})
