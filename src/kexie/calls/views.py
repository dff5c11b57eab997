"""Pages of the call engine: calls (list, create, detail with entries and quotas), entries
(create, detail with the formal check and the committee decision), institution aliases, and the
entrant's status page opened by a capability link (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kexie.accounts.roles import EDIT, REVIEW
from kexie.calls import entry_files, higher, notice, services
from kexie.calls.codes import EDITABLE_ENTRY, CallKind, CallStatus, EntryStatus
from kexie.calls.forms import (
    AliasForm,
    CallForm,
    DecisionForm,
    EntryForm,
    HigherResultForm,
    QuotaForm,
    ReturnForm,
)
from kexie.calls.models import InstitutionAlias
from kexie.calls.selectors import (
    get_visible_call_or_404,
    get_visible_entry_or_404,
    visible_calls,
    visible_entries,
)
from kexie.core import throttle
from kexie.core.audit import history
from kexie.core.scoping import in_scope
from kexie.core.views import apply_validation_error, offset_page, parse_date, require

# Public writes per address and hour (kexie.core.throttle): a school's computer room registers
# many teams from one address, an objector writes once or twice.
REGISTER_LIMIT = 30
OBJECTION_LIMIT = 10
TOO_OFTEN = gettext_lazy("提交过于频繁,请稍后再试")


def _throttled(request, name: str, limit: int) -> bool:
    """A POST past the address's limit for the hour (the request is counted either way)."""
    key = f"calls-{name}:{throttle.client_address(request)}"
    return request.method == "POST" and not throttle.hit(key, limit=limit, window=3600)


def _messages_of(exc) -> str:
    return ";".join(getattr(exc, "messages", [str(exc)]))


@login_required
def call_list(request):
    qs = visible_calls(request.user).order_by("-year", "-id")
    return render(request, "calls/call_list.html", {"page": offset_page(qs, request)})


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    require(request.user, EDIT)
    form = CallForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建征集评选“%(t)s”") % {"t": call})
            return redirect("calls:call_detail", pk=call.pk)
    return render(request, "calls/form.html", {"form": form, "title": _("新建征集评选")})


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk):
    call = get_visible_call_or_404(request.user, pk)
    if not in_scope(request.user, call.organiser):
        raise Http404
    require(request.user, EDIT)
    form = CallForm(request.POST or None, actor=request.user, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(actor=request.user, call=call, data=form.model_data())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("calls:call_detail", pk=call.pk)
    return render(request, "calls/form.html", {"form": form, "title": _("修改征集评选"), "obj": call})


def _counts(entries) -> dict:
    from django.db.models import Count

    return dict(entries.order_by().values_list("status").annotate(n=Count("id")))


@login_required
def call_detail(request, pk):
    call = get_visible_call_or_404(request.user, pk)
    entries = visible_entries(request.user, call).order_by("code")
    organises = in_scope(request.user, call.organiser)
    context = {
        "call": call,
        "page": offset_page(entries, request),
        "counts": _counts(entries),
        "organises": organises,
        "quotas": call.quotas.select_related("unit") if organises else [],
        "quota_form": QuotaForm(actor=request.user) if organises else None,
        "history": history(call)[:50] if organises else [],
        "may_enter": call.status == CallStatus.OPEN and request.user.has_perm(EDIT),
        "call_acts": services.call_actions(request.user, call),
        "recommended": higher.recommended_count(call) if call.higher_body or call.higher_call_id else None,
    }
    return render(request, "calls/call_detail.html", context)


def _notice(*, actor, call, seen, request):
    return notice.call_notice_start(
        actor=actor, call=call, seen=seen, starts_on=parse_date(request.POST.get("starts_on"))
    )


CALL_ACTIONS = {
    "open": lambda *, actor, call, seen, request: services.call_open(actor=actor, call=call, seen=seen),
    "close": lambda *, actor, call, seen, request: services.call_close(actor=actor, call=call, seen=seen),
    "notice": _notice,
    "finalise": lambda *, actor, call, seen, request: notice.call_finalise(actor=actor, call=call, seen=seen),
    "certificates": lambda *, actor, call, seen, request: notice.call_certificates_issue(
        actor=actor, call=call
    ),
    "recommend_up": lambda *, actor, call, seen, request: higher.call_recommend_up(actor=actor, call=call),
}


@login_required
@require_POST
def call_action(request, pk, action):
    call = get_visible_call_or_404(request.user, pk)
    step = CALL_ACTIONS.get(action)
    if step is None:
        raise Http404
    try:
        step(actor=request.user, call=call, seen=request.POST.get("seen") or None, request=request)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("已更新为“%(s)s”") % {"s": call.get_status_display()})
    return redirect("calls:call_detail", pk=call.pk)


@login_required
@require_POST
def quota_set(request, pk):
    call = get_visible_call_or_404(request.user, pk)
    form = QuotaForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _("请选择单位并填写名额"))
    else:
        try:
            services.unit_quota_set(actor=request.user, call=call, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
    return redirect("calls:call_detail", pk=call.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request, pk):
    call = get_visible_call_or_404(request.user, pk)
    require(request.user, EDIT)
    form = EntryForm(request.POST or None, actor=request.user, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(
                actor=request.user, call=call, data=form.model_data(), members=form.members_data()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存申报草稿,请核对后提交"))
            return redirect("calls:entry_detail", pk=entry.pk)
    return render(request, "calls/form.html", {"form": form, "title": _("新增申报"), "obj": call})


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk):
    entry = get_visible_entry_or_404(request.user, pk)
    require(request.user, EDIT)
    form = EntryForm(request.POST or None, actor=request.user, call=entry.call, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(
                actor=request.user, entry=entry, data=form.model_data(), members=form.members_data()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("calls:entry_detail", pk=entry.pk)
    return render(request, "calls/form.html", {"form": form, "title": _("修改申报"), "obj": entry})


def _entry_actions(user, entry) -> set[str]:
    acts = set()
    writer = user.has_perm(EDIT)
    reviewer = user.has_perm(REVIEW) and in_scope(user, entry.call.organiser)
    if writer and entry.status in EDITABLE_ENTRY:
        acts |= {"edit", "submit", "withdraw"}
    if reviewer and entry.status == EntryStatus.SUBMITTED:
        acts |= {"accept", "return"}
    if (
        reviewer
        and entry.status == EntryStatus.ACCEPTED
        and entry.call.status in (CallStatus.OPEN, CallStatus.CLOSED)
    ):
        acts.add("decide")
    if writer:
        acts.add("link")
    organiser_writer = writer and in_scope(user, entry.call.organiser)
    if organiser_writer and entry.call.is_final and entry.status == EntryStatus.AWARDED:
        if (entry.call.higher_body or entry.call.higher_call_id) and not entry.is_recommended_up:
            acts.add("recommend_up")
    if (
        organiser_writer
        and (entry.is_recommended_up or entry.call.kind == CallKind.RECOMMENDATION)
        and entry.status == EntryStatus.AWARDED
    ):
        acts.add("higher_result")
    return acts


@login_required
def entry_detail(request, pk):
    entry = get_visible_entry_or_404(request.user, pk)
    labels = {s["name"]: s["label"] for s in entry.call.form_fields}
    context = {
        "entry": entry,
        "answers": [(labels.get(k, k), v) for k, v in (entry.answers or {}).items()],
        "members": entry.members.select_related("institution"),
        "decision": getattr(entry, "decision", None),
        "acts": _entry_actions(request.user, entry),
        "return_form": ReturnForm(),
        "decision_form": DecisionForm(call=entry.call),
        "history": history(entry)[:50],
        "status_link": request.session.pop(f"entry_link_{entry.pk}", None),
        "certificates": _certificates(entry),
        "higher_results": higher.higher_results_of([entry]).get(entry.pk, []),
        "higher_form": HigherResultForm(initial={"level": higher.higher_level_of(entry.call)}),
        "files": entry_files.files_for(request.user, entry),
    }
    return render(request, "calls/entry_detail.html", context)


def _certificates(entry):
    from kexie.core.certificates import certificate_for_source

    return certificate_for_source(entry)


def _decide(request, entry, seen):
    form = DecisionForm(request.POST, call=entry.call)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[k].label}:{';'.join(v)}" for k, v in form.errors.items()])
    services.entry_decide(actor=request.user, entry=entry, seen=seen, **form.cleaned_data)


def _link(request, entry, seen):
    token = services.entry_status_link(actor=request.user, entry=entry)
    request.session[f"entry_link_{entry.pk}"] = request.build_absolute_uri(f"/calls/status/{token}/")


def _higher_result(request, entry, seen):
    form = HigherResultForm(request.POST)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[k].label}:{';'.join(v)}" for k, v in form.errors.items()])
    higher.higher_result_record(actor=request.user, entry=entry, **form.cleaned_data)


ENTRY_ACTIONS = {
    "submit": lambda request, entry, seen: services.entry_submit(actor=request.user, entry=entry, seen=seen),
    "withdraw": lambda request, entry, seen: services.entry_withdraw(
        actor=request.user, entry=entry, seen=seen
    ),
    "accept": lambda request, entry, seen: services.entry_accept(actor=request.user, entry=entry, seen=seen),
    "return": lambda request, entry, seen: services.entry_return(
        actor=request.user, entry=entry, seen=seen, reason=request.POST.get("reason", "")
    ),
    "decide": _decide,
    "link": _link,
    "recommend_up": lambda request, entry, seen: higher.entry_recommend_up(actor=request.user, entry=entry),
    "higher_result": _higher_result,
}


@login_required
@require_POST
def entry_action(request, pk, action):
    entry = get_visible_entry_or_404(request.user, pk)
    step = ENTRY_ACTIONS.get(action)
    if step is None:
        raise Http404
    try:
        step(request, entry, request.POST.get("seen") or None)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("已完成"))
    return redirect("calls:entry_detail", pk=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def alias_list(request):
    form = AliasForm(request.POST or None, actor=request.user)
    if request.method == "POST":
        require(request.user, EDIT)
        if form.is_valid():
            try:
                services.institution_alias_add(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已添加别名"))
                return redirect("calls:alias_list")
    aliases = InstitutionAlias.objects.select_related("organisation").order_by("alias")
    return render(request, "calls/alias_list.html", {"form": form, "page": offset_page(aliases, request)})


def entry_status(request, token):
    """The entrant's own view, opened by the link sent to them: no login, no other entry."""
    entry = services.entry_by_status_token(token)
    if entry is None:
        raise Http404
    return render(
        request,
        "calls/entry_status.html",
        {"entry": entry, "certificates": _certificates(entry), "token": token},
    )


# ---------------------------------------------------------------------- 公示 and objections


def _notice_call_or_404(pk):
    from kexie.calls.codes import PUBLIC_CALL
    from kexie.calls.selectors import published_calls

    call = published_calls().filter(pk=pk, status__in=PUBLIC_CALL).first()
    if call is None:
        raise Http404
    return call


def notice_list(request):
    """The public notices (no login): calls on 公示 and final results."""
    from kexie.calls.codes import PUBLIC_CALL
    from kexie.calls.selectors import published_calls

    calls = published_calls().filter(status__in=PUBLIC_CALL).order_by("-notice_starts_on", "-id")[:100]
    return render(request, "calls/notice_list.html", {"calls": calls})


@require_http_methods(["GET", "POST"])
def notice_detail(request, pk):
    """A 公示 on a phone: the list, the period in working days, and the written objection form."""
    from kexie.calls.forms import ObjectionForm

    call = _notice_call_or_404(pk)
    awarded = call.entries.filter(status=EntryStatus.AWARDED).select_related(
        "person", "organisation", "institution"
    )
    form = ObjectionForm(request.POST or None, request.FILES or None, entries=awarded)
    context = {"call": call, "awarded": awarded.order_by("prize", "code"), "form": form,
               "open_for_objections": call.status == CallStatus.NOTICE}  # fmt: skip
    if _throttled(request, "objection", OBJECTION_LIMIT):
        form.add_error(None, TOO_OFTEN)
        return render(request, "calls/notice_detail.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            notice.objection_file(call=call, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("异议已收到。处理结果将通过您留下的联系方式告知。"))
            return redirect("calls:notice_detail", pk=call.pk)
    return render(request, "calls/notice_detail.html", context)


@login_required
def objection_list(request, pk):
    from kexie.calls.models import Objection

    call = get_visible_call_or_404(request.user, pk)
    rows = Objection.objects.for_user(request.user).filter(call=call).select_related("entry")
    context = {"call": call, "objections": rows, "identity": notice.may_see_objector(request.user, call)}
    return render(request, "calls/objection_list.html", context)


@login_required
@require_POST
def objection_decide(request, pk):
    from kexie.calls.models import Objection

    objection = Objection.objects.for_user(request.user).filter(pk=pk).select_related("call").first()
    if objection is None:
        raise Http404
    try:
        notice.objection_decide(
            actor=request.user, objection=objection, upheld=request.POST.get("upheld") == "1",
            decision=request.POST.get("decision", ""),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("已记录处理意见"))
    return redirect("calls:objection_list", pk=objection.call_id)


@login_required
def objection_seal(request, pk):
    """The sealed letter of a unit's objection: handlers only."""
    from django.http import FileResponse

    from kexie.calls.models import Objection

    objection = Objection.objects.for_user(request.user).filter(pk=pk).select_related("call").first()
    if objection is None or not objection.seal:
        raise Http404
    if not notice.may_see_objector(request.user, objection.call):
        raise PermissionDenied
    return FileResponse(
        objection.seal.open("rb"), as_attachment=True, filename=objection.seal.name.rsplit("/", 1)[-1]
    )


# ---------------------------------------------------------------------- import and export


@login_required
@require_http_methods(["GET", "POST"])
def entry_import(request, pk):
    """Registrations from an xlsx/csv or a 问卷星 export: every bad cell named, nothing half-written."""
    from kexie.calls import io

    call = get_visible_call_or_404(request.user, pk)
    if not in_scope(request.user, call.organiser):
        raise Http404
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [_("请选择文件")]
        else:
            try:
                report = io.entries_import(
                    actor=request.user, call=call, data=upload.read(), filename=upload.name
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(
                    request,
                    _("已导入 %(n)s 项申报(%(m)s 名成员)") % {"n": report.created, "m": report.members},
                )
                return redirect("calls:call_detail", pk=call.pk)
    columns = [
        *io.BASE_COLUMNS,
        *(s["label"] for s in call.form_fields if s["type"] not in ("members", "file")),
    ]
    return render(
        request, "calls/entry_import.html", {"call": call, "problems": problems, "columns": columns}
    )


@login_required
@require_POST
def entry_file_upload(request, pk):
    entry = get_visible_entry_or_404(request.user, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError(_("请选择文件"))
        entry_files.entry_file_upload(
            actor=request.user, entry=entry, field=request.POST.get("field", ""), upload=upload
        )
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("已上传"))
    return redirect("calls:entry_detail", pk=entry.pk)


@login_required
def entry_file_download(request, pk):
    """The entrant, the handlers and the entry's judges only (404 for anyone else); judges of a
    blind call get an anonymous name and a copy without author metadata."""
    from urllib.parse import quote

    from django.http import HttpResponse

    row, name, data = entry_files.file_for_download(request.user, pk)
    content_type = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}  # fmt: skip
    response = HttpResponse(data, content_type=content_type.get(row.extension, "application/octet-stream"))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def higher_results_import(request, pk):
    """The higher contest's list (编号, 结果, 奖项) fed back in one sheet; nothing half-written."""
    from kexie.calls import io

    call = get_visible_call_or_404(request.user, pk)
    if not (in_scope(request.user, call.organiser) and request.user.has_perm(EDIT)):
        raise Http404
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        level = request.POST.get("level") or None
        if upload is None:
            problems = [_("请选择文件")]
        else:
            try:
                headers, rows = io.read_rows(upload.read(), upload.name)
                n = higher.higher_results_import_table(
                    actor=request.user, call=call, headers=headers, rows=rows, level=level
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, _("已登记 %(n)s 项上级竞赛结果") % {"n": n})
                return redirect("calls:call_detail", pk=call.pk)
    context = {"call": call, "problems": problems, "form": HigherResultForm(initial={"level": higher.higher_level_of(call)}),
               "columns": list(higher.HIGHER_COLUMNS)}  # fmt: skip
    return render(request, "calls/higher_import.html", context)


@login_required
def results_export(request, pk):
    from urllib.parse import quote

    from django.http import HttpResponse

    from kexie.calls import io
    from kexie.core import audit

    call = get_visible_call_or_404(request.user, pk)
    entries = visible_entries(request.user, call).order_by("code")
    data = io.results_workbook(call, entries)
    audit.log(actor=request.user, action="kexie.call.exported", obj=call, after={"rows": entries.count()})
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(call.title + '结果.xlsx')}"
    return response


# ---------------------------------------------------------------------- certificates


def _certificate_response(entry, *, pdf=False):
    """The entry's latest valid certificate as Word, or as PDF (the same certificate, its
    verification code and QR code) for printing."""
    from urllib.parse import quote

    from django.http import HttpResponse

    from kexie.core.certificates import certificate_docx, certificate_for_source, certificate_pdf

    certs = [c for c in certificate_for_source(entry) if c.revoked_at is None]
    if not certs:
        raise Http404
    if pdf:
        response = HttpResponse(certificate_pdf(certs[-1]), content_type="application/pdf")
        filename = entry.code + "证书.pdf"
    else:
        response = HttpResponse(
            certificate_docx(certs[-1]),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        filename = entry.code + "证书.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def entry_certificate(request, pk):
    return _certificate_response(get_visible_entry_or_404(request.user, pk))


@login_required
def entry_certificate_pdf(request, pk):
    return _certificate_response(get_visible_entry_or_404(request.user, pk), pdf=True)


def _entry_by_token_or_404(token):
    entry = services.entry_by_status_token(token)
    if entry is None:
        raise Http404
    return entry


def entry_status_certificate(request, token):
    """The entrant downloads their own certificate through the link sent to them (no login)."""
    return _certificate_response(_entry_by_token_or_404(token))


def entry_status_certificate_pdf(request, token):
    """The same, as PDF: only the entry the link was made for."""
    return _certificate_response(_entry_by_token_or_404(token), pdf=True)


# ---------------------------------------------------------------------- public registration


@require_http_methods(["GET", "POST"])
def register(request, pk):
    """Public registration on a phone: privacy notice, guardian consent under 14, no login."""
    from kexie.calls import registration
    from kexie.calls.forms import RegistrationForm
    from kexie.calls.selectors import published_calls

    call = published_calls().filter(pk=pk, status=CallStatus.OPEN, is_public=True).first()
    if call is None:
        raise Http404
    form = RegistrationForm(request.POST or None, request.FILES or None, call=call)
    context = {"call": call, "form": form, "privacy": registration.PRIVACY_NOTICE}
    if _throttled(request, "register", REGISTER_LIMIT):
        form.add_error(None, TOO_OFTEN)
        return render(request, "calls/register.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            entry, token = registration.entry_register(
                call=call, data=form.entry_data(), members=form.members_data(),
                privacy_accepted=form.cleaned_data["privacy"], files=form.files_data(),
            )  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(request, "calls/registered.html", {"entry": entry, "token": token})
    return render(request, "calls/register.html", context)
