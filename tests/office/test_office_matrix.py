"""The office's own permission matrix: its roles × its records. One cadre never reads another's
execution record (404, never 403); a department head and the 分管领导 see their departments';
the personnel role sees every cadre's; a 分管领导 does not see another leader's departments."""

import pytest
from django.urls import reverse

from kexie.office.testing import build_office

ROLES = ("user_a", "user_b", "head", "leader", "other_leader", "personnel")

# (url name, target) -> status per role
MATRIX = {
    ("office:record_detail", "record_a"): dict(user_a=200, user_b=404, head=200, leader=200, other_leader=404, personnel=200),
    ("office:record_docx", "record_a"): dict(user_a=200, user_b=404, head=200, leader=200, other_leader=404, personnel=200),
    ("office:record_detail", "record_b"): dict(user_a=404, user_b=200, head=200, leader=200, other_leader=404, personnel=200),
    ("office:record_detail", "record_c"): dict(user_a=404, user_b=404, head=404, leader=404, other_leader=200, personnel=200),
    ("office:task_detail", "task"): dict(user_a=200, user_b=200, head=200, leader=200, other_leader=404, personnel=200),
    ("office:task_detail", "task_c"): dict(user_a=404, user_b=404, head=404, leader=404, other_leader=200, personnel=200),
}  # fmt: skip


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(MATRIX), ids=[f"{n}:{t}" for n, t in MATRIX])
def test_office_matrix(client, office, case, role):
    name, target = case
    client.force_login(office[role])
    response = client.get(reverse(name, args=[office[target].pk]))
    assert response.status_code == MATRIX[case][role], f"{name} {target} as {role}"


def test_a_cadre_cannot_write_into_anothers_record(client, office):
    client.force_login(office["user_b"])
    url = reverse("office:record_act", args=[office["record_a"].pk])
    assert client.post(url, {"action": "notes", "text": "冒名"}).status_code == 404
    office["record_a"].refresh_from_db()
    assert office["record_a"].own_notes == ""


def test_a_cadre_cannot_open_anothers_record(client, office):
    client.force_login(office["user_b"])
    response = client.post(reverse("office:record_open"), {"cadre": office["cadre_a"].pk, "year": "2021"})
    assert response.status_code == 404


def test_record_list_shows_only_ones_own(client, office):
    client.force_login(office["user_a"])
    body = client.get(reverse("office:record_list")).content.decode()
    assert "王干部" in body and "李干部" not in body


def test_home_shows_overdue_tasks(client, office):
    client.force_login(office["head"])
    body = client.get(reverse("home")).content.decode()
    assert "office-panel" in body and "整理2019年度档案" in body
