"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-symbol alphabet (no I, O, Z, S, V); the 18th is a check character over the
first 17 with fixed weights.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def normalise(raw) -> str:
    """Fold full-width characters, drop whitespace, upper-case. Accepts numbers (Excel stores some codes so)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    total = sum(VALUES[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value) -> str:
    """Return the normalised code or raise ValidationError with a Chinese message saying what is wrong."""
    code = normalise(value)
    if not code:
        raise ValidationError(_("统一社会信用代码不能为空。"), code="required")
    if len(code) != LENGTH:
        raise ValidationError(_("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}, code="length")
    illegal = sorted({ch for ch in code if ch not in VALUES})
    if illegal:
        raise ValidationError(
            _("统一社会信用代码含有非法字符：%(chars)s（不得使用I、O、Z、S、V及其他符号）。")
            % {"chars": "、".join(illegal)},
            code="characters",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，实际为“%(actual)s”，请核对。")
            % {"expected": expected, "actual": code[17]},
            code="checksum",
        )
    return code


def make_code(first17: str) -> str:
    """Append the check character (used by demo data and tests)."""
    return first17 + check_character(first17)
