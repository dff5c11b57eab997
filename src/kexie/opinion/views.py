"""Pages of 宣传与舆情: the monitoring desk (items, hot clusters), an item with its copies and
the sentiment correction, the informant's phone form, sources, keyword schemes with a preview,
alerts handled as tickets, publicity articles with figures by channel and month, and the briefs."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT
from kexie.core.audit import history
from kexie.core.views import apply_validation_error, offset_page, parse_date
from kexie.engines.opinion import HEAT_FORMULA
from kexie.opinion import briefs, selectors, services
from kexie.opinion.forms import (
    AlertRuleForm,
    ArticleFilter,
    ArticleForm,
    CorrectionForm,
    ItemFilter,
    SchemeForm,
    SourceForm,
    SubmissionForm,
)
from kexie.opinion.models import SourceKind
from kexie.tickets.services import may_work


@login_required
def dashboard(request):
    form = ItemFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.items(request.user, sentiment=filters.get("sentiment", ""), q=filters.get("q", ""))
    context = {
        "form": form, "page": offset_page(qs, request), "clusters": selectors.clusters(request.user)[:10],
        "heat_formula": HEAT_FORMULA, "open_alerts": selectors.alerts(request.user).filter(ticket__resolved_at__isnull=True).count(),
        "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "opinion/dashboard.html", context)


@login_required
def item_detail(request, pk: int):
    item = selectors.get_or_404(selectors.items(request.user), pk)
    copies = (
        selectors.items(request.user, cluster_id=item.cluster_id).order_by("published_at")
        if item.cluster_id
        else []
    )
    context = {"item": item, "copies": copies, "form": CorrectionForm(initial={"label": item.sentiment}),
               "debunks": selectors.debunks(request.user, items=[item]),
               "can_edit": request.user.has_perm(EDIT), "history": history(item)[:20]}  # fmt: skip
    return render(request, "opinion/item.html", context)


@login_required
def cluster_detail(request, pk: int):
    """A cluster: its copies in order (first source, spread over time by day), heat and the
    debunking material linked to its rumour-like items."""
    cluster = selectors.get_or_404(selectors.clusters(request.user, copies_at_least=1), pk)
    items = list(selectors.items(request.user, cluster_id=cluster.pk).order_by("published_at", "id"))
    spread: dict = {}
    for item in items:
        day = timezone.localtime(item.published_at).date()
        spread[day] = spread.get(day, 0) + 1
    context = {"cluster": cluster, "items": items, "first": items[0] if items else None,
               "spread": sorted(spread.items()), "heat_formula": HEAT_FORMULA,
               "debunks": selectors.debunks(request.user, items=items),
               "alerts": selectors.alerts(request.user).filter(cluster=cluster)}  # fmt: skip
    return render(request, "opinion/cluster.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request, pk: int | None = None):
    """Alert rules: the list, and the form that adds one (or edits the one named)."""
    rule = selectors.get_or_404(selectors.rules(request.user), pk) if pk else None
    form = AlertRuleForm(request.POST or None, instance=rule, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
        try:
            if rule is None:
                services.rule_create(actor=request.user, data=data)
            else:
                services.rule_update(
                    actor=request.user, rule=selectors.rules(request.user).get(pk=rule.pk), data=data
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("预警规则已保存"))
            return redirect("opinion:rules")
    context = {"form": form, "rule": rule, "rules": selectors.rules(request.user),
               "can_edit": request.user.has_perm(EDIT), "history": history(rule)[:20] if rule else []}  # fmt: skip
    return render(request, "opinion/rules.html", context)


@login_required
@require_POST
def item_correct(request, pk: int):
    item = selectors.get_or_404(selectors.items(request.user), pk)
    form = CorrectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择负面、中性或正面"))
        services.item_correct(actor=request.user, item=item, label=form.cleaned_data["label"])
        messages.success(request, _("已校正,本机情感模型将据此重新训练"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("opinion:item", pk=item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request):
    form = SubmissionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_submit(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已报送,谢谢!"))
            return redirect("opinion:item", pk=item.pk)
    return render(request, "opinion/submit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def sources(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _saved(form, lambda: services.source_create(actor=request.user, data=form.cleaned_data)):
            messages.success(request, _("已添加来源"))
            return redirect("opinion:sources")
    context = {
        "form": form,
        "sources": selectors.sources(request.user),
        "can_edit": request.user.has_perm(EDIT),
    }
    return render(request, "opinion/sources.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int):
    """One source: its state (last good poll, last error) and the form that changes it."""
    source = selectors.get_or_404(selectors.sources(request.user), pk)
    form = SourceForm(request.POST or None, instance=selectors.sources(request.user).get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if _saved(form, lambda: services.source_update(actor=request.user, source=source, data=data)):
            messages.success(request, _("来源已保存"))
            return redirect("opinion:sources")
    context = {"form": form, "source": source, "can_edit": request.user.has_perm(EDIT),
               "history": history(source)[:20]}  # fmt: skip
    return render(request, "opinion/source.html", context)


def _saved(form, write) -> bool:
    """Run a service write; its refusal goes onto the form (field errors, or the form's own)."""
    try:
        write()
    except ValidationError as exc:
        apply_validation_error(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    else:
        return True
    return False


@login_required
@require_POST
def source_poll(request, pk: int):
    from kexie.opinion.polling import poll_source

    source = selectors.get_or_404(selectors.sources(request.user), pk)
    if not request.user.has_perm(EDIT) or source.kind not in (SourceKind.FEED, SourceKind.PAGE):
        messages.error(request, _("只有订阅源和网页来源可以抓取,且需要编辑权限"))
        return redirect("opinion:sources")
    result = poll_source(source)
    if result["status"] == "ok":
        messages.success(request, _("抓取完成,新增 %(n)s 条") % {"n": result["new"]})
    else:
        messages.error(request, _("抓取失败:%(m)s(已保留上次成功的数据)") % {"m": result["message"]})
    return redirect("opinion:sources")


@login_required
@require_http_methods(["GET", "POST"])
def schemes(request):
    """The schemes, and the form: "预览" shows the stored items it matches, "保存" saves it."""
    form = SchemeForm(request.POST or None)
    hits = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "save":
                scheme = services.scheme_create(actor=request.user, data=form.cleaned_data)
                messages.success(request, _("方案已保存"))
                return redirect("opinion:scheme", pk=scheme.pk)
            rule = services.scheme_rule(form.cleaned_data)
            hits = services.scheme_matches(selectors.items(request.user).iterator(), rule)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    context = {"form": form, "schemes": selectors.schemes(request.user), "hits": hits[:50] if hits else hits,
               "matched": len(hits) if hits is not None else None, "can_edit": request.user.has_perm(EDIT)}  # fmt: skip
    return render(request, "opinion/schemes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def scheme_detail(request, pk: int):
    """A scheme, the stored items it matches, and the form that changes it: "预览" shows what
    the changed scheme would match, "保存" saves it."""
    scheme = selectors.get_or_404(selectors.schemes(request.user), pk)
    form = SchemeForm(request.POST or None, instance=selectors.schemes(request.user).get(pk=pk))
    rule, previewing = services.scheme_rule(scheme), False
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if request.POST.get("action") == "save":
            if _saved(form, lambda: services.scheme_update(actor=request.user, scheme=scheme, data=data)):
                messages.success(request, _("方案已保存"))
                return redirect("opinion:scheme", pk=scheme.pk)
        else:
            try:
                rule, previewing = services.scheme_rule(data), True
            except ValidationError as exc:
                apply_validation_error(form, exc)
    hits = services.scheme_matches(selectors.items(request.user).iterator(), rule, limit=100)
    context = {"scheme": scheme, "hits": hits, "form": form, "previewing": previewing,
               "can_edit": request.user.has_perm(EDIT), "history": history(scheme)[:20]}  # fmt: skip
    return render(request, "opinion/scheme.html", context)


@login_required
def alerts(request):
    qs = selectors.alerts(request.user)
    return render(request, "opinion/alerts.html", {"page": offset_page(qs, request), "now": timezone.now()})


@login_required
def alert_detail(request, pk: int):
    alert = selectors.get_or_404(selectors.alerts(request.user), pk)
    notes = alert.ticket.notes.unscoped(reason="the notes of an alert already read in scope")
    context = {"alert": alert, "ticket": alert.ticket, "can_work": may_work(request.user, alert.ticket),
               "history": history(alert.ticket)[:30], "notes": notes.select_related("author")}  # fmt: skip
    return render(request, "opinion/alert.html", context)


@login_required
@require_POST
def alert_act(request, pk: int):
    """Handle the alert's ticket: take it, respond (first response), close it, or note progress;
    the handling in words (处置情况) goes with it and is required to close."""
    alert = selectors.get_or_404(selectors.alerts(request.user), pk)
    action = request.POST.get("action", "")
    try:
        if action not in services.ALERT_ACTIONS:
            raise ValidationError(_("未知操作"))
        services.alert_handle(
            actor=request.user, alert=alert, action=action, note=request.POST.get("note", "")
        )
        messages.success(request, _("已处理"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("opinion:alert", pk=alert.pk)


@login_required
@require_http_methods(["GET", "POST"])
def articles(request):
    form = ArticleForm(
        request.POST or None, initial={"published_on": timezone.localdate()}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data, activities = form.article_data()
        if _saved(
            form, lambda: services.article_create(actor=request.user, data=data, activities=activities)
        ):
            messages.success(request, _("已登记稿件"))
            return redirect("opinion:articles")
    filters = ArticleFilter(request.GET or None)
    channel = filters.cleaned_data.get("channel", "") if filters.is_valid() else ""
    qs = selectors.articles(request.user, channel=channel).annotate(reported=Count("activities"))
    context = {"form": form, "filters": filters, "page": offset_page(qs, request),
               "figures": selectors.article_figures(selectors.articles(request.user, channel=channel))[:60],
               "can_edit": request.user.has_perm(EDIT)}  # fmt: skip
    return render(request, "opinion/articles.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk: int):
    """One article: its reach (updated as reads grow), the activities it reports on, its history."""
    article = selectors.get_or_404(selectors.articles(request.user), pk)
    form = ArticleForm(
        request.POST or None, instance=selectors.articles(request.user).get(pk=pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data, activities = form.article_data()
        if _saved(form, lambda: services.article_update(actor=request.user, article=article, data=data,
                                                         activities=activities)):  # fmt: skip
            messages.success(request, _("稿件已保存"))
            return redirect("opinion:articles")
    context = {"form": form, "article": article, "can_edit": request.user.has_perm(EDIT),
               "activities": article.activities.order_by("-pk")[:100], "history": history(article)[:20]}  # fmt: skip
    return render(request, "opinion/article.html", context)


@login_required
def brief(request):
    kind = request.GET.get("kind", "daily")
    if kind not in briefs.KINDS:
        kind = "daily"
    day = parse_date(request.GET.get("date")) or timezone.localdate()
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        day = timezone.localdate()
    unit = getattr(request.user, "unit", None)
    name, data = briefs.brief_docx(request.user, kind, day, unit_name=unit.name if unit else "")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
