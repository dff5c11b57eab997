"""Pages of the hotline: the operator desk (list, new consultation, detail with its clocks,
suggested experts, similar answers and every action), the expert view, the knowledge base,
and two public pages for a phone: the question form and the caller's rating page."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT, PERSONAL_DATA
from kexie.core import throttle
from kexie.core.audit import history
from kexie.core.views import apply_validation_error, offset_page, parse_date
from kexie.core.workdays import business_time
from kexie.hotline import matching, selectors, services
from kexie.hotline.codes import Channel, Topic
from kexie.hotline.forms import ConsultationForm, DeskFilter, PublicQuestionForm, RatingForm
from kexie.tickets import services as tickets
from kexie.tickets.models import Status
from kexie.tickets.services import may_work, pauses_of


@login_required
def desk(request):
    form = DeskFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.desk_consultations(request.user, **{k: v for k, v in filters.items() if v})
    context = {"form": form, "page": offset_page(qs, request), "callbacks": selectors.open_callbacks(request.user)[:20],
               "now": timezone.now(), "can_edit": request.user.has_perm(EDIT)}  # fmt: skip
    return render(request, "hotline/desk.html", context)


@login_required
def mine(request):
    qs = selectors.my_consultations(request.user)
    context = {"page": offset_page(qs, request), "now": timezone.now(),
               "callbacks": selectors.open_callbacks(request.user).filter(assignee=request.user)[:20]}  # fmt: skip
    return render(request, "hotline/mine.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_new(request):
    form = ConsultationForm(request.POST or None, initial={"channel": Channel.PHONE})
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_receive(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已受理,转%(pool)s") % {"pool": consultation.ticket.queue})
            return redirect("hotline:detail", pk=consultation.pk)
    return render(request, "hotline/new.html", {"form": form})


@login_required
def similar(request):
    """HTMX: similar answered questions while the operator types."""
    question = request.GET.get("question", "")[:2000]
    return render(request, "hotline/_similar.html", {"similar": matching.similar_answers(question)})


def _clock(ticket, now):
    until = ticket.resolved_at or now
    ran = business_time(ticket.opened_at, until, hours=ticket.queue.hours, pauses=pauses_of(ticket, until))
    return {"ran_hours": round(ran.total_seconds() / 3600, 1),
            "target_hours": round(ticket.queue.resolution_minutes / 60, 1)}  # fmt: skip


@login_required
def consultation_detail(request, pk: int):
    consultation = selectors.get_visible_consultation_or_404(request.user, pk)
    ticket = consultation.ticket
    pool = selectors.pool_of(consultation)
    experts = list(pool.experts.all()) if pool else []
    suggested = matching.suggest_experts(consultation.question, experts)
    context = {
        "c": consultation,
        "ticket": ticket,
        "clock": _clock(ticket, timezone.now()),
        "show_phone": request.user.has_perm(PERSONAL_DATA),
        "can_work": may_work(request.user, ticket),
        "can_edit": request.user.has_perm(EDIT),
        "experts": experts,
        "suggested": suggested,
        "similar": matching.similar_answers(consultation.question, exclude=consultation.pk),
        "members": list(ticket.queue.members.all()),
        "callbacks": consultation.callbacks.all(),
        "attachments": consultation.attachments.all(),
        "topics": Topic.choices,
        "rating": RatingForm(),
        "rating_token": request.session.pop("hotline_rating_token", None),
        "history": history(consultation)[:30],
    }
    return render(request, "hotline/detail.html", context)


def _member(ticket, pk):
    if not pk:
        return None
    for user in list(ticket.queue.members.all()) + list(ticket.queue.supervisors.all()):
        if str(user.pk) == str(pk):
            return user
    raise ValidationError({"assignee": _("处理人:请从本专家组成员中选择")})


def _expert(experts, pk):
    if not pk:
        return None
    found = next((p for p in experts if str(p.pk) == str(pk)), None)
    if found is None:
        raise ValidationError({"expert": _("解答专家:请从本专家组专家中选择")})
    return found


def _act(request, consultation, action: str) -> str:
    post, user, ticket = request.POST, request.user, consultation.ticket
    pool = selectors.pool_of(consultation)
    experts = list(pool.experts.all()) if pool else []
    if action == "answer":
        services.consultation_answer(actor=user, consultation=consultation, answer=post.get("answer", ""),
                                     expert=_expert(experts, post.get("expert")), resolve=post.get("resolve") != "no")  # fmt: skip
        return _("已保存解答")
    if action == "route":
        services.consultation_route(actor=user, consultation=consultation, topic=post.get("topic", ""))
        return _("已转派")
    if action == "assign":
        tickets.ticket_assign(actor=user, ticket=ticket, assignee=_member(ticket, post.get("assignee")))
        return _("已指派")
    if action == "wait":
        tickets.ticket_wait(actor=user, ticket=ticket, reason=post.get("reason", ""))
        return _("计时已暂停,等待来电人")
    if action == "resume":
        tickets.ticket_resume(actor=user, ticket=ticket)
        return _("计时已恢复")
    if action == "callback":
        due = parse_date(post.get("due_date"))
        due_at = dt.datetime.combine(due, dt.time(17, 30), timezone.get_current_timezone()) if due else None
        services.callback_create(actor=user, consultation=consultation, note=post.get("note", ""), due_at=due_at,
                                 assignee=_member(ticket, post.get("assignee")))  # fmt: skip
        return _("已建回电任务")
    if action == "callback_done":
        callback = consultation.callbacks.filter(pk=post.get("callback") or 0).first()
        if callback is None:
            raise Http404
        services.callback_done(actor=user, callback=callback, outcome=post.get("outcome", ""))
        return _("回电已完成")
    if action == "escalate":
        services.consultation_escalate(actor=user, consultation=consultation,
                                       data={"start_date": parse_date(post.get("start_date")), "venue": post.get("venue", "")})  # fmt: skip
        return _("已转现场服务,活动已建为草稿,请在活动台账上报")
    if action == "publish":
        services.consultation_publish(actor=user, consultation=consultation)
        return _("已脱敏收入知识库")
    if action == "unpublish":
        services.consultation_unpublish(actor=user, consultation=consultation)
        return _("已移出知识库")
    if action == "rate":
        form = RatingForm(post)
        if not form.is_valid():
            raise ValidationError({"satisfaction": _("满意度:请选择")})
        services.consultation_rate(actor=user, consultation=consultation, **form.cleaned_data)
        return _("已记录满意度")
    if action == "rating_link":
        token = services.consultation_rating_link(actor=user, consultation=consultation)
        request.session["hotline_rating_token"] = request.build_absolute_uri(
            reverse("hotline:rate", args=[token])
        )
        return _("已生成评价链接(仅显示一次)")
    if action == "attach" and request.FILES.get("file"):
        services.consultation_attach(actor=user, consultation=consultation, upload=request.FILES["file"])
        return _("已上传附件")
    raise ValidationError(_("未知操作"))


@login_required
@require_POST
def consultation_act(request, pk: int):
    consultation = selectors.get_visible_consultation_or_404(request.user, pk)
    try:
        messages.success(request, _act(request, consultation, request.POST.get("action", "")))
    except ValidationError as exc:
        messages.error(request, ";".join(exc.messages))
    return redirect("hotline:detail", pk=consultation.pk)


@login_required
def kb(request):
    q = request.GET.get("q", "")[:100]
    return render(
        request, "hotline/kb.html", {"q": q, "page": offset_page(selectors.knowledge_base(q), request)}
    )


# ---------------------------------------------------------------------- public pages (phone)


ASK_LIMIT = 30  # questions per hour from one address


@require_http_methods(["GET", "POST"])
def ask(request):
    """The public question form: no login; the answer comes by a call back."""
    form = PublicQuestionForm(request.POST or None)
    if request.method == "POST" and not throttle.hit(
        f"hotline-ask:{throttle.client_address(request)}", limit=ASK_LIMIT, window=3600
    ):
        form.add_error(None, _("提交过于频繁,请稍后再试或直接拨打热线电话"))
        return render(request, "hotline/ask.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_receive(
                actor=None, data={**form.cleaned_data, "channel": Channel.WEB}
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(request, "hotline/ask_done.html", {"number": consultation.ticket.pk})
    return render(request, "hotline/ask.html", {"form": form})


@require_http_methods(["GET", "POST"])
def rate(request, token: str):
    """The caller's rating page, opened by the link sent to them (a capability link)."""
    consultation = services.consultation_for_rating(token)
    if consultation is None:
        raise Http404
    done = consultation.ticket.satisfaction is not None
    form = RatingForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.consultation_rate(actor=None, consultation=consultation, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            done = True
    resolved = consultation.ticket.status == Status.RESOLVED
    return render(
        request, "hotline/rate.html", {"form": form, "done": done, "resolved": resolved, "c": consultation}
    )
