"""Password changes go through one service (issue 9: orchestration out of the views)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from kexie.accounts import services as account_services
from kexie.accounts import views as account_views
from kexie.accounts.models import User
from kexie.core.models import AuditEntry
from kexie.testing import PASSWORD

NEW = "Another-pass-2021!"


def test_the_page_changes_the_password_through_the_service(client, personas, monkeypatch):
    calls = []
    original = account_services.user_password_change
    monkeypatch.setattr(
        account_views, "user_password_change", lambda **kw: calls.append(kw) or original(**kw)
    )
    client.force_login(personas["county_staff"])
    data = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    assert client.post(reverse("accounts:password_change"), data).status_code == 302
    assert len(calls) == 1 and calls[0]["new_password"] == NEW
    assert User.objects.get(username="rencheng_staff").check_password(NEW)
    entry = AuditEntry.objects.get(action="kexie.user.password_changed")
    assert entry.object_id == str(personas["county_staff"].pk)


def test_a_manager_sets_a_password_in_scope_only(personas):
    account_services.user_password_change(
        actor=personas["city_admin"], user=personas["county_staff"], new_password=NEW
    )
    assert User.objects.get(username="rencheng_staff").check_password(NEW)
    with pytest.raises(Http404):  # another county's user: not found, never "forbidden"
        account_services.user_password_change(
            actor=personas["outsider"], user=personas["county_staff"], new_password="Third-pass-2022!"
        )
    with pytest.raises(PermissionDenied):
        account_services.user_password_change(
            actor=personas["society_secretary"],
            user=personas["county_staff"],
            new_password="Third-pass-2022!",
        )
    assert User.objects.get(username="rencheng_staff").check_password(NEW)


def test_a_weak_password_is_refused_in_chinese(personas):
    with pytest.raises(ValidationError) as exc:
        account_services.user_password_change(
            actor=personas["county_staff"], user=personas["county_staff"], new_password="abc"
        )
    assert "密码太短" in " ".join(exc.value.messages)
