"""Every named web URL × persona: anonymous → login, out of scope → 404, no permission → 403.
The cases live in tests/core/matrix_urls.py (others register theirs there)."""

import datetime as dt
import importlib
import importlib.util
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

_spec = importlib.util.spec_from_file_location(
    "kexie_matrix_urls", Path(__file__).with_name("matrix_urls.py")
)
matrix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(matrix)

PERSONAS = (*matrix.PERSONAS, "anonymous")
CASES = matrix.all_cases()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords are hashed with the real (slow) PBKDF2; the matrix does not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def matrix_objects(world, make_activity, settings, tmp_path):
    """Records owned by 任城区科协 (in scope for city_admin and county_staff only)."""
    from kexie.activities.services import activity_attach, activity_submit, campaign_create
    from kexie.core import checkin
    from kexie.core.certificates import certificate_issue, display_code
    from kexie.core.models import HolidayOverride
    from kexie.core.notifications import notify
    from kexie.directory.services import designation_create, person_create

    settings.MEDIA_ROOT = tmp_path
    staff = world.users["county_staff"]
    activity = make_activity(title="已上报的活动")
    activity_submit(actor=staff, activity=activity)
    attachment = activity_attach(
        actor=staff,
        activity=activity,
        upload=SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n0000"),
        is_photo=True,
    )
    school = world.orgs["school"]
    person = person_create(actor=staff, data={"name": "张三", "phone": "13812345678", "unit": staff.unit})
    certificate = certificate_issue(
        actor=staff, kind="honour", holder_name="张小明", title="优秀志愿者", unit=staff.unit, body={}
    )
    return {
        "certificate": certificate,
        "certificate_code": display_code(certificate.code),
        "unknown_code": "ZZZZ-ZZZZ-ZZZZ",
        "notification": notify(users=[staff], text="您有一条待办")[0],
        "checkin_session": checkin.checkin_session_create(
            actor=staff,
            title="社区科普志愿服务",
            starts_at=timezone.now() - dt.timedelta(hours=1),
            ends_at=timezone.now() + dt.timedelta(hours=1),
        ),
        "activity": activity,
        "draft": make_activity(title="草稿活动"),
        "attachment": attachment,
        "org": school,
        "designation": designation_create(
            actor=staff, data={"organisation": school, "title": "科普教育基地", "level": "city", "year": 2019}
        ),
        "person": person,
        "personal_token": checkin.personal_token(person),
        "scan_token": checkin.scan_token(person),
        "rencheng": world.orgs["rencheng"],
        "job": _finished_export_job(staff),
        "holiday_override": HolidayOverride.objects.create(date=dt.date(2099, 5, 1), is_working_day=False),
        "indicator": "activities.by_county",
        "campaign": campaign_create(
            actor=staff,
            data={
                "name": "任城区科普日",
                "year": 2020,
                "start_date": dt.date(2020, 9, 1),
                "end_date": dt.date(2020, 9, 30),
            },
        ),
    }


def _finished_export_job(owner):
    """A background export of 任城区科协's staff, done, its file ready (kexie.core.jobs)."""
    from kexie.core.jobs import job_dir, job_start
    from kexie.core.models import Job

    job = job_start(actor=owner, kind="export", title="导出活动", params={"kind": "activities"})
    Job.objects.filter(pk=job.pk).update(state=Job.DONE, result={"file": "export.csv", "download": "a.csv"})
    (job_dir(job) / "export.csv").write_bytes(b"a,b\n")
    return job


@pytest.fixture
def literacy_objects(world):
    return matrix.literacy_targets(world)


@pytest.fixture
def volunteers_objects(world):
    return matrix.volunteers_targets(world)


@pytest.fixture
def innovation_objects(world, matrix_objects):  # after matrix_objects, which sets MEDIA_ROOT
    with matrix.fresh_innovation_indexes():
        yield matrix.innovation_targets(world)


@pytest.fixture
def calls_objects(world):
    return matrix.calls_targets(world)


# The records each namespace's cases act on, beyond matrix_objects. The reports pages count
# every app's records, so they see them all.
@pytest.fixture
def societies_objects(world):
    return matrix.societies_targets(world)


@pytest.fixture
def hotline_objects(world):
    return matrix.hotline_targets(world)


@pytest.fixture
def opinion_objects(world):
    return matrix.opinion_targets(world)


@pytest.fixture
def office_objects(world):
    return matrix.office_targets(world)


@pytest.fixture
def bases_objects(world):
    return matrix.bases_targets(world)


@pytest.fixture
def stats_objects(world):
    return matrix.stats_targets(world)


NAMESPACE_OBJECTS = {
    "stats": ("stats_objects",),
    "office": ("office_objects",),
    "bases": ("bases_objects",),
    "funds": ("bases_objects",),
    "hotline": ("hotline_objects",),
    "opinion": ("opinion_objects",),
    "literacy": ("literacy_objects",),
    "volunteers": ("volunteers_objects",),
    "innovation": ("innovation_objects",),
    "reports": ("literacy_objects", "innovation_objects"),
    "calls": ("calls_objects",),
    "honours": ("calls_objects",),
    "societies": ("societies_objects",),
}


def _objects_for(case, request, matrix_objects) -> dict:
    objects = dict(matrix_objects)
    for fixture in NAMESPACE_OBJECTS.get(case.name.partition(":")[0], ()):
        objects.update(request.getfixturevalue(fixture))
    return objects


def _value(obj):
    return getattr(obj, "pk", obj)


def _requirement_met(requires: str) -> bool:
    if not requires:
        return True
    module_name, attribute = requires.split(":")
    try:
        return hasattr(importlib.import_module(module_name), attribute)
    except ImportError:
        return False


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_permission_matrix(case, persona, client, personas, matrix_objects, request):
    if not _requirement_met(case.requires):
        pytest.skip(f"{case.requires} not available yet")
    objects = _objects_for(case, request, matrix_objects)
    pks = {key: _value(obj) for key, obj in objects.items()}
    args = [_value(objects[a]) if isinstance(a, str) else a for a in case.args]
    query = case.query.format(**pks)
    url = reverse(case.name, args=args) + (f"?{query}" if query else "")
    data = {k: v.format(**pks) if isinstance(v, str) else v for k, v in case.data.items()}
    if persona != "anonymous":
        client.force_login(personas[persona])
    response = getattr(client, case.method)(url, data)
    if persona == "anonymous" and case.anonymous is None:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
        return
    expected = case.anonymous if persona == "anonymous" else case.expect[persona]
    assert response.status_code == expected, f"{case.method.upper()} {url} as {persona}"


def _named_urls() -> set[str]:
    resolver = get_resolver()
    names = {k for k in resolver.reverse_dict if isinstance(k, str)}
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        if namespace in matrix.EXEMPT_NAMESPACES | matrix.PENDING_NAMESPACES:
            continue
        names |= {f"{namespace}:{k}" for k in sub.reverse_dict if isinstance(k, str)}
    return names


def test_every_named_url_is_in_the_matrix():
    listed = {case.name for case in CASES}
    missing = sorted(_named_urls() - listed)
    assert not missing, f"add these URLs to tests/core/matrix_urls.py: {missing}"


def test_matrix_lists_only_existing_urls():
    stale = sorted({case.name for case in CASES} - _named_urls())
    assert not stale, f"the matrix names URLs that no longer exist: {stale}"
