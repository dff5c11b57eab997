"""Pages of 科技经济融合: demands (list, post, detail with ranked experts/societies and pipeline
buttons), visits, forums, society cooperation, expert pages, the demand booklet, and the
patent-information service (search, saved searches, selection lists with xlsx export, import)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT, IMPORT
from kexie.core.audit import history
from kexie.core.jobs import runs_as_job
from kexie.core.scoping import get_scoped_or_404, scoped
from kexie.core.views import apply_validation_error, offset_page, page_number, require
from kexie.directory.codes import OrgKind
from kexie.directory.models import Person
from kexie.innovation import patents, ranking, services
from kexie.innovation.codes import DemandStatus
from kexie.innovation.forms import (
    AgreementForm,
    DemandActionForm,
    DemandFilter,
    DemandForm,
    EngagementForm,
    ExpertProfileForm,
    ForumForm,
    PatentImportForm,
    PatentSearchForm,
    VisitForm,
)
from kexie.innovation.models import (
    Agreement,
    Demand,
    EnterpriseVisit,
    ExpertProfile,
    Forum,
    Patent,
    PatentSelection,
    PatentSelectionList,
    SavedSearch,
    SocietyEngagement,
)
from kexie.innovation.selectors import get_visible_demand_or_404, visible_demands

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACTION_LABELS = {
    "review": _("审核通过"), "publish": _("发布"), "matchmake": _("记录对接"), "intention": _("达成意向"),
    "sign": _("签约"), "complete": _("完成"), "close": _("关闭"),
}  # fmt: skip


def _attachment_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ------------------------------------------------------------------------------ demands


@login_required
def demand_list(request):
    form = DemandFilter(request.GET or None)
    qs = visible_demands(request.user).order_by("-collected_on", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(title__icontains=data["q"]) | Q(keywords__icontains=data["q"]))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["industry"]:
            qs = qs.filter(industry=data["industry"])
        if data["year"]:
            qs = qs.filter(collected_on__year=data["year"])
    context = {"filter": form, "page": offset_page(qs, request), "year": _booklet_year(form, request.user)}
    return render(request, "innovation/demand_list.html", context)


def _booklet_year(form, user) -> int:
    """The year the filter asks for, else the latest year with demands (not an empty current year)."""
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    latest = scoped(Demand, user).order_by("-collected_on").values_list("collected_on", flat=True).first()
    return latest.year if latest else timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
def demand_create(request):
    require(request.user, EDIT)
    form = DemandForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(actor=request.user, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("技术需求已登记,待科协审核"))
            return redirect("innovation:demand_detail", pk=demand.pk)
    return render(request, "innovation/form.html", {"form": form, "title": _("发布技术需求")})


@login_required
@require_http_methods(["GET", "POST"])
def demand_edit(request, pk):
    require(request.user, EDIT)
    demand = get_scoped_or_404(visible_demands(request.user), request.user, pk=pk)
    form = DemandForm(request.POST or None, actor=request.user, instance=demand)
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_update(actor=request.user, demand=demand, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("innovation:demand_detail", pk=demand.pk)
    return render(request, "innovation/form.html", {"form": form, "title": _("修改技术需求"), "obj": demand})


def _in_scope(user, demand) -> bool:
    return scoped(type(demand), user).filter(pk=demand.pk).exists()


@login_required
def demand_detail(request, pk):
    demand = get_visible_demand_or_404(request.user, pk)
    user = request.user
    actions = [(a, ACTION_LABELS[a]) for a in services.demand_actions(user, demand)]
    context = {
        "d": demand,
        "events": demand.events.select_related("actor"),
        "contacts": demand.contacts.select_related("expert", "society", "created_by"),
        "agreements": demand.agreements.select_related("forum"),
        "experts": ranking.experts_for_demand(demand, user, k=8),
        "societies": ranking.societies_for_demand(demand, user, k=8),
        "can_contact": "matchmake" in dict(actions),
        "contacted_experts": {c.expert_id for c in demand.contacts.all() if c.expert_id},
        "contacted_societies": {c.society_id for c in demand.contacts.all() if c.society_id},
        "actions": actions,
        "action_form": DemandActionForm(actor=user) if actions else None,
        "can_edit": services.demand_may_edit(user, demand),
        "in_scope": bool(actions) or _in_scope(user, demand),
        "history": history(demand)[:100],
    }
    return render(request, "innovation/demand_detail.html", context)


@login_required
@require_POST
def demand_action(request, pk, action):
    if action not in ACTION_LABELS:
        raise Http404  # no such pipeline step: the URL names nothing
    demand = get_scoped_or_404(visible_demands(request.user), request.user, pk=pk)
    form = DemandActionForm(request.POST, request.FILES, actor=request.user)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request, f"{form.fields[field].label if field in form.fields else ''}:{''.join(errors)}"
            )
        return redirect("innovation:demand_detail", pk=pk)
    try:
        seen = request.POST.get("seen")
        services.demand_step(
            actor=request.user, demand=demand, step=action, data=form.cleaned_data,
            seen=seen if seen in DemandStatus.values else None,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    else:
        messages.success(request, _("已完成:%(action)s") % {"action": ACTION_LABELS[action]})
    return redirect("innovation:demand_detail", pk=pk)


def _file_response(field_file):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1])


@login_required
def agreement_attachment(request, pk):
    return _file_response(get_scoped_or_404(Agreement, request.user, pk=pk).attachment)


@login_required
def engagement_attachment(request, pk):
    return _file_response(get_scoped_or_404(SocietyEngagement, request.user, pk=pk).attachment)


@login_required
def booklet_download(request, year):
    require(request.user, EDIT)
    from kexie.innovation.booklet import build_booklet

    data = build_booklet(year=year, user=request.user)
    return _attachment_response(data, f"{year}年会技术需求汇编.docx", DOCX)


# ------------------------------------------------------------------------------ visits, forums, societies


@login_required
@require_http_methods(["GET", "POST"])
def visit_list(request):
    form = VisitForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        require(request.user, EDIT)
        if form.is_valid():
            try:
                services.enterprise_visit_create(actor=request.user, data=form.model_data())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("走访记录已保存"))
                return redirect("innovation:visit_list")
    qs = scoped(EnterpriseVisit, request.user).select_related("enterprise").order_by("-visited_on", "-id")
    return render(request, "innovation/visit_list.html", {"form": form, "page": offset_page(qs, request)})


@login_required
def forum_list(request):
    qs = scoped(Forum, request.user).select_related("host_unit").order_by("-held_on", "-id")
    return render(request, "innovation/forum_list.html", {"page": offset_page(qs, request)})


@login_required
@require_http_methods(["GET", "POST"])
def forum_create(request):
    require(request.user, EDIT)
    form = ForumForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            forum = services.forum_create(
                actor=request.user, data=form.model_data(), academicians=form.cleaned_data["academicians"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("innovation:forum_detail", pk=forum.pk)
    return render(request, "innovation/form.html", {"form": form, "title": _("新建对接活动")})


@login_required
@require_http_methods(["GET", "POST"])
def forum_detail(request, pk):
    forum = get_scoped_or_404(Forum.objects.select_related("host_unit"), request.user, pk=pk)
    form = AgreementForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST":
        require(request.user, EDIT)
        if form.is_valid():
            try:
                services.agreement_create(actor=request.user, data={**form.cleaned_data, "forum": forum})
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("签约项目已登记"))
                return redirect("innovation:forum_detail", pk=pk)
    context = {
        "forum": forum,
        "academicians": forum.academicians.all(),
        "agreements": scoped(Agreement, request.user).filter(forum=forum).select_related("unit", "demand"),
        "form": form,
    }
    return render(request, "innovation/forum_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def society_list(request):
    form = EngagementForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST":
        require(request.user, EDIT)
        if form.is_valid():
            try:
                services.society_engagement_create(actor=request.user, data=form.model_data())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("学会合作已登记"))
                return redirect("innovation:society_list")
    qs = scoped(SocietyEngagement, request.user).select_related("society", "demand").order_by("-on", "-id")
    return render(request, "innovation/society_list.html", {"form": form, "page": offset_page(qs, request)})


@login_required
@require_http_methods(["GET", "POST"])
def expert_detail(request, pk):
    person = get_scoped_or_404(Person.objects.filter(is_expert=True), request.user, pk=pk)
    profile = (
        ExpertProfile.objects.unscoped(reason="the profile of a person read in scope")
        .filter(person=person)
        .first()
    )
    initial = {f: getattr(profile, f) for f in services.EXPERT_PROFILE_FIELDS} if profile else {}
    form = ExpertProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(request.user, EDIT)
        if form.is_valid():
            try:
                services.expert_profile_set(actor=request.user, person=person, data=form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("专家画像已更新,匹配结果随之更新"))
                return redirect("innovation:expert_detail", pk=pk)
    context = {
        "person": person,
        "form": form,
        "demands": ranking.demands_for_expert(person, request.user, k=10),
    }
    return render(request, "innovation/expert_detail.html", context)


# ------------------------------------------------------------------------------ patents


def _page_number(request) -> int:
    return page_number(request)


def _is_enterprise(user) -> bool:
    return user.unit is not None and user.unit.kind == OrgKind.ENTERPRISE


@login_required
def patent_search(request):
    user = request.user
    registration = patents.registration_of(user)
    needs_registration = _is_enterprise(user) and registration is None
    form = PatentSearchForm(request.GET or None)
    result, query, error = None, None, None
    if not needs_registration and request.GET:
        try:
            query = patents.parse_patent_query(request.GET)
            offset = (_page_number(request) - 1) * 20
            result = patents.patent_search(actor=user, query=query, limit=20, offset=offset)
        except ValidationError as exc:
            error = ";".join(exc.messages)
        except PermissionDenied as exc:
            error = str(exc)
    lists = scoped(PatentSelectionList, user).order_by("-created_at")[:50]
    context = {
        "form": form, "result": result, "query": query, "error": error, "lists": lists,
        "needs_registration": needs_registration, "registration": registration,
        "can_import": patents.can_import_patents(user),
        "saved": scoped(SavedSearch, user).order_by("-created_at")[:20],
        "recommended": patents.recommend_patents(enterprise=user.unit, k=5) if registration else [],
        "page_number": _page_number(request),
        "engine": patents.search_engine_label(),
    }  # fmt: skip
    return render(request, "innovation/patent_search.html", context)


@login_required
@require_POST
def patent_register(request):
    try:
        patents.patent_registration_create(actor=request.user, interests=request.POST.get("interests", ""))
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    else:
        messages.success(request, _("已注册专利信息服务"))
    return redirect("innovation:patent_search")


@login_required
@require_POST
def saved_search_create(request):
    try:
        query = patents.parse_patent_query(request.POST)
        patents.saved_search_create(actor=request.user, name=request.POST.get("name", ""), query=query)
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    else:
        messages.success(request, _("检索式已保存"))
    return redirect(reverse("innovation:patent_search") + "?" + request.POST.get("querystring", ""))


@login_required
def saved_search_run(request, pk):
    saved = get_scoped_or_404(SavedSearch, request.user, pk=pk)
    params = {"q": saved.query, **saved.filters}
    from urllib.parse import urlencode

    return redirect(reverse("innovation:patent_search") + "?" + urlencode(params))


@login_required
def patent_detail(request, pk):
    patent = _patent_or_404(pk)
    lists = scoped(PatentSelectionList, request.user).order_by("-created_at")[:50]
    return render(request, "innovation/patent_detail.html", {"p": patent, "lists": lists})


def _patent_or_404(pk) -> Patent:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Patent, pk=pk)  # patents are public reference data, not scoped


@login_required
@require_POST
def patent_select(request):
    user = request.user
    list_id = request.POST.get("selection_list")
    new_name = request.POST.get("new_list_name", "").strip()
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("innovation:patent_search")
    chosen = list(Patent.objects.filter(pk__in=[p for p in request.POST.getlist("patent") if p.isdigit()]))
    # A typed new list name means a new list, whatever the drop-down still shows.
    use_name = list_id == "new" or not list_id or bool(new_name)
    try:
        selection_list, added = patents.patents_select(
            actor=user, patents=chosen, new_list_name=new_name,
            selection_list=None if use_name else get_scoped_or_404(PatentSelectionList, user, pk=list_id),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
        return redirect(back)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("innovation:patent_search")
    messages.success(
        request, _("已遴选 %(n)d 件专利到“%(name)s”") % {"n": added, "name": selection_list.name}
    )
    return redirect("innovation:selection_detail", pk=selection_list.pk)


@login_required
def selection_list(request):
    qs = scoped(PatentSelectionList, request.user).select_related("unit").order_by("-created_at")
    return render(request, "innovation/selection_list.html", {"page": offset_page(qs, request)})


@login_required
def selection_detail(request, pk):
    chosen = get_scoped_or_404(PatentSelectionList.objects.select_related("unit"), request.user, pk=pk)
    rows = chosen.selections.select_related("patent", "selected_by").order_by("at", "id")
    return render(request, "innovation/selection_detail.html", {"sl": chosen, "rows": rows})


@login_required
@require_POST
def selection_remove(request, pk):
    selection = get_scoped_or_404(
        PatentSelection.objects.select_related("selection_list"), request.user, pk=pk
    )
    list_pk = selection.selection_list_id
    patents.patent_unselect(actor=request.user, selection=selection)
    return redirect("innovation:selection_detail", pk=list_pk)


@login_required
def selection_export(request, pk):
    chosen = get_scoped_or_404(PatentSelectionList, request.user, pk=pk)
    return _attachment_response(patents.selection_export(chosen), f"{chosen.name}.xlsx", XLSX)


def _patent_import_job(request, upload, mapping, form):
    """A large patent file is imported by a background job; the page follows its progress."""
    import tempfile

    from kexie.core.jobs import job_start

    with tempfile.NamedTemporaryFile() as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        return job_start(
            actor=request.user, kind="patent_import", title=_("导入专利数据:%(f)s") % {"f": upload.name},
            params={"filename": upload.name, "mapping": mapping, "skip_bad": form.cleaned_data["skip_bad"]},
            inputs={"input": copy.name},
        )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def patent_import(request):
    require(request.user, IMPORT)
    if not patents.can_import_patents(request.user):
        raise PermissionDenied
    form = PatentImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            from kexie.core.uploads import check_upload

            check_upload(upload, [".xlsx", ".csv"])
            mapping = patents.parse_mapping(form.cleaned_data["mapping"])
            if runs_as_job(upload.size):
                return redirect("core:job", job_id=_patent_import_job(request, upload, mapping, form).pk)
            result = patents.patent_import(
                actor=request.user, data=upload.read(), filename=upload.name, mapping=mapping,
                skip_bad=form.cleaned_data["skip_bad"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, ";".join(exc.messages))
        else:
            if result.created or result.updated:
                messages.success(
                    request,
                    _("导入完成:新增 %(c)d 条,更新 %(u)d 条") % {"c": result.created, "u": result.updated},
                )
    today = dt.date.today()
    return render(request, "innovation/patent_import.html", {"form": form, "result": result, "today": today})
