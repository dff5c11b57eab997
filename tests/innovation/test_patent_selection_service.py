"""遴选 through one service (issue 9: orchestration out of the views), and patent imports that
meet a concurrent import of the same file."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from kexie.core.models import AuditEntry
from kexie.innovation import patents
from kexie.innovation.models import Patent, PatentSelection, PatentSelectionList
from kexie.innovation.testing import build_innovation_world

HEADER = "申请号,公开号,题名,摘要,主权项,申请人,发明人,IPC分类号,申请日,公开日,法律状态\n"
ROW = "CN202010000001.1,CN111000001A,一种污水处理膜生物反应器,摘要,主权项,济宁智水环境科技有限公司,王水清,C02F3/12,2020-01-05,2020-05-10,有效\n"  # noqa: E501


@pytest.fixture
def inno(world, personas):
    patents.reset_index()
    world_inno = build_innovation_world(world)
    patents.patent_import(actor=personas["city_admin"], data=(HEADER + ROW).encode(), filename="p.csv")
    patents.patent_registration_create(actor=world_inno["enterprise_user"])
    yield world_inno
    patents.reset_index()


def test_select_into_a_named_list_twice_reuses_it_and_skips_what_is_in_it(inno):
    user, patent = inno["enterprise_user"], Patent.objects.get(publication_no="CN111000001A")
    first, added = patents.patents_select(actor=user, patents=[patent], new_list_name="污水处理备选")
    again, added_again = patents.patents_select(actor=user, patents=[patent], new_list_name="污水处理备选")
    assert first == again and (added, added_again) == (1, 0)
    assert PatentSelectionList.objects.filter(name="污水处理备选").count() == 1
    assert PatentSelection.objects.filter(selection_list=first).count() == 1
    assert AuditEntry.objects.filter(action="kexie.patent.selected").count() == 1


def test_select_nothing_is_a_chinese_message(inno):
    with pytest.raises(ValidationError, match="请勾选要遴选的专利"):
        patents.patents_select(actor=inno["enterprise_user"], patents=[], new_list_name="空")


def test_the_web_page_selects_through_the_service(client, inno, monkeypatch):
    calls = []
    original = patents.patents_select
    monkeypatch.setattr(patents, "patents_select", lambda **kw: calls.append(kw) or original(**kw))
    client.force_login(inno["enterprise_user"])
    patent = Patent.objects.get(publication_no="CN111000001A")
    answer = client.post(
        reverse("innovation:patent_select"),
        {"patent": [patent.pk], "selection_list": "new", "new_list_name": "备选"},
    )
    assert answer.status_code == 302 and len(calls) == 1
    assert PatentSelection.objects.filter(selection_list__name="备选", patent=patent).exists()


def test_a_patent_import_clash_is_reported_not_raised(inno, personas, monkeypatch):
    def clash(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "patent_publication_no"')

    monkeypatch.setattr(Patent.objects, "bulk_create", clash)
    row = ROW.replace("CN111000001A", "CN111000009A").replace("CN202010000001.1", "CN202010000009.1")
    result = patents.patent_import(
        actor=personas["city_admin"], data=(HEADER + row).encode(), filename="p.csv"
    )
    assert any("导入未写入" in e for e in result.errors)
    assert not Patent.objects.filter(publication_no="CN111000009A").exists()
