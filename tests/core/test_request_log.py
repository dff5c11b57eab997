"""The request log: one JSON line per request in the data directory, no personal data, files a
day with a size cap and retention."""

import datetime as dt
import json
import logging

import pytest
from django.urls import reverse

from kexie.core import requestlog
from kexie.directory.models import Person
from kexie.testing import PASSWORD

PHONE = "13812345678"
ID_NUMBER = "370802198001010011"


@pytest.fixture
def log_dir(settings, tmp_path):
    settings.REQUEST_LOG_DIR = tmp_path / "logs"
    yield settings.REQUEST_LOG_DIR
    for handler in logging.getLogger("kexie.requests").handlers:
        handler.close()  # the next test opens its own folder's file


def lines(log_dir) -> list[dict]:
    return [
        json.loads(line) for path in sorted(log_dir.glob("*.log")) for line in path.read_text().splitlines()
    ]


def valid_id_number() -> str:
    from kexie.core.validators import id_number_problem

    return next(ID_NUMBER[:-1] + c for c in "0123456789X" if id_number_problem(ID_NUMBER[:-1] + c) is None)


def test_one_line_per_request_with_who_and_how_long(client, personas, log_dir):
    staff = personas["county_staff"]
    client.force_login(staff)
    response = client.get("/directory/people/?page=1", HTTP_X_REQUEST_ID="proxy-abc.123")
    assert response.status_code == 200 and response["X-Request-ID"] == "proxy-abc.123"
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="not a plain id; DROP")

    first, second = lines(log_dir)
    assert set(first) == {
        "time",
        "method",
        "path",
        "query",
        "status",
        "duration_ms",
        "user",
        "unit",
        "request_id",
    }
    assert (first["method"], first["path"], first["query"], first["status"]) == (
        "GET",
        "/directory/people/",
        ["page"],
        200,
    )
    assert (first["user"], first["unit"], first["request_id"]) == (staff.pk, staff.unit_id, "proxy-abc.123")
    assert first["duration_ms"] > 0 and dt.datetime.fromisoformat(first["time"]).tzinfo is not None
    assert second["status"] == 404 and len(second["request_id"]) == 32  # a fresh id, not the bad one


def test_personal_data_never_reaches_the_log(client, world, personas, log_dir):
    id_number = valid_id_number()
    client.post(reverse("accounts:login"), {"username": "rencheng_staff", "password": PASSWORD})
    response = client.post(
        reverse("directory:person_create"),
        {"name": "王五", "phone": PHONE, "id_number": id_number, "unit": world.orgs["rencheng"].pk},
    )
    assert response.status_code == 302 and Person._base_manager.filter(name="王五").exists()
    client.get(f"/directory/people/?q={PHONE}&phone={PHONE}")
    client.get(f"/directory/people/{id_number}/")  # a number put into a path by mistake
    client.post(reverse("directory:person_list"), {"q": id_number})

    text = "".join(path.read_text() for path in log_dir.glob("*.log"))
    assert text.count("\n") == 5
    for secret in (PHONE, id_number, id_number[6:14], PASSWORD, "王五"):
        assert secret not in text, secret
    assert "/directory/people/*/" in text


def test_a_new_part_when_the_file_is_full_and_old_days_are_deleted(settings, log_dir):
    settings.REQUEST_LOG_MAX_BYTES = 200
    settings.REQUEST_LOG_RETENTION_DAYS = 180
    log_dir.mkdir()
    today = dt.date.today()
    old = log_dir / f"requests-{today - dt.timedelta(days=181)}.log"
    kept = log_dir / f"requests-{today - dt.timedelta(days=180)}.3.log"
    old.write_text("{}\n")
    kept.write_text("{}\n")
    handler = requestlog.DailyFileHandler()
    record = logging.LogRecord(
        "kexie.requests", logging.INFO, __file__, 1, json.dumps({"x": "y" * 80}), None, None
    )
    try:
        for _ in range(7):  # 92 bytes a line: three lines fill a part past 200 bytes
            handler.emit(record)
    finally:
        handler.close()
    assert not old.exists() and kept.exists()
    day = requestlog.timezone.localdate()
    parts = {p.name: len(p.read_text().splitlines()) for p in log_dir.glob(f"requests-{day}*.log")}
    assert parts == {f"requests-{day}.log": 3, f"requests-{day}.1.log": 3, f"requests-{day}.2.log": 1}


def test_switched_off(db, client, log_dir):
    logging.getLogger("kexie.requests").setLevel(logging.WARNING)  # KEXIE_REQUEST_LOG=0
    try:
        client.get("/healthz")
    finally:
        logging.getLogger("kexie.requests").setLevel(logging.INFO)
    assert not log_dir.exists()
