"""Checks for Chinese identifiers: unified social credit code (GB 32100-2015),
resident ID number (GB 11643-1999) and mobile/landline phone numbers."""

import datetime as dt
import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Return why a USCC is malformed (format), or None. Check digit is separate:
    pilot-era codes fail it and are accepted with a warning."""
    if len(code) != 18:
        return "统一社会信用代码应为18位"
    if any(c not in USCC_ALPHABET for c in code):
        return "统一社会信用代码含有不允许的字符(不使用I、O、Z、S、V)"
    return None


def uscc_checksum_ok(code: str) -> bool:
    return uscc_problem(code) is None and uscc_check_char(code[:17]) == code[17]


def id_number_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """Return why a resident ID number is invalid, or None."""
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return "身份证号码应为18位,前17位为数字,末位为数字或X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if id_number_check_char(value[:17]) != value[17]:
        return "身份证号码校验位不正确"
    return None


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def phone_problem(value: str) -> str | None:
    if not _PHONE_RE.match(value):
        return "电话号码格式不正确(手机11位,或固定电话如0537-1234567)"
    return None
