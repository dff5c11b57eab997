"""Activity ledger, detail and workflow, review queue, campaigns."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.activities import services
from kexie.activities.forms import ActivityForm, AttachmentForm, CampaignForm, LedgerFilter, ReturnForm
from kexie.activities.models import Status
from kexie.activities.selectors import (
    WATCHED,
    activity_for,
    after_cursor,
    attachment_for,
    editable_campaigns,
    first_rows,
    ledger,
    ledger_first_page,
    reviewable_activities,
    visible_campaigns,
)
from kexie.core import pagecache
from kexie.core.audit import history
from kexie.core.textsearch import page_planner
from kexie.core.views import (
    COUNT_CAP,
    Page,
    apply_validation_error,
    capped_count,
    is_htmx,
    offset_page,
    require,
)
from kexie.directory.selectors import county_ids_in_scope
from kexie.directory.views import export_query, filter_problems, filters_of, list_export

PER_PAGE = 50


def keyset_page(qs, request, rows: list | None = None) -> Page:
    """The page of ``qs`` after the request's cursor (``rows``: its first PER_PAGE + 1 rows, when
    already read)."""
    cursor = request.GET.get("cursor", "")
    if rows is None:
        rows = first_rows(after_cursor(qs, cursor) if cursor else qs, PER_PAGE + 1)
    page = Page(rows[:PER_PAGE], has_next=len(rows) > PER_PAGE, has_previous=bool(cursor), is_keyset=True)
    if page.has_next:
        last = page.object_list[-1]
        page.next_cursor = f"{last.start_date.isoformat()}_{last.pk}"
    return page


def _page_and_total(request, filters) -> tuple[Page, str]:
    """The keyset page and the capped count of the ledger (the first page through
    selectors.ledger_first_page)."""
    if request.GET.get("cursor"):
        qs = ledger(request.user, filters)
        return keyset_page(qs, request), capped_count(qs)
    rows, n = ledger_first_page(request.user, filters, PER_PAGE + 1, COUNT_CAP)
    return keyset_page(None, request, rows), f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


@login_required
@pagecache.whole_page(WATCHED)
def activity_list(request):
    """The ledger. Its filters, rows and pager are cached per scope and query string until the data
    changes (kexie.core.pagecache), and the whole page per session (pagecache.whole_page): a
    repeated view of a page costs a few index look-ups."""
    vary = sorted(request.GET.lists())
    part = pagecache.key(request, "activities:ledger", vary, watch=WATCHED)
    body, warning = pagecache.value(part, lambda: _ledger_body(request))
    if warning:  # said again on every view of the page, as filters_of says it
        messages.warning(request, warning)
    context = {"body_html": mark_safe(body), "export_query": export_query(request)}  # noqa: S308 - our template
    return render(request, "activities/activity_list.html", context)


def _ledger_body(request) -> tuple[str, str]:
    """The rendered filters, rows and pager, and the warning about filters left out ("" if none)."""
    counties = pagecache.key(request, "activities:ledger:counties", watch=WATCHED)  # per scope only
    county_ids = pagecache.value(counties, lambda: sorted(county_ids_in_scope(request.user)))
    form = LedgerFilter(request.GET or None, actor=request.user, county_ids=county_ids)
    warning = ""
    if form.is_bound and not form.is_valid():
        warning = _("筛选条件有误,已忽略:%(p)s") % {"p": "；".join(filter_problems(form))}
    with page_planner():  # PostgreSQL: see core.textsearch.page_planner
        page, total = _page_and_total(request, filters_of(form))
        context = {
            "filter": form,
            "other_filters": _other_filters(request, form),
            "page": page,
            "total_display": total,
        }
        return render_to_string("activities/_ledger_body.html", context, request=request), warning


def _other_filters(request, form) -> str:
    """The filters other than the title search, rendered: kept per scope and their values until the
    data changes, so that a new search does not render again the kinds, counties, campaigns and the
    unit picker's 200 suggestions (~25 ms of a page at 100,000 units)."""
    values = [form.is_bound, *((name, request.GET.getlist(name)) for name in form.fields if name != "q")]
    part = pagecache.key(request, "activities:ledger:filters", values, watch=WATCHED)
    return pagecache.fragment(
        part, lambda: render_to_string("activities/_ledger_filters.html", {"filter": form}, request=request)
    )


@login_required
def activity_export(request):
    """The ledger as the page shows it for these filters, as a file (xlsx, or csv)."""
    form = LedgerFilter(request.GET or None, actor=request.user)
    return list_export(request, kind="activities", form=form)


def _activity(request, pk):
    return activity_for(request.user, pk)


@login_required
def activity_detail(request, pk):
    activity = _activity(request, pk)
    context = {
        "a": activity,
        "co_organisers": activity.co_organisers.all(),
        "attachments": activity.attachments.order_by("-is_photo", "name"),
        "history": history(activity)[:100],
        "attach_form": AttachmentForm(),
        "return_form": ReturnForm(),
    }
    return render(request, "activities/activity_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    require(request.user, EDIT)
    initial = {"organiser": request.user.unit_id, "reporting_unit": request.user.unit_id}
    form = ActivityForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                actor=request.user, data=form.model_data(), co_organisers=form.cleaned_data["co_organisers"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存为草稿,确认无误后请上报"))
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/form.html", {"form": form, "title": _("填报活动")})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = _activity(request, pk)
    require(request.user, EDIT)
    form = ActivityForm(request.POST or None, actor=request.user, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user, activity=activity, data=form.model_data(),
                co_organisers=form.cleaned_data["co_organisers"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("activities:activity_detail", pk=pk)
    return render(request, "activities/form.html", {"form": form, "title": _("编辑活动"), "obj": activity})


@login_required
@require_http_methods(["GET", "POST"])
def activity_delete(request, pk):
    activity = _activity(request, pk)
    require(request.user, EDIT)
    if request.method == "POST":
        try:
            services.activity_delete(actor=request.user, activity=activity)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("activities:activity_detail", pk=pk)
        messages.success(request, _("已删除“%(t)s”") % {"t": activity})
        return redirect("activities:list")
    cancel = reverse("activities:activity_detail", args=[pk])
    return render(request, "directory/confirm_delete.html", {"obj": activity, "cancel": cancel})


def _seen(request) -> str | None:
    """The state the page showed when the user clicked (forms carry it), so a change made by
    someone else in between is refused rather than acted on."""
    seen = request.POST.get("seen", "")
    return seen if seen in Status.values else None


def _workflow(request, pk, action):
    activity = _activity(request, pk)
    try:
        action(activity)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if is_htmx(request):
        # The row shows this step's messages itself, so they must not wait for the next page.
        notes = list(messages.get_messages(request))
        return render(request, "activities/_review_row.html", {"a": activity, "row_messages": notes})
    return redirect("activities:activity_detail", pk=pk)


@login_required
@require_POST
def activity_submit(request, pk):
    def submit(activity):
        services.activity_submit(actor=request.user, activity=activity, seen=_seen(request))
        messages.success(request, _("已上报,等待上级审核"))

    return _workflow(request, pk, submit)


@login_required
@require_POST
def activity_approve(request, pk):
    def approve(activity):
        services.activity_approve(actor=request.user, activity=activity, seen=_seen(request))
        messages.success(request, _("已通过“%(t)s”") % {"t": activity})

    return _workflow(request, pk, approve)


@login_required
@require_POST
def activity_return(request, pk):
    def send_back(activity):
        services.activity_return(
            actor=request.user, activity=activity, reason=request.POST.get("reason", ""), seen=_seen(request)
        )
        messages.success(request, _("已退回“%(t)s”") % {"t": activity})

    return _workflow(request, pk, send_back)


@login_required
@require_POST
def activity_attach(request, pk):
    activity = _activity(request, pk)
    require(request.user, EDIT)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_attach(
                actor=request.user, activity=activity, upload=form.cleaned_data["file"],
                is_photo=form.cleaned_data["is_photo"],
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已上传附件"))
    else:
        messages.error(request, _("请选择要上传的文件"))
    return redirect("activities:activity_detail", pk=pk)


@login_required
def attachment_download(request, pk):
    attachment = attachment_for(request.user, pk)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=not attachment.is_photo, filename=attachment.name
    )


# ---- review queue --------------------------------------------------------------------------


@login_required
def review_queue(request):
    require(request.user, REVIEW)
    qs = reviewable_activities(request.user).select_related(
        "kind", "kind__parent", "reporting_unit", "region"
    )
    qs = qs.order_by("submitted_at", "id")
    context = {
        "page": offset_page(qs, request),
        "total_display": capped_count(qs),
        "return_form": ReturnForm(),
    }
    return render(request, "activities/review_queue.html", context)


@login_required
@require_POST
def review_bulk_approve(request):
    require(request.user, REVIEW)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    approved, failed = services.activities_approve_bulk(actor=request.user, ids=ids)
    messages.success(request, _("已批量通过 %(n)d 条") % {"n": approved})
    for problem in failed:
        messages.error(request, problem)
    return redirect("activities:review_queue")


# ---- campaigns -----------------------------------------------------------------------------


@login_required
def campaign_list(request):
    qs = visible_campaigns(request.user).select_related("host_unit").order_by("-year", "name")
    if request.GET.get("year", "").isdigit():
        qs = qs.filter(year=int(request.GET["year"]))
    return render(request, "activities/campaign_list.html", {"page": offset_page(qs, request)})


@login_required
def campaign_detail(request, pk):
    campaign = _visible_campaign(request, pk)
    activities = ledger(request.user, {"campaign": campaign})
    context = {
        "c": campaign,
        "units": campaign.participating_units.order_by("path"),
        "activities": activities.order_by("-start_date", "-id")[:50],
        "activity_count": capped_count(activities),
        "history": history(campaign)[:100],
        "can_edit": request.user.has_perm(EDIT) and editable_campaigns(request.user).filter(pk=pk).exists(),
    }
    return render(request, "activities/campaign_detail.html", context)


def _visible_campaign(request, pk):
    from django.http import Http404

    campaign = visible_campaigns(request.user).select_related("host_unit").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require(request.user, EDIT)
    form = CampaignForm(request.POST or None, actor=request.user, initial={"host_unit": request.user.unit_id})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=request.user,
                data=form.model_data(),
                participating_units=form.cleaned_data["participating_units"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已创建专项活动"))
            return redirect("activities:campaign_detail", pk=campaign.pk)
    return render(request, "activities/form.html", {"form": form, "title": _("新建专项活动")})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    campaign = get_object_or_404(editable_campaigns(request.user), pk=pk)
    require(request.user, EDIT)
    form = CampaignForm(request.POST or None, actor=request.user, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                actor=request.user, campaign=campaign, data=form.model_data(),
                participating_units=form.cleaned_data["participating_units"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("activities:campaign_detail", pk=pk)
    return render(
        request, "activities/form.html", {"form": form, "title": _("编辑专项活动"), "obj": campaign}
    )
