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
