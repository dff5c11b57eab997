"""Staff pages of the office (机关工作): the task list, meetings and their decisions, cadres'
execution records, and the rulebook. Every read goes through kexie.office.selectors (scope
first); a record out of the reader's sight answers 404."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.roles import EDIT
from kexie.core import references
from kexie.core.imports.guard import guard_workbook
from kexie.core.views import XLSX, _download, apply_validation_error, offset_page, require
from kexie.office import documents, records, search, selectors, services
from kexie.office.models import MeetingKind, TaskSource, TaskStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DATE = forms.DateInput(
    attrs={"type": "date"}, format="%Y-%m-%d"
)  # what a date input accepts, whatever the locale


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404 from None


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, ";".join(exc.messages))


def _day(request, name: str = "on") -> dt.date:
    return parse_date(request.GET.get(name, "") or "") or selectors.today()


def _keep(field, held, visible) -> None:
    """Offer, besides the field's rule, the records the edited one already holds (a departed
    cadre, a dissolved task force): kept when saved unchanged, never offered to anything new."""
    pks = [getattr(obj, "pk", obj) for obj in held if obj is not None]
    if pks:
        field.queryset = field.queryset | visible.filter(pk__in=pks)


# ---------------------------------------------------------------- tasks


class TaskForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("任务"), max_length=300)
    department = forms.ModelChoiceField(label=gettext_lazy("责任处室"), queryset=None)
    owner = forms.ModelChoiceField(label=gettext_lazy("责任人"), queryset=None)
    task_force = forms.ModelChoiceField(label=gettext_lazy("专班"), queryset=None, required=False)
    source = forms.ChoiceField(label=gettext_lazy("任务来源"), choices=TaskSource.choices)
    rule = forms.ModelChoiceField(label=gettext_lazy("依据制度"), queryset=None, required=False)
    notice = forms.CharField(label=gettext_lazy("上级通知"), max_length=200, required=False)
    assigned_on = forms.DateField(label=gettext_lazy("交办日期"), widget=DATE)
    deadline = forms.DateField(label=gettext_lazy("完成时限"), widget=DATE, required=False)
    working_days = forms.IntegerField(
        label=gettext_lazy("或:工作日数"), min_value=1, max_value=250, required=False,
        help_text=gettext_lazy("自交办日期起算的工作日数(节假日顺延)"),
    )  # fmt: skip

    def __init__(self, *args, user, with_source: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("department", "owner", "task_force", "rule"):
            references.bind(self.fields[name], f"office.Task.{name}", user)
        if not with_source:
            for name in ("source", "rule", "notice", "title"):
                self.fields[name].required = False
                self.fields[name].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if not data.get("deadline") and not data.get("working_days"):
            raise ValidationError({"deadline": _("完成时限:请填写日期或工作日数")})
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if data.get("working_days"):
            data.pop("deadline", None)
        return data


@login_required
@require_GET
def task_list(request):
    status = request.GET.get("status", "")
    status = status if status in TaskStatus.values else ""
    qs = selectors.tasks(request.user, status=status or None)
    if request.GET.get("due") == "overdue":
        qs = selectors.overdue(qs)
    elif request.GET.get("due") == "at_risk":
        qs = selectors.at_risk(qs)
    context = {"page": offset_page(qs, request), "statuses": TaskStatus.choices, "status": status,
               "due": request.GET.get("due", "")}  # fmt: skip
    return render(request, "office/task_list.html", context)


@login_required
@require_GET
def task_export(request):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单"
    ws.append(["任务", "责任处室", "责任人", "任务来源", "交办日期", "完成时限", "状态", "完成日期"])
    for t in selectors.tasks(request.user).order_by("deadline", "id")[:20000]:
        ws.append([t.title, t.department.name, t.owner.person.name, t.get_source_display(), t.assigned_on,
                   t.deadline, t.get_status_display(), t.done_on])  # fmt: skip
    guard_workbook(wb)
    import io

    buffer = io.BytesIO()
    wb.save(buffer)
    return _download(buffer.getvalue(), "任务清单.xlsx", XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request):
    require(request.user, EDIT)
    form = TaskForm(request.POST or None, user=request.user, initial={"assigned_on": selectors.today()})
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("任务已交办"))
            return redirect("office:task_detail", pk=task.pk)
    return render(request, "office/form.html", {"form": form, "heading": _("交办任务")})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk):
    """Change an open task (deadline, owner, department…) through `services.task_update`; a
    meeting decision's task keeps its source."""
    task = _get(selectors.tasks(request.user), pk)
    require(request.user, EDIT)
    if not task.is_open:
        messages.error(request, _("任务%(s)s,不能再修改") % {"s": task.get_status_display()})
        return redirect("office:task_detail", pk=task.pk)
    from_decision = task.source == TaskSource.DECISION
    initial = {name: getattr(task, name) for name in ("title", "source", "notice", "assigned_on", "deadline")}
    initial.update(department=task.department_id, owner=task.owner_id, task_force=task.task_force_id,
                   rule=task.rule_id)  # fmt: skip
    form = TaskForm(request.POST or None, user=request.user, initial=initial)
    _keep(form.fields["owner"], [task.owner_id], selectors.cadres(request.user))
    _keep(form.fields["task_force"], [task.task_force_id], selectors.task_forces(request.user))
    if from_decision:
        for name in ("source", "rule", "notice"):
            del form.fields[name]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("working_days"):
            data.pop("deadline", None)
        data["notice"] = data.get("notice") or ""
        if from_decision:
            data.pop("notice")
        call = lambda: services.task_update(actor=request.user, task=task, data=data)  # noqa: E731
        if _save(form, call) is not None:
            messages.success(request, _("任务已修改"))
            return redirect("office:task_detail", pk=task.pk)
    return _form_page(request, form, _("修改任务:%(t)s") % {"t": task.title})


@login_required
@require_GET
def task_detail(request, pk):
    task = _get(selectors.tasks(request.user), pk)
    context = {"task": task, "notes": task.notes.select_related("author"),
               "may_work": task.owner.user_id == request.user.pk or request.user.has_perm(EDIT)}  # fmt: skip
    return render(request, "office/task_detail.html", context)


@login_required
@require_POST
def task_act(request, pk):
    task = _get(selectors.tasks(request.user), pk)
    action = request.POST.get("action", "")
    try:
        if action == "note":
            services.task_note_add(actor=request.user, task=task, text=request.POST.get("text", ""),
                                   evidence=request.FILES.get("evidence"),
                                   evidence_note=request.POST.get("evidence_note", "")[:200])  # fmt: skip
            messages.success(request, _("进展已记录"))
        elif action == "complete":
            done_on = parse_date(request.POST.get("done_on", "") or "") or None
            services.task_complete(
                actor=request.user, task=task, done_on=done_on, seen=request.POST.get("seen")
            )
            messages.success(request, _("任务已完成"))
        elif action == "cancel":
            services.task_cancel(actor=request.user, task=task, reason=request.POST.get("reason", ""),
                                 seen=request.POST.get("seen"))  # fmt: skip
            messages.success(request, _("任务已撤销"))
        else:
            messages.error(request, _("未知操作"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("office:task_detail", pk=task.pk)


@login_required
@require_GET
def task_force_list(request):
    forces = selectors.task_forces(request.user).prefetch_related("members__person")
    return render(request, "office/task_force_list.html", {"forces": forces})


def _form_page(request, form, heading: str, **extra):
    return render(request, "office/form.html", {"form": form, "heading": heading, **extra})


def _save(form, call):
    """Run a service with the form's data; its ValidationError goes onto the form."""
    try:
        return call()
    except ValidationError as exc:
        apply_validation_error(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("您没有执行此操作的权限"))
    return None


class TaskForceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("专班名称"), max_length=100)
    department = forms.ModelChoiceField(label=gettext_lazy("牵头处室"), queryset=None)
    purpose = forms.CharField(
        label=gettext_lazy("工作任务"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lead = forms.ModelChoiceField(label=gettext_lazy("专班负责人"), queryset=None, required=False)
    members = forms.ModelMultipleChoiceField(label=gettext_lazy("成员"), queryset=None, required=False)
    set_up_on = forms.DateField(label=gettext_lazy("成立日期"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("department", "lead", "members"):
            references.bind(self.fields[name], f"office.TaskForce.{name}", user)


@login_required
@require_http_methods(["GET", "POST"])
def task_force_new(request):
    require(request.user, EDIT)
    form = TaskForceForm(request.POST or None, user=request.user, initial={"set_up_on": selectors.today()})
    if request.method == "POST" and form.is_valid():
        force = _save(
            form, lambda: services.task_force_create(actor=request.user, data=dict(form.cleaned_data))
        )
        if force is not None:
            messages.success(request, _("专班已成立"))
            return redirect("office:task_force_list")
    return _form_page(request, form, _("成立专班"))


@login_required
@require_http_methods(["GET", "POST"])
def task_force_edit(request, pk):
    force = _get(selectors.task_forces(request.user), pk)
    require(request.user, EDIT)
    initial = {"name": force.name, "department": force.department_id, "purpose": force.purpose,
               "lead": force.lead_id, "members": list(force.members.values_list("pk", flat=True)),
               "set_up_on": force.set_up_on}  # fmt: skip
    form = TaskForceForm(request.POST or None, user=request.user, initial=initial)
    _keep(form.fields["lead"], [force.lead_id], selectors.cadres(request.user))
    _keep(form.fields["members"], initial["members"], selectors.cadres(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        call = lambda: services.task_force_update(actor=request.user, force=force, data=data)  # noqa: E731
        if _save(form, call) is not None:
            messages.success(request, _("专班已保存"))
            return redirect("office:task_force_list")
    end = None if force.closed_on else {"url": reverse("office:task_force_close", args=[force.pk]),
                                        "label": _("撤销专班"), "field": "on", "date": True}  # fmt: skip
    return _form_page(request, form, _("修改专班:%(n)s") % {"n": force.name}, end=end)


@login_required
@require_POST
def task_force_close(request, pk):
    force = _get(selectors.task_forces(request.user), pk)
    require(request.user, EDIT)
    try:
        services.task_force_close(actor=request.user, force=force,
                                  closed_on=parse_date(request.POST.get("on", "") or "") or None)  # fmt: skip
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("office:task_force_edit", pk=force.pk)
    messages.success(request, _("专班已撤销"))
    return redirect("office:task_force_list")


# ---------------------------------------------------------------- departments and cadres


class DepartmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("处室名称"), max_length=200)
    leader = forms.ModelChoiceField(label=gettext_lazy("分管领导"), queryset=None, required=False)
    order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["leader"], "office.Department.leader", user)


@login_required
@require_GET
def department_list(request):
    departments = list(selectors.departments(request.user))
    counts = dict(
        selectors.cadres(request.user).filter(is_active=True).order_by().values_list("person__unit")
        .annotate(n=Count("id")).values_list("person__unit", "n")
    )  # fmt: skip
    for d in departments:
        d.cadre_count = counts.get(d.unit_id, 0)
    return render(request, "office/department_list.html", {"departments": departments})


@login_required
@require_http_methods(["GET", "POST"])
def department_new(request):
    require(request.user, EDIT)
    form = DepartmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = lambda: services.department_create(actor=request.user, name=data["name"], leader=data["leader"],  # noqa: E731
                                                  order=data["order"] or 0)  # fmt: skip
        if _save(form, call) is not None:
            messages.success(request, _("处室已设立"))
            return redirect("office:department_list")
    return _form_page(request, form, _("设立处室"))


@login_required
@require_http_methods(["GET", "POST"])
def department_edit(request, pk):
    department = _get(selectors.departments(request.user), pk)
    require(request.user, EDIT)
    initial = {"name": department.unit.name, "leader": department.leader_id, "order": department.order}
    form = DepartmentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        call = lambda: services.department_update(actor=request.user, department=department,  # noqa: E731
                                                  data=dict(form.cleaned_data))  # fmt: skip
        if _save(form, call) is not None:
            messages.success(request, _("处室已保存"))
            return redirect("office:department_list")
    return _form_page(request, form, _("修改处室:%(n)s") % {"n": department.unit.name})


class CadreForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    department = forms.ModelChoiceField(label=gettext_lazy("所在处室"), queryset=None)
    position = forms.CharField(label=gettext_lazy("职务"), max_length=60, required=False)
    user = forms.ModelChoiceField(label=gettext_lazy("登录账号"), queryset=None, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["department"], "office.Task.department", user)
        references.bind(self.fields["user"], "office.Cadre.user", user)
        if editing:  # a cadre moves department through the directory, not here
            del self.fields["department"]


@login_required
@require_GET
def cadre_list(request):
    qs = selectors.cadres(request.user)
    active = request.GET.get("active", "1")
    if active != "all":
        qs = qs.filter(is_active=active != "0")
    department = request.GET.get("department", "")
    if department.isdigit():
        qs = qs.filter(person__unit_id=int(department))
    return render(request, "office/cadre_list.html", {"page": offset_page(qs, request), "active": active})


@login_required
@require_http_methods(["GET", "POST"])
def cadre_new(request):
    require(request.user, EDIT)
    form = CadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = lambda: services.cadre_create(actor=request.user, name=data["name"], department=data["department"],  # noqa: E731
                                             position=data["position"], user=data["user"])  # fmt: skip
        if _save(form, call) is not None:
            messages.success(request, _("干部已录入"))
            return redirect("office:cadre_list")
    return _form_page(request, form, _("录入干部"))


@login_required
@require_http_methods(["GET", "POST"])
def cadre_edit(request, pk):
    cadre = _get(selectors.cadres(request.user), pk)
    require(request.user, EDIT)
    initial = {"name": cadre.person.name, "position": cadre.position, "user": cadre.user_id}
    form = CadreForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        call = lambda: services.cadre_update(actor=request.user, cadre=cadre, data=dict(form.cleaned_data))  # noqa: E731
        if _save(form, call) is not None:
            messages.success(request, _("干部信息已保存"))
            return redirect("office:cadre_list")
    end = None if not cadre.is_active else {"url": reverse("office:cadre_end", args=[cadre.pk]),
                                            "label": _("离岗"), "field": "reason"}  # fmt: skip
    return _form_page(request, form, _("修改干部:%(n)s") % {"n": cadre.person.name}, end=end)


@login_required
@require_POST
def cadre_end(request, pk):
    cadre = _get(selectors.cadres(request.user), pk)
    require(request.user, EDIT)
    try:
        services.cadre_end(actor=request.user, cadre=cadre, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("office:cadre_edit", pk=cadre.pk)
    messages.success(request, _("已办理离岗"))
    return redirect("office:cadre_list")


# ---------------------------------------------------------------- meetings


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=200)
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=DATE)
    unit = forms.ModelChoiceField(label=gettext_lazy("召开单位"), queryset=None)
    attendees = forms.ModelMultipleChoiceField(label=gettext_lazy("参会人员"), queryset=None, required=False)
    minutes = forms.CharField(
        label=gettext_lazy("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    decisions = forms.CharField(
        label=gettext_lazy("议定事项"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=gettext_lazy("每行一项"),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["unit"], "office.Meeting.unit", user)
        references.bind(self.fields["attendees"], "office.Meeting.attendees", user)


@login_required
@require_GET
def meeting_list(request):
    qs = selectors.meetings(request.user)
    kind = request.GET.get("kind", "")
    if kind in MeetingKind.values:
        qs = qs.filter(kind=kind)
    return render(
        request, "office/meeting_list.html", {"page": offset_page(qs, request), "kinds": MeetingKind.choices}
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    require(request.user, EDIT)
    form = MeetingForm(request.POST or None, user=request.user,
                       initial={"unit": request.user.unit_id, "held_on": selectors.today()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["decisions"] = data["decisions"].splitlines()
        try:
            meeting = services.meeting_create(actor=request.user, data=data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("会议已记录"))
            return redirect("office:meeting_detail", pk=meeting.pk)
    return render(request, "office/form.html", {"form": form, "heading": _("记录会议")})


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = _get(selectors.meetings(request.user), pk)
    decisions = meeting.decisions.select_related("task__owner__person")
    form = TaskForm(user=request.user, with_source=False, initial={"assigned_on": meeting.held_on})
    context = {"meeting": meeting, "decisions": decisions, "form": form,
               "attendees": meeting.attendees.select_related("person")}  # fmt: skip
    return render(request, "office/meeting_detail.html", context)


@login_required
@require_POST
def decision_task(request, pk):
    """A meeting's decision becomes a task in one step."""
    meeting_ids = selectors.meetings(request.user).values("pk")
    from kexie.office.models import Decision

    decision = _get(Decision.objects.for_user(request.user).filter(meeting__in=meeting_ids), pk)
    require(request.user, EDIT)
    form = TaskForm(request.POST, user=request.user, with_source=False)
    if not form.is_valid():
        messages.error(request, ";".join(f"{form.fields[k].label}:{';'.join(v)}" if k in form.fields else ";".join(v)
                                         for k, v in form.errors.items()))  # fmt: skip
        return redirect("office:meeting_detail", pk=decision.meeting_id)
    data = form.service_data()
    for name in ("source", "rule", "notice"):
        data.pop(name, None)
    try:
        task = services.decision_to_task(actor=request.user, decision=decision, data=data)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("office:meeting_detail", pk=decision.meeting_id)
    messages.success(request, _("议定事项已转为任务"))
    return redirect("office:task_detail", pk=task.pk)


# ---------------------------------------------------------------- execution records


@login_required
@require_GET
def record_list(request):
    year = request.GET.get("year", "")
    qs = selectors.records(request.user)
    if year.isdigit():
        qs = qs.filter(year=int(year))
    cadres = selectors.cadres(request.user) if selectors.office_wide(request.user) or request.user.has_perm(
        "office.lead_department") else selectors.cadres(request.user).filter(user=request.user)  # fmt: skip
    return render(request, "office/record_list.html",
                  {"page": offset_page(qs, request), "cadres": cadres, "this_year": selectors.today().year})  # fmt: skip


@login_required
@require_POST
def record_open(request):
    cadre = _get(selectors.cadres(request.user), request.POST.get("cadre") or 0)
    year = request.POST.get("year", "")
    try:
        record = services.record_open(
            actor=request.user, cadre=cadre, year=int(year) if year.isdigit() else 0
        )
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("office:record_list")
    return redirect("office:record_detail", pk=record.pk)


@login_required
@require_GET
def record_detail(request, pk):
    record = _get(selectors.records(request.user), pk)
    cadre = record.cadre
    on = selectors.today()
    tasks = (
        cadre.tasks.exclude(status=TaskStatus.CANCELLED)
        .filter(deadline__year=record.year)
        .order_by("deadline")
    )
    context = {
        "record": record, "cadre": cadre, "tasks": tasks, "assignments": cadre.assignments.all(),
        "figures": records.task_figures(cadre.tasks.all(), year=record.year, on=on),
        "is_own": cadre.user_id == request.user.pk, "may_assess": selectors.may_assess(request.user, record),
    }  # fmt: skip
    return render(request, "office/record_detail.html", context)


@login_required
@require_POST
def record_act(request, pk):
    record = _get(selectors.records(request.user), pk)
    action = request.POST.get("action", "")
    try:
        if action == "notes":
            services.record_notes_set(actor=request.user, record=record, text=request.POST.get("text", ""))
        elif action == "assess":
            services.record_assess(actor=request.user, record=record, text=request.POST.get("text", ""))
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as exc:
        _errors(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已保存"))
    return redirect("office:record_detail", pk=record.pk)


@login_required
@require_GET
def record_docx(request, pk):
    record = _get(selectors.records(request.user), pk)
    name, data = documents.record_download(record, on=selectors.today())
    return _download(data, name, DOCX)


# ---------------------------------------------------------------- rulebook


class RuleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("制度名称"), max_length=200)
    number = forms.CharField(label=gettext_lazy("文号"), max_length=60, required=False)
    issuing_body = forms.CharField(label=gettext_lazy("制定机关"), max_length=100)
    issued_on = forms.DateField(label=gettext_lazy("印发日期"), widget=DATE)
    effective_on = forms.DateField(label=gettext_lazy("施行日期"), widget=DATE)
    unit = forms.ModelChoiceField(label=gettext_lazy("所属单位"), queryset=None)
    text = forms.CharField(label=gettext_lazy("全文"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["unit"], "office.Rule.unit", user)


@login_required
@require_GET
def rule_list(request):
    qs = selectors.rules(request.user)
    q = request.GET.get("q", "").strip()[:100]
    on = parse_date(request.GET.get("on", "") or "")
    if q:
        ids = search.matching_ids(q)
        order = {pk: n for n, pk in enumerate(ids)}
        rules = sorted(qs.filter(pk__in=ids), key=lambda r: order[r.pk])
    else:
        rules = list(qs)
    if on:
        rules = [r for r in rules if r.in_force_on(on)]
    return render(request, "office/rule_list.html", {"rules": rules, "q": q, "on": on})


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request):
    require(request.user, EDIT)
    form = RuleForm(request.POST or None, user=request.user, initial={"unit": request.user.unit_id})
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(actor=request.user, data=dict(form.cleaned_data))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("制度已录入"))
            return redirect("office:rule_detail", pk=rule.pk)
    return render(request, "office/form.html", {"form": form, "heading": _("录入制度")})


@login_required
@require_GET
def rule_detail(request, pk):
    rule = _get(selectors.rules(request.user), pk)
    on = _day(request)
    context = {
        "rule": rule,
        "versions": rule.versions.all(),
        "current": services.version_in_force(rule, on),
        "on": on,
    }
    return render(request, "office/rule_detail.html", context)


@login_required
@require_POST
def rule_act(request, pk):
    rule = _get(selectors.rules(request.user), pk)
    action = request.POST.get("action", "")
    day = parse_date(request.POST.get("on", "") or "")
    try:
        if day is None:
            raise ValidationError(_("日期:请填写有效日期"))
        if action == "revise":
            services.rule_revise(actor=request.user, rule=rule, text=request.POST.get("text", ""), effective_on=day,
                                 note=request.POST.get("note", "")[:200])  # fmt: skip
        elif action == "repeal":
            services.rule_repeal(actor=request.user, rule=rule, repealed_on=day)
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已保存"))
    return redirect("office:rule_detail", pk=rule.pk)


@login_required
@require_GET
def rulebook_docx(request):
    name, data = documents.rulebook_download(request.user, on=_day(request))
    return _download(data, name, DOCX)
