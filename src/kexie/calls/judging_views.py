"""Pages of expert review: staff set up rounds, judges and conflicts, run and save the
assignment (each pair with why it was made or excluded), chase missing scores, read rankings side
by side and close a round; judges see only their own assignments and score on a phone. A blind
call's entrants and institutions never reach a judge's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT
from kexie.calls import entry_files, judging
from kexie.calls.forms import ConflictForm, JudgeForm, RoundForm, ScoreForm
from kexie.calls.models import JudgeConflict, ReviewRound
from kexie.calls.selectors import get_visible_call_or_404
from kexie.core.scoping import in_scope
from kexie.core.views import apply_validation_error, require


def _messages_of(exc) -> str:
    return ";".join(getattr(exc, "messages", [str(exc)]))


def get_round_or_404(user, pk) -> ReviewRound:
    """A round of a call the user organises (judges reach theirs through their assignments)."""
    rnd = ReviewRound.objects.for_user(user).filter(pk=pk).select_related("call", "call__organiser").first()
    if rnd is None:
        raise Http404
    return rnd


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request, pk):
    call = get_visible_call_or_404(request.user, pk)
    if not in_scope(request.user, call.organiser):
        raise Http404
    require(request.user, EDIT)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rnd = judging.round_create(actor=request.user, call=call, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建评审轮次“%(n)s”") % {"n": rnd.name})
            return redirect("calls:round_detail", pk=rnd.pk)
    return render(request, "calls/form.html", {"form": form, "title": _("新建评审轮次"), "obj": call})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    rnd = get_round_or_404(request.user, pk)
    require(request.user, EDIT)
    form = RoundForm(request.POST or None, instance=rnd)
    if request.method == "POST" and form.is_valid():
        try:
            judging.round_update(actor=request.user, round=rnd, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("calls:round_detail", pk=rnd.pk)
    return render(request, "calls/form.html", {"form": form, "title": _("修改评审轮次"), "obj": rnd.call})


def _plan_context(rnd):
    """The assignment the engine would make now (GET ?plan=1): pairs, exclusions, or why not."""
    try:
        plan = judging.round_plan(rnd)
    except ValidationError as exc:
        return {"plan_error": _messages_of(exc)}
    if plan.infeasible:
        return {"plan_error": plan.infeasible}
    return {"plan": plan, "plan_pairs": plan.pairs(), "plan_exclusions": plan.exclusions()}


@login_required
def round_detail(request, pk):
    rnd = get_round_or_404(request.user, pk)
    assignments = rnd.assignments.select_related("judge__person", "entry").order_by("entry__code", "judge_id")
    context = {
        "round": rnd,
        "call": rnd.call,
        "judges": rnd.judges.select_related("person", "user"),
        "conflicts": JudgeConflict.objects.for_user(request.user)
        .filter(judge__round=rnd)
        .select_related("judge__person", "entry"),
        "entries": judging.round_entries(rnd),
        "assignments": assignments,
        "missing": judging.missing_scores(rnd),
        "ranking": judging.round_ranking(rnd),
        "judge_form": JudgeForm(actor=request.user),
        "conflict_form": ConflictForm(actor=request.user, round=rnd),
        "may_edit": request.user.has_perm(EDIT) and not rnd.is_closed,
    }
    if request.GET.get("plan"):
        context.update(_plan_context(rnd))
    return render(request, "calls/round_detail.html", context)


def _add_judge(request, rnd):
    form = JudgeForm(request.POST, actor=request.user)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[k].label}:{';'.join(v)}" for k, v in form.errors.items()])
    judging.round_judge_add(actor=request.user, round=rnd, **form.cleaned_data)


def _add_conflict(request, rnd):
    form = ConflictForm(request.POST, actor=request.user, round=rnd)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[k].label}:{';'.join(v)}" for k, v in form.errors.items()])
    judging.judge_conflict_add(actor=request.user, **form.cleaned_data)


def _chase(request, rnd):
    n = judging.round_chase(actor=request.user, round=rnd)
    messages.info(request, _("已提醒 %(n)s 位评委") % {"n": n})


def _close(request, rnd):
    advanced = judging.round_close(actor=request.user, round=rnd)
    messages.info(request, _("本轮结束,%(n)s 件作品晋级") % {"n": len(advanced)})


ROUND_ACTIONS = {
    "judge": _add_judge,
    "conflict": _add_conflict,
    "assign": lambda request, rnd: judging.round_assign(actor=request.user, round=rnd),
    "chase": _chase,
    "close": _close,
}


@login_required
@require_POST
def round_action(request, pk, action):
    rnd = get_round_or_404(request.user, pk)
    step = ROUND_ACTIONS.get(action)
    if step is None:
        raise Http404
    try:
        step(request, rnd)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("已完成"))
    return redirect("calls:round_detail", pk=rnd.pk)


# ---------------------------------------------------------------------- the judge's own pages


@login_required
def judging_list(request):
    """The judge's assignments (any unit's calls), scored or not, on a phone."""
    rows = judging.judge_assignments(request.user)
    items = [
        {"assignment": a, "entry": judging.judge_view_of(a.entry, blind=a.round.call.is_blind)} for a in rows
    ]
    return render(
        request, "calls/judging_list.html", {"items": items, "todo": sum(1 for a in rows if not a.is_scored)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def judge_score(request, pk):
    assignment = judging.get_own_assignment_or_404(request.user, pk)
    rnd = assignment.round
    form = ScoreForm(request.POST or None, criteria=rnd.criteria, initial_values=assignment.values,
                     initial={"comment": assignment.comment})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            judging.score_submit(actor=request.user, assignment=assignment, values=form.values(),
                                 comment=form.cleaned_data.get("comment", ""))  # fmt: skip
        except ValidationError as exc:
            for code, problems in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                target = f"c_{code}" if f"c_{code}" in form.fields else None
                for problem in problems:
                    form.add_error(target, problem)
        else:
            messages.success(request, _("已提交评分"))
            return redirect("calls:judging")
    context = {
        "assignment": assignment,
        "round": rnd,
        "entry": judging.judge_view_of(assignment.entry, blind=rnd.call.is_blind),
        "files": entry_files.files_for(request.user, assignment.entry),
        "form": form,
    }
    return render(request, "calls/judge_score.html", context)
