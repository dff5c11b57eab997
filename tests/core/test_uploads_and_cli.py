import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from kexie.accounts.models import User
from kexie.core.uploads import check_upload


def test_upload_type_size_and_magic_bytes():
    assert check_upload(SimpleUploadedFile("a.xlsx", b"PK\x03\x04rest")) == ".xlsx"
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        check_upload(SimpleUploadedFile("a.exe", b"MZ"))
    with pytest.raises(ValidationError, match="不符"):
        check_upload(SimpleUploadedFile("a.xlsx", b"<html>"))
    with override_settings(UPLOAD_MAX_BYTES=10), pytest.raises(ValidationError, match="文件过大"):
        check_upload(SimpleUploadedFile("a.csv", b"x" * 11))


def test_createuser_command(world):
    call_command(
        "createuser", "newstaff", unit="任城区科学技术协会", role=["editor"], password="Jining-Lotus-2020"
    )
    user = User.objects.get(username="newstaff")
    assert user.unit == world.orgs["rencheng"] and user.has_perm("core.edit_records")
    with pytest.raises(CommandError, match="不存在"):
        call_command("createuser", "x", unit="没有这个单位", password="Jining-Lotus-2020")


def test_kexie_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "kexie.cli", "help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "createuser" in result.stdout
