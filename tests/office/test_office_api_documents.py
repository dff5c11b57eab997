"""The office's Word documents through the API: the same file as the web download, within scope."""

import io

import pytest
from docx import Document

from kexie.office.testing import build_office

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


def _text(response) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_a_cadre_downloads_their_own_record_not_anothers(client, office):
    client.force_login(office["user_a"])
    own = client.get(f"/api/v1/office/records/{office['record_a'].pk}/docx")
    assert own.status_code == 200 and own["Content-Type"] == DOCX
    assert "attachment" in own["Content-Disposition"]
    text = _text(own)
    assert "2020年度干部执行力档案" in text and "修订财务报销制度" in text  # the task from the decision
    web = client.get(f"/office/records/{office['record_a'].pk}/docx/")
    assert _text(web) == text and web["Content-Disposition"] == own["Content-Disposition"]
    assert client.get(f"/api/v1/office/records/{office['record_b'].pk}/docx").status_code == 404


def test_rulebook_of_the_rules_in_force_on_a_day(client, world, office):
    client.force_login(world.users["city_admin"])
    before = client.get("/api/v1/office/rulebook", {"on": "2020-03-31"})
    assert before.status_code == 200 and before["Content-Type"] == DOCX
    assert "财务报销制度" not in _text(before)  # effective from 2020-04-01
    after = client.get("/api/v1/office/rulebook", {"on": "2020-04-01"})
    text = _text(after)
    assert (
        "截至2020年4月1日现行有效" in text
        and "济宁市科协财务报销制度" in text
        and "第一条 为规范财务报销" in text
    )
    assert _text(client.get("/office/rules/rulebook.docx", {"on": "2020-04-01"})) == text
    bad = client.get("/api/v1/office/rulebook", {"on": "2020-13-01"})
    assert bad.status_code == 422


def test_the_rulebook_holds_only_the_rules_one_sees(client, world, office):
    client.force_login(world.users["county_staff"])
    response = client.get("/api/v1/office/rulebook", {"on": "2020-12-31"})
    assert response.status_code == 200 and "财务报销制度" not in _text(response)
