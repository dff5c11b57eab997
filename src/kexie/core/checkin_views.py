"""Check-in pages: the staff's sessions and organiser screen, the participant's phone pages, and
the team leader's scan page. See kexie.core.checkin."""

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kexie.core import checkin
from kexie.core.certificates import public_url, qr_svg
from kexie.core.forms import StyledForm
from kexie.core.models import CheckinMethod, CheckinSession
from kexie.core.scoping import get_scoped_or_404
from kexie.core.views import apply_validation_error, offset_page

PERSON_KEY = "kexie_checkin_person"  # the anonymous session remembers whose phone this is


class SessionForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("名称"), max_length=200)
    starts_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=gettext_lazy("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    rotate_seconds = forms.IntegerField(
        label=gettext_lazy("动态码更新间隔(秒)"),
        initial=30,
        min_value=checkin.MIN_ROTATE_SECONDS,
        max_value=checkin.MAX_ROTATE_SECONDS,
    )


def _qr_data_uri(url: str) -> str:
    # img-src allows data: (the CSP forbids inline scripts, not inline images)
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url).encode()).decode()


# ---------------------------------------------------------------------- staff


@login_required
@require_http_methods(["GET", "POST"])
def session_list(request):
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = checkin.checkin_session_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("签到场次已创建"))
            return redirect("checkin:session_detail", pk=session.pk)
    qs = CheckinSession.objects.for_user(request.user).select_related("unit")
    return render(request, "checkin/session_list.html", {"form": form, "page": offset_page(qs, request)})


@login_required
def session_detail(request, pk: int):
    session = get_scoped_or_404(CheckinSession, request.user, pk=pk)
    rows = checkin.attendance(session)
    context = {
        "session": session,
        "rows": rows,
        "total_hours": round(checkin.total_minutes(rows) / 60, 2),
        "flagged": sum(1 for r in rows if r.flag == checkin.MISSING_CHECKOUT),
    }
    return render(request, "checkin/session_detail.html", context)


def _screen_context(session) -> dict:
    code = checkin.rotating_code(session)
    url = public_url(reverse("checkin:phone", args=[session.pk])) + f"?c={code}"
    now = timezone.now()
    return {
        "session": session,
        "code": code,
        "qr": _qr_data_uri(url),
        "phone_url": url,
        "poll_seconds": max(2, session.rotate_seconds // 3),
        "is_open": session.starts_at <= now <= session.ends_at,
    }


@login_required
def screen(request, pk: int):
    """The organiser's screen: the code and its QR, refreshed by HTMX polling (no inline script)."""
    session = get_scoped_or_404(CheckinSession, request.user, pk=pk)
    return render(request, "checkin/screen.html", _screen_context(session))


@login_required
@require_GET
def screen_code(request, pk: int):
    session = get_scoped_or_404(CheckinSession, request.user, pk=pk)
    response = render(request, "checkin/_screen_code.html", _screen_context(session))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def personal_link(request, person_pk: int):
    """A person's own check-in link (to send them) for a person in the user's scope."""
    from kexie.directory.models import Person

    person = get_scoped_or_404(Person, request.user, pk=person_pk)
    url = public_url(reverse("checkin:me", args=[checkin.personal_token(person)]))
    return render(
        request, "checkin/personal_link.html", {"person": person, "url": url, "qr": _qr_data_uri(url)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def scan(request, token: str):
    """What the team leader's phone opens on scanning a participant's QR code."""
    person = checkin.person_from_scan_token(token)
    if person is None:
        raise Http404
    now = timezone.now()
    sessions = (
        CheckinSession.objects.for_user(request.user)
        .filter(starts_at__lte=now, ends_at__gte=now - checkin.checkout_grace())
        .select_related("unit")
        .order_by("starts_at")
    )
    if request.method == "POST":
        session = sessions.filter(pk=_int(request.POST.get("session"))).first()
        if session is None:
            raise Http404
        _record(request, session=session, person=person, method=CheckinMethod.SCAN, actor=request.user)
        return redirect("checkin:scan", token=token)
    return render(request, "checkin/scan.html", {"person": person, "sessions": sessions})


def _int(text) -> int:
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 19 else 0


def _record(request, *, session, person, method, actor=None, code=None) -> bool:
    try:
        if request.POST.get("action") == "out":
            checkin.checkin_record_out(session=session, person=person, method=method, code=code, actor=actor)
            messages.success(request, _("%(person)s签退成功") % {"person": person})
        else:
            _saved, created = checkin.checkin_record_in(
                session=session, person=person, method=method, code=code, actor=actor
            )
            message = _("%(person)s签到成功") if created else _("%(person)s已签到,无需重复签到")
            messages.success(request, message % {"person": person})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return False
    return True


# ---------------------------------------------------------------------- the participant's phone


@require_GET
def me(request, token: str):
    """The participant's own page: remembers them on this phone, shows the QR code the team
    leader scans."""
    person = checkin.person_from_personal_token(token)
    if person is None:
        raise Http404
    request.session[PERSON_KEY] = person.pk
    url = public_url(reverse("checkin:scan", args=[checkin.scan_token(person)]))
    return render(request, "checkin/me.html", {"person": person, "qr": _qr_data_uri(url)})


def _phone_person(request):
    from kexie.directory.models import Person

    person_id = request.session.get(PERSON_KEY)
    if not isinstance(person_id, int):
        return None
    return (
        Person.objects.unscoped(reason="the phone's own person, set by their signed link")
        .filter(pk=person_id)
        .first()
    )


@require_http_methods(["GET", "POST"])
def phone(request, pk: int):
    """The page the organiser's QR code opens: check in or out with the code on the screen."""
    session = (
        CheckinSession.objects.unscoped(reason="the on-site code is checked by the service")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    person = _phone_person(request)
    code = (request.POST.get("code") or request.GET.get("c") or "")[:12]
    if request.method == "POST" and person is not None:
        _record(request, session=session, person=person, method=CheckinMethod.ROTATING, code=code)
        return redirect(reverse("checkin:phone", args=[session.pk]) + f"?c={code}")
    record = session.records.filter(person=person).first() if person is not None else None
    context = {"session": session, "person": person, "code": code, "record": record, "now": timezone.now()}
    return render(request, "checkin/phone.html", context)
