"""Password rules answer in Chinese on every channel (Django 5.2 lacks a Chinese text for one of them)."""

import re

import pytest
from django.contrib.auth import password_validation
from django.core.management import CommandError, call_command
from django.utils import translation

ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}(\s+[A-Za-z]{2,}){2,}")


@pytest.mark.parametrize("password", ["abc", "12345678901234", "password123", "newstaff-2020"])
def test_every_password_rule_speaks_chinese(world, password):
    user = world.users["county_staff"]
    with translation.override("zh-hans"):
        try:
            password_validation.validate_password(password, user)
        except Exception as exc:
            messages = exc.messages
        else:
            messages = []
        help_texts = password_validation.password_validators_help_texts()
    for text in [*messages, *help_texts]:
        assert not ENGLISH_WORDS.search(text), text


def test_createuser_short_password_in_chinese(world):
    with pytest.raises(CommandError) as error:
        call_command("createuser", "newstaff", unit="任城区科学技术协会", role=["editor"], password="Ab1!")
    assert "密码太短" in str(error.value) and "password" not in str(error.value)
