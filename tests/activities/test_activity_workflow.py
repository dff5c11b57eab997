import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kexie.activities.models import Activity, Status
from kexie.activities.services import activity_approve, activity_return, activity_submit, activity_update
from kexie.core.models import AuditEntry
from kexie.core.scoping import scoped


def test_submit_approve_logs_each_step(world, make_activity, personas):
    activity = make_activity()
    activity_submit(actor=personas["county_staff"], activity=activity)
    activity_approve(actor=personas["city_admin"], activity=activity)
    activity.refresh_from_db()
    assert activity.status == Status.APPROVED
    actions = list(AuditEntry.objects.filter(object_id=str(activity.pk)).values_list("action", flat=True))
    assert set(actions) == {"kexie.activity.created", "kexie.activity.submitted", "kexie.activity.approved"}


def test_return_requires_reason_and_allows_resubmit(make_activity, personas):
    activity = make_activity()
    activity_submit(actor=personas["county_staff"], activity=activity)
    with pytest.raises(ValidationError):
        activity_return(actor=personas["city_admin"], activity=activity, reason=" ")
    activity_return(actor=personas["city_admin"], activity=activity, reason="参与人数有误")
    assert activity.status == Status.RETURNED
    activity_update(actor=personas["county_staff"], activity=activity, data={"participants": 80})
    activity_submit(actor=personas["county_staff"], activity=activity)
    assert activity.status == Status.SUBMITTED and activity.return_reason == ""


def test_unit_cannot_approve_its_own_report(make_activity, personas):
    activity = make_activity()
    activity_submit(actor=personas["county_staff"], activity=activity)
    with pytest.raises(PermissionDenied):
        activity_approve(actor=personas["county_staff"], activity=activity)


def test_outsider_cannot_touch_or_see(make_activity, personas):
    activity = make_activity()
    activity_submit(actor=personas["county_staff"], activity=activity)
    with pytest.raises(Http404):
        activity_approve(actor=personas["outsider"], activity=activity)
    assert not scoped(Activity, personas["outsider"]).filter(pk=activity.pk).exists()
    assert scoped(Activity, personas["city_admin"]).filter(pk=activity.pk).exists()


def test_end_before_start_is_rejected_in_chinese(make_activity):
    import datetime as dt

    with pytest.raises(ValidationError) as exc:
        make_activity(start_date=dt.date(2020, 9, 20), end_date=dt.date(2020, 9, 19))
    assert "结束日期不能早于开始日期" in str(exc.value)
    assert Activity.objects.count() == 0
