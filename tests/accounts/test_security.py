import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from kexie.accounts.services import LoginLocked, login_attempt, user_create
from kexie.testing import PASSWORD


def test_lock_after_five_failures(world, personas, rf):
    request = rf.post("/")
    for _ in range(4):
        assert login_attempt(request=request, username="rencheng_staff", password="wrong") is None
    with pytest.raises(LoginLocked):
        login_attempt(request=request, username="rencheng_staff", password="wrong")
    with pytest.raises(LoginLocked):  # even the right password is refused while locked
        login_attempt(request=request, username="rencheng_staff", password=PASSWORD)


def test_success_resets_failures(world, personas, rf):
    request = rf.post("/")
    login_attempt(request=request, username="rencheng_staff", password="wrong")
    assert login_attempt(request=request, username="rencheng_staff", password=PASSWORD) is not None
    personas["county_staff"].refresh_from_db()
    assert personas["county_staff"].failed_login_count == 0


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "1234567890123"])
def test_password_rules(world, password):
    with pytest.raises(ValidationError):
        user_create(actor=None, username="newbie", password=password, unit=world.orgs["city"], roles=[])


def test_security_headers_when_not_debug(client, db):
    response = client.get("/admin/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
def test_idle_session_times_out(world, personas, client, monkeypatch):
    import time

    client.force_login(personas["city_admin"])
    client.get("/admin/login/")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 31 * 60)
    client.get("/admin/login/")
    assert "_auth_user_id" not in client.session


# ---- issue 8: common-pattern passwords, CSP without inline scripts, deployment settings --------


@pytest.mark.parametrize(
    "password",
    [
        "Password123!",
        "P@ssw0rd2024!",
        "Qwerty12345!",
        "1qaz2wsx3edc!A",
        "Kexie2024!!x",
        "Rencheng_staff1!",
        "Admin@123456",
    ],
)
def test_common_pattern_passwords_are_refused(world, password):
    from django.contrib.auth.password_validation import validate_password

    user = world.users["county_staff"]
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert any("常见" in m or "用户名" in m for m in exc.value.messages), exc.value.messages


@pytest.mark.parametrize("password", ["Zq7#mVx2!pLr", "tide-Lamp-93-orbit", "河边晒太阳的猫Zq7!x"])
def test_strong_passwords_pass_the_pattern_check(world, password):
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, world.users["county_staff"])


def test_csp_allows_no_inline_script(client, db):
    policy = client.get("/admin/login/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def _template_files():
    from pathlib import Path

    import kexie

    root = Path(kexie.__file__).parent
    return sorted(p for p in root.rglob("*.html") if "static" not in p.parts)


def test_templates_have_no_inline_scripts_or_handlers():
    """Inline code would be blocked by the CSP: scripts come from static files only."""
    import re

    offenders = []
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")",
            r"\son[a-z]+\s*=",
            r"javascript:",
        ):
            offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text, re.I)]
    assert offenders == []


def _settings_under(env: dict) -> dict:
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, kexie.settings as s; print(json.dumps({k: getattr(s, k, None) for k in "
        "['SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'CSRF_TRUSTED_ORIGINS', 'SECURE_PROXY_SSL_HEADER', "
        "'USE_X_FORWARDED_HOST', 'SECURE_HSTS_INCLUDE_SUBDOMAINS']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KEXIE_")}
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_deployment_settings_come_from_the_environment():
    values = _settings_under(
        {
            "KEXIE_HSTS_SECONDS": "31536000",
            "KEXIE_SSL_REDIRECT": "1",
            "KEXIE_CSRF_TRUSTED_ORIGINS": "https://kx.example.cn",
            "KEXIE_BEHIND_PROXY": "1",
        }
    )
    assert values["SECURE_HSTS_SECONDS"] == 31536000 and values["SECURE_SSL_REDIRECT"] is True
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://kx.example.cn"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_proxy_header_is_not_trusted_by_default():
    assert _settings_under({})["SECURE_PROXY_SSL_HEADER"] is None


def test_readme_lists_the_security_settings():
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for name in (
        "KEXIE_HSTS_SECONDS",
        "KEXIE_SSL_REDIRECT",
        "KEXIE_CSRF_TRUSTED_ORIGINS",
        "KEXIE_BEHIND_PROXY",
    ):
        assert f"`{name}`" in readme, name
