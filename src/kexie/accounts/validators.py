import functools
import re

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Passwords must mix at least three of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、符号中的至少%(n)d类。") % {"n": self.min_classes}


# Keyboard rows and columns, and counting: runs of 4 or more of these are guessed first.
KEYBOARD_RUNS = (
    "1234567890", "0987654321", "qwertyuiop", "poiuytrewq", "asdfghjkl", "lkjhgfdsa", "zxcvbnm",
    "mnbvcxz", "1qaz2wsx3edc4rfv5tgb6yhn", "qazwsxedcrfvtgbyhn", "zaqxswcdevfrbgt", "abcdefghijklmnopqrstuvwxyz",
)  # fmt: skip
# Words a guesser tries first for a Chinese association's platform (besides the common list).
LOCAL_WORDS = (
    "kexie", "kexue", "kejie", "jining", "shandong", "china", "zhongguo", "beijing", "admin", "administrator",
    "root", "user", "test", "guest", "welcome", "iloveyou", "woaini", "love", "qwer", "asdf", "pass", "passwd",
)  # fmt: skip
# Symbols read as letters between letters (P@ssw0rd).
LEET = {"@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "1": "i", "!": "i", "3": "e", "7": "t"}
MIN_LEFT = 4  # letters (or Chinese characters) that must remain beyond the guessable word
MIN_WORD = 4
MAX_CHECKED = 64


@functools.cache
def _guessable_words() -> frozenset[str]:
    common = CommonPasswordValidator().passwords
    words = {w for w in common if len(w) >= MIN_WORD and w.isalnum()}
    for run in KEYBOARD_RUNS:
        words.update(run[i:j] for i in range(len(run)) for j in range(i + MIN_WORD, len(run) + 1))
    words.update(LOCAL_WORDS)
    return frozenset(words)


def _unleet(text: str) -> str:
    chars = list(text)
    for i in range(1, len(chars) - 1):
        if chars[i] in LEET and text[i - 1].isalpha() and (text[i + 1].isalpha() or text[i + 1] in LEET):
            chars[i] = LEET[chars[i]]
    return "".join(chars)


def _personal_words(user) -> set[str]:
    words = set()
    for value in (getattr(user, "username", ""), getattr(user, "display_name", "")):
        value = (value or "").lower()
        words.add("".join(c for c in value if c.isalnum()))
        words.update(re.findall(r"[^\W_]+", value))
    unit = getattr(user, "unit", None) if getattr(user, "unit_id", None) else None
    if unit is not None:
        for name in (unit.name, unit.short_name):
            name = (name or "").lower()
            words.add(name)
            words.update(name.removesuffix(s) for s in ("科学技术协会", "科协") if name.endswith(s))
    return {w for w in words if len(w) >= 2 and (len(w) >= MIN_WORD or not w.isascii())}


def guessable_core(password: str, user=None) -> str | None:
    """The guessable word inside the password (common password, keyboard run, username, unit
    name; leet spelling undone or not) if what is left beyond it is digits, symbols and fewer
    than MIN_LEFT letters: the "Password123!" pattern. None if the password is not like that."""
    lowered = password.lower()[:MAX_CHECKED]
    words = _guessable_words() | _personal_words(user)
    for text in {_alnum(lowered), _alnum(_unleet(lowered))}:
        best = _longest_word(text, words)
        if best and sum(c.isalpha() for c in text.replace(best, "", 1)) < MIN_LEFT:
            return best
    return None


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _longest_word(text: str, words: frozenset[str] | set[str]) -> str:
    """The longest substring that is a guessable word with a letter in it (digits alone are
    counted as digits, not as the word)."""
    best = ""
    for i in range(len(text)):
        for j in range(len(text), i + len(best), -1):
            if text[i:j] in words and not text[i:j].isdigit():
                best = text[i:j]
                break
    return best


class CommonPatternValidator:
    """Refuses a guessable word dressed up with digits and symbols (Password123!, Qwerty12345!,
    Kexie2024!, the username or the unit's name plus a year): length and character classes alone
    accept these, and they are the first a guesser tries. Django's CommonPasswordValidator still
    checks the whole password against its list."""

    def validate(self, password, user=None):
        if guessable_core(password, user) is not None:
            raise ValidationError(self.message(), code="password_common_pattern")

    def message(self) -> str:
        return _("密码由常见单词、键盘序列、用户名或单位名称加数字和符号组成,容易被猜中,请换一个。")

    def get_help_text(self):
        return _("不能是常见单词、键盘序列、用户名或单位名称加上数字和符号。")
