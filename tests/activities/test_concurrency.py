"""Workflow steps under concurrency: of two requests that act on what they both read, exactly one
wins and the other is told, in Chinese, that someone else was first.

The threaded tests send real overlapping requests, each on its own connection, on PostgreSQL
(`scripts/with-postgres pytest tests/activities/test_concurrency.py`); a barrier after each
request has read the activity makes them overlap every time. The stale-read tests replay the
same interleaving one step after the other and run on SQLite too.
"""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from kexie.accounts.services import api_token_create
from kexie.activities import api as activities_api
from kexie.activities import views as activities_views
from kexie.activities.models import Activity, Status
from kexie.activities.services import (
    activity_approve,
    activity_delete,
    activity_return,
    activity_submit,
    activity_update,
)
from kexie.core.models import AuditEntry
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together

STALE = "该记录已被他人处理"


def _audit(activity, action):
    return AuditEntry.objects.filter(object_id=str(activity.pk), action=f"kexie.activity.{action}").count()


@pytest.fixture
def submitted(make_activity, personas):
    activity = make_activity()
    activity_submit(actor=personas["county_staff"], activity=activity)
    return activity


def _fresh(activity):
    return Activity.objects.get(pk=activity.pk)


# ---- real concurrent requests (PostgreSQL) ---------------------------------------------------


def _web_client(user) -> Client:
    client = Client(HTTP_HX_REQUEST="true")  # the review queue's row answers with its messages
    client.force_login(user)
    return client


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_on_the_web_one_wins(submitted, personas):
    clients = [_web_client(personas["city_admin"]) for _ in range(2)]
    url = reverse("activities:activity_approve", args=[submitted.pk])
    with meet_after(activities_views, "_activity", parties=2):
        answers = run_together(*(lambda c=c: c.post(url, {"seen": Status.SUBMITTED}) for c in clients))
    assert all(getattr(a, "status_code", None) == 200 for a in answers), answers
    pages = [a.content.decode() for a in answers]
    assert sum("已通过“" in p for p in pages) == 1
    assert sum(f"{STALE}(当前状态:已通过),请刷新后重试" in p for p in pages) == 1
    assert _fresh(submitted).status == Status.APPROVED
    assert _audit(submitted, "approved") == 1


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_approve_and_return_at_once_through_the_api_one_wins(submitted, personas):
    _token, key = api_token_create(actor=personas["city_admin"], user=personas["city_admin"], name="并发")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    base = f"/api/v1/activities/{submitted.pk}"
    approve = lambda: client.post(f"{base}/approve")  # noqa: E731
    send_back = lambda: client.post(f"{base}/return", {"reason": "人数有误"}, content_type="application/json")  # noqa: E731
    with meet_after(activities_api, "get_scoped_or_404", parties=2):
        answers = run_together(approve, send_back)
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.content for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    loser = next(a for a in answers if a.status_code == 409).json()
    assert STALE in loser["detail"] and "请刷新后重试" in loser["detail"]
    final = _fresh(submitted)
    assert final.status == winner["status"]  # the answer the client got is what the record says
    assert _audit(submitted, "approved") + _audit(submitted, "returned") == 1


# ---- the same interleaving, step by step (every database) ------------------------------------


def test_second_approval_of_what_both_read_is_refused(submitted, personas):
    first, second = _fresh(submitted), _fresh(submitted)
    activity_approve(actor=personas["city_admin"], activity=first)
    with pytest.raises(ValidationError) as exc:
        activity_approve(actor=personas["city_admin"], activity=second)
    assert f"{STALE}(当前状态:已通过)" in exc.value.messages[0]
    assert _audit(submitted, "approved") == 1


def test_return_of_what_was_seen_submitted_does_not_act_on_the_approval(submitted, personas):
    seen_by_returner = _fresh(submitted)
    activity_approve(actor=personas["city_admin"], activity=_fresh(submitted))
    with pytest.raises(ValidationError) as exc:
        activity_return(actor=personas["city_admin"], activity=seen_by_returner, reason="人数有误")
    assert STALE in exc.value.messages[0]
    assert _fresh(submitted).status == Status.APPROVED
    assert _audit(submitted, "returned") == 0


def test_web_return_carries_the_state_the_page_showed(client, submitted, personas):
    """The page showed 待审核; meanwhile someone approved. 退回 is allowed from 已通过 too, but
    the user decided on what they saw: refuse, say why, change nothing."""
    activity_approve(actor=personas["city_admin"], activity=_fresh(submitted))
    client.force_login(personas["city_admin"])
    url = reverse("activities:activity_return", args=[submitted.pk])
    page = client.post(url, {"reason": "人数有误", "seen": Status.SUBMITTED}, follow=True)
    assert page.status_code == 200
    assert f"{STALE}(当前状态:已通过),请刷新后重试" in page.content.decode()
    assert _fresh(submitted).status == Status.APPROVED


def test_api_answers_409_with_a_chinese_detail_on_a_stale_step(submitted, personas, monkeypatch):
    """The API reads the record, then someone else approves before its write."""
    _token, key = api_token_create(actor=personas["city_admin"], user=personas["city_admin"], name="并发")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    original = activities_api.get_scoped_or_404

    def read_then_someone_approves(*args, **kwargs):
        activity = original(*args, **kwargs)
        activity_approve(actor=personas["city_admin"], activity=_fresh(activity))
        return activity

    monkeypatch.setattr(activities_api, "get_scoped_or_404", read_then_someone_approves)
    answer = client.post(
        f"/api/v1/activities/{submitted.pk}/return", {"reason": "人数有误"}, content_type="application/json"
    )
    assert answer.status_code == 409
    assert answer.json() == {"detail": "该记录已被他人处理(当前状态:已通过),请刷新后重试"}
    assert _fresh(submitted).status == Status.APPROVED


def test_edit_of_a_record_submitted_meanwhile_does_not_undo_the_submission(make_activity, personas):
    draft = make_activity()
    editing = _fresh(draft)
    activity_submit(actor=personas["county_staff"], activity=_fresh(draft))
    with pytest.raises(ValidationError) as exc:
        activity_update(actor=personas["county_staff"], activity=editing, data={"participants": 1})
    assert STALE in exc.value.messages[0]
    assert _fresh(draft).status == Status.SUBMITTED and _fresh(draft).participants == 120


def test_delete_of_a_record_approved_meanwhile_is_refused(submitted, personas):
    deleting = _fresh(submitted)
    activity_approve(actor=personas["city_admin"], activity=_fresh(submitted))
    with pytest.raises(ValidationError):
        activity_delete(actor=personas["county_staff"], activity=deleting)
    assert Activity.objects.filter(pk=submitted.pk, status=Status.APPROVED).exists()
