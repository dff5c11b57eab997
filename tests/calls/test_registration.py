"""Public registration on a phone: privacy notice, guardian consent under 14, no login; the
entrant follows the entry by the link."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kexie.calls import registration
from kexie.calls.codes import EntryStatus
from kexie.calls.models import Entry
from kexie.calls.testing import open_call


@pytest.fixture
def public_call(world):
    return open_call(
        world.users["city_admin"], title="第19届济宁市青少年科技创新大赛", kind="competition", entrant_kind="team",
        is_public=True, eligibility=[{"rule": "team", "max": 3}],
        form_fields=[{"name": "category", "label": "类别", "type": "choice", "choices": ["科技创新成果", "科幻画"],
                      "required": True}],
    )  # fmt: skip


TODAY = dt.date(2020, 4, 10)
CHILD = {"name": "小明", "role": "leader", "birth_date": dt.date(2008, 9, 1), "school_stage": "junior"}


def _register(call, members, privacy=True):
    data = {
        "title": "智能浇花器",
        "institution_name": "济宁市第一中学",
        "answers": {"category": "科技创新成果"},
    }
    return registration.entry_register(
        call=call, data=data, members=members, privacy_accepted=privacy, today=TODAY
    )


def test_privacy_and_guardian_consent_are_required(world, public_call):
    with pytest.raises(ValidationError) as exc:
        _register(public_call, [dict(CHILD)], privacy=False)
    assert "隐私说明" in str(exc.value) and "监护人" in str(exc.value)
    assert not Entry.objects.unscoped(reason="test").exists()
    entry, token = _register(public_call, [{**CHILD, "guardian_name": "王家长", "guardian_consent": True}])
    assert entry.status == EntryStatus.SUBMITTED and entry.submitting_unit == public_call.organiser
    member = entry.members.get()
    assert member.guardian_name == "王家长" and member.guardian_consent_at is not None
    from kexie.calls.services import entry_by_status_token

    assert entry_by_status_token(token) == entry


def test_a_fourteen_year_old_needs_no_guardian(world, public_call):
    entry, _token = _register(public_call, [{**CHILD, "birth_date": dt.date(2006, 4, 10)}])
    assert entry.status == EntryStatus.SUBMITTED


def test_the_phone_form_without_login(client, world, public_call):
    url = reverse("calls:register", args=(public_call.pk,))
    page = client.get(url).content.decode()
    assert "隐私说明" in page and "监护人" in page
    response = client.post(url, {
        "title": "智能浇花器", "institution_name": "济宁市第一中学", "phone": "13912345678", "answer_category": "科幻画",
        "members": "小明,负责人,2005-09-01,高中\n小红,成员,2005-10-01,高中", "privacy": "on",
    })  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200 and "报名成功" in body
    entry = Entry.objects.unscoped(reason="test").get()
    assert entry.members.count() == 2 and entry.members.get(role="leader").phone == "13912345678"
    assert "13912345678" not in body


def test_a_call_without_public_registration_has_no_form(client, world, city_call):
    assert client.get(reverse("calls:register", args=(city_call.pk,))).status_code == 404
