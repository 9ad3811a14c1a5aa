"""Password complexity: letters, digits and symbols together (等保2.0 8.1.4.1 身份鉴别 a) 口令具有复杂度要求).

Length, similarity to the account's names and common passwords are Django's own validators, configured
next to this one in settings.AUTH_PASSWORD_VALIDATORS.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


def _has_letter(password):
    return any(char.isalpha() for char in password)


def _has_digit(password):
    return any(char.isdigit() for char in password)


def _has_symbol(password):
    # Anything that is neither a letter, a digit nor white space counts: punctuation, ¥, full-width marks.
    return any(not char.isalnum() and not char.isspace() for char in password)


CLASSES = (
    (_has_letter, gettext_noop("字母")),
    (_has_digit, gettext_noop("数字")),
    (_has_symbol, gettext_noop("符号（如 ! @ # ¥ - _ 等）")),
)


class CharacterClassesValidator:
    """The password holds at least one letter, one digit and one symbol."""

    def validate(self, password, user=None):
        missing = [_(name) for present, name in CLASSES if not present(password)]
        if missing:
            raise ValidationError(
                _("密码必须同时包含字母、数字和符号，当前缺少：%(missing)s。") % {"missing": "、".join(missing)},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须同时包含字母、数字和符号。")
