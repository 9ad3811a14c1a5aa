"""Every text field of every form (web and admin) and every API serializer refuses the characters of
``characters``, with a message naming the field and the character.

Why at the field classes and not in each form: the product has ~60 forms and ~60 serializers, many of them
plain ``Form``/``Serializer`` classes whose values reach the models through services (no model validation
runs there). A base class each of them must remember to inherit, or a validator each model field must
remember to carry, is exactly what the next field forgets. So ``install()`` (run once from
``TextConfig.ready``) wraps the conversion of input to text — ``to_python`` of Django's ``forms.CharField``
and ``to_internal_value`` of DRF's ``CharField`` — of every text field and their subclasses (e-mail, slug,
URL, regex, username …), in our forms, the admin's and the auth views'. It runs before the field's
validators, so the message is this one rather than a format error. tests/text/test_every_text_field.py
walks every form, serializer and model text field to prove it.

Single-line or multi-line: a form field is multi-line when its widget is a ``Textarea``; a serializer field
when it is rendered as a textarea (ModelSerializer does so for a model ``TextField``) or has no
``max_length`` (an unbounded plain ``CharField`` is how the APIs take remarks, reasons and findings).
Characters no document font can draw (an emoji newer than the fonts) are refused the same way (see
enforcement.documents.glyphs). Passwords are exempt: they are never shown nor stored as text, and refusing
them would only lock people out.

The form keeps what the user typed: the refusal is an ordinary field error, so the page re-displays the value.
"""

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from enforcement.documents import glyphs
from enforcement.text.characters import LINE_BREAKS, code_point, first_forbidden

CODE = "control_character"
UNDRAWABLE = "undrawable_character"


def refusal(char: str, label: str | None) -> str:
    """The message for a refused character, naming the field (when it has a label) and the code point."""
    field = f"“{label}”" if label else _("此项")
    if char in LINE_BREAKS:
        return _("%(field)s为单行文本，不能包含换行符或制表符（发现 %(char)s）。") % {
            "field": field,
            "char": code_point(char),
        }
    return _("%(field)s不能包含控制字符或文字方向控制符（如 U+202E），发现 %(char)s。") % {
        "field": field,
        "char": code_point(char),
    }


def undrawable(char: str, label: str | None) -> str:
    field = f"“{label}”" if label else _("此项")
    return _("%(field)s含有公文字体无法显示的字符“%(char)s”（%(code)s），请删除或改用文字表述。") % {
        "field": field,
        "char": char,
        "code": code_point(char),
    }


def _form_field_is_multiline(field) -> bool:
    return isinstance(field.widget, forms.Textarea)


def _form_field_is_exempt(field) -> bool:
    return isinstance(field.widget, forms.PasswordInput)


def _serializer_field_is_multiline(field) -> bool:
    return field.style.get("base_template") == "textarea.html" or field.max_length is None


def _serializer_field_is_exempt(field) -> bool:
    return field.style.get("input_type") == "password"


def _strings(value):
    """The text of a converted value: a string, or the strings of a list (one item per line)."""
    return [item for item in (value if isinstance(value, list | tuple) else [value]) if isinstance(item, str)]


def check_text(value, *, multiline=False, label=None):
    """Raise the refusal (a Django ValidationError) for the first refused character of ``value``.

    Forms and serializers call this through ``install()``; a path that takes text without either (the
    workbook import reads cells, not fields) calls it itself, so that it refuses exactly what they do.
    """
    label = label and str(label)
    for string in _strings(value):
        if (char := first_forbidden(string, multiline)) is not None:
            raise ValidationError(refusal(char, label), code=CODE)
    for string in _strings(value):
        # Text ends up in official documents (and registers printed from them): an emoji no document font
        # draws would vanish from the paper, so it is refused here, where the user can still reword it.
        if (char := glyphs.first_undrawable(string)) is not None:
            raise ValidationError(undrawable(char, label), code=UNDRAWABLE)


def _checked_form_to_python(original):
    @functools.wraps(original)
    def to_python(self, value):
        value = original(self, value)
        if not _form_field_is_exempt(self):
            check_text(value, multiline=_form_field_is_multiline(self), label=self.label)
        return value

    to_python.checks_text = True
    return to_python


def _checked_serializer_to_internal_value(original):
    @functools.wraps(original)
    def to_internal_value(self, data):
        value = original(self, data)
        if not _serializer_field_is_exempt(self):
            try:
                check_text(value, multiline=_serializer_field_is_multiline(self), label=self.label)
            except ValidationError as refused:
                raise serializers.ValidationError(refused.messages[0], code=refused.code) from None
        return value

    to_internal_value.checks_text = True
    return to_internal_value


def install():
    """Wrap the text fields' cleaning once per process (idempotent: ``ready()`` may run again in tests)."""
    if not getattr(forms.CharField.to_python, "checks_text", False):
        forms.CharField.to_python = _checked_form_to_python(forms.CharField.to_python)
    if not getattr(serializers.CharField.to_internal_value, "checks_text", False):
        serializers.CharField.to_internal_value = _checked_serializer_to_internal_value(
            serializers.CharField.to_internal_value
        )


def is_installed() -> bool:
    return getattr(forms.CharField.to_python, "checks_text", False) and getattr(
        serializers.CharField.to_internal_value, "checks_text", False
    )
