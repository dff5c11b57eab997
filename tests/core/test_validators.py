import pytest

from kexie.core.masking import mask_id_number, mask_phone
from kexie.core.validators import (
    id_number_check_char,
    id_number_problem,
    phone_problem,
    uscc_check_char,
    uscc_checksum_ok,
    uscc_problem,
)


def test_uscc_check_digit_matches_published_code():
    # 91370800MA3C5YJ13M style codes: check a code we complete ourselves and a known public one.
    assert uscc_checksum_ok("91110000600037341L")  # a published USCC (Sinopec Beijing), check digit L
    assert not uscc_checksum_ok("91110000600037341M")


@pytest.mark.parametrize("body", ["91370800MA3C5YJ13", "52370800MJD6018745"[:17], "12370800004358977"])
def test_uscc_generated_check_char_validates(body):
    assert uscc_checksum_ok(body + uscc_check_char(body))


@pytest.mark.parametrize(
    ("code", "reason"),
    [("9137080", "应为18位"), ("91370800MA3C5YJ1OI", "不允许的字符")],
)
def test_uscc_format_problems_are_chinese(code, reason):
    assert reason in uscc_problem(code)


def test_id_number_checksum_and_birth_date():
    body = "37081119800101001"
    good = body + id_number_check_char(body)
    assert id_number_problem(good) is None
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert "校验位" in id_number_problem(wrong)
    bad_date = "37081119801301001"
    assert "出生日期" in id_number_problem(bad_date + id_number_check_char(bad_date))
    assert "18位" in id_number_problem("3708111980")


def test_published_id_number_example_validates():
    assert id_number_problem("11010519491231002X") is None  # the example printed in GB 11643


def test_masks_keep_six_plus_four_and_three_plus_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_phone("13853712345") == "138****2345"
    assert mask_id_number("") == ""


def test_phone_formats():
    assert phone_problem("13853712345") is None
    assert phone_problem("0537-2345678") is None
    assert phone_problem("12345") is not None
