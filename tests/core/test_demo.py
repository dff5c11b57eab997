import os
import subprocess
import sys

import pytest

from kexie.activities.models import Activity, Campaign, Status
from kexie.core.validators import id_number_problem, uscc_checksum_ok
from kexie.demo import data as D
from kexie.demo import runner
from kexie.demo.loader import DemoContext
from kexie.directory.models import Designation, Organisation, OrganisationYear, Person, Region


@pytest.fixture
def demo(db):
    return runner.load(migrate=False, modules=False)


def test_demo_builds_the_city_with_real_codes(demo):
    counties = Region.objects.filter(level="county").values_list("code", "name")
    assert dict(counties) == {code: name for code, name, _, _ in D.COUNTIES}
    assert Region.objects.get(code="370800").parent.code == "370000"
    city = Organisation.objects.get(name="济宁市科学技术协会")
    assert (
        Organisation.objects.filter(kind="association", association_level="county", parent=city).count() == 11
    )
    assert Organisation.objects.filter(kind="society").count() == 30
    assert all(o.path.startswith(city.path) for o in Organisation.objects.exclude(pk=city.pk))


def test_demo_identifiers_are_valid_except_the_pilot_code(demo):
    enterprises = Organisation.objects.filter(kind="enterprise")
    bad = [o.name for o in enterprises if not uscc_checksum_ok(o.uscc)]
    assert bad == [D.PILOT_USCC_ENTERPRISE]
    assert Organisation.objects.get(name=D.PILOT_USCC_ENTERPRISE).uscc_checksum_ok is False
    people = list(Person.objects.all()[:50])
    assert people and all(id_number_problem(p.id_number) is None for p in people)
    assert all(p.id_number_masked == p.id_number[:6] + "********" + p.id_number[-4:] for p in people[:5])


def test_demo_records_hold_the_seed_figures(demo):
    approved = Activity.objects.approved().in_year(2020)
    science_day = Campaign.objects.get(name="2020年全国科普日")
    assert approved.filter(campaign=science_day).count() == 132
    assert science_day.participating_units.filter(kind="government_department").count() == 8
    assert approved.filter(kind__code="outreach.volunteer", organiser__name=D.VOLUNTEER_TEAM).count() == 75
    # 2019's namings are history; 2020's are named through the call engine by kexie.bases.demo
    # (tests/bases/test_bases_demo.py checks the 17 and 16).
    assert Designation.objects.filter(year=2019, level="city").count() == 12
    assert Designation.objects.filter(year=2019, level="province").count() == 9
    party = OrganisationYear.objects.filter(organisation__kind="society", has_party_organisation=True)
    assert (party.filter(year=2019).count(), party.filter(year=2020).count()) == (23, 30)
    assert Activity.objects.in_year(2020).exclude(status=Status.APPROVED).exists()


def test_demo_is_idempotent_and_passes_context_to_module_loaders(db, monkeypatch):
    seen = []
    monkeypatch.setattr(runner, "module_loaders", lambda: [("probe", seen.append)])
    context = runner.load(migrate=False)
    assert isinstance(context, DemoContext) and seen == [context]
    assert context.city.name == "济宁市科学技术协会" and context.users["admin"].unit == context.city
    count = Activity.objects.count()
    assert runner.load(migrate=False) is None
    assert Activity.objects.count() == count and seen == [context]


def test_demo_admin_can_log_in(demo, client):
    assert client.login(username=D.ADMIN_USERNAME, password=D.DEMO_PASSWORD)


def test_demo_command_twice_then_reset(tmp_path):
    env = {
        **os.environ,
        "KEXIE_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "KEXIE_DATA_DIR": str(tmp_path / "data"),
    }
    cmd = [sys.executable, "-m", "kexie.cli", "demo", "--no-serve"]
    first = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert first.returncode == 0, first.stderr
    assert "admin" in first.stdout and D.DEMO_PASSWORD in first.stdout
    assert "演示密钥" in first.stdout  # the demo keeps the published key and says so
    assert f"数据库 {tmp_path / 'demo.sqlite3'}" in first.stdout  # and says where its data is
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert second.returncode == 0 and "未重复载入" in second.stdout
    third = subprocess.run(
        [*cmd, "--reset"], env=env, capture_output=True, text=True, cwd=tmp_path, timeout=900
    )
    assert third.returncode == 0 and "已载入演示数据" in third.stdout, third.stderr


def test_readme_names_every_demo_account_and_the_password(demo):
    from pathlib import Path

    from kexie.accounts.models import User

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [u for u in User.objects.values_list("username", flat=True) if f"`{u}`" not in readme]
    assert not missing, f"name these demo accounts in the README: {missing}"
    assert f"`{D.DEMO_PASSWORD}`" in readme
