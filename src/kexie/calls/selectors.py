"""Reads of the call engine: the web, the API and exports call these."""

from django.http import Http404

from kexie.calls.models import Call, Entry


def visible_calls(user):
    return Call.objects.for_user(user).select_related("organiser")


def get_visible_call_or_404(user, pk) -> Call:
    call = visible_calls(user).filter(pk=pk).first()
    if call is None:
        raise Http404
    return call


def visible_entries(user, call: Call | None = None):
    qs = Entry.objects.for_user(user).select_related(
        "call", "person", "organisation", "institution", "submitting_unit"
    )
    return qs.filter(call=call) if call is not None else qs


def get_visible_entry_or_404(user, pk) -> Entry:
    entry = visible_entries(user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def published_calls():
    return Call.objects.published().select_related("organiser")
