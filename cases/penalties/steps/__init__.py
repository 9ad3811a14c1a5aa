"""The fields of each kind of step record (StepRecord.data), as Django forms, one registry for every kind.

The services validate ``data`` with ``clean_step_data(kind, data)`` before storing it; the pages render the same
form; the document of the step prints the cleaned values. Each form is declared where its document is
(``investigation.py``: filing → review/discussion, extension, closing; ``decision.py``: statement, hearing, delivery,
execution) and registered with ``@step_form(kind)``. Values are stored JSON-plain (strings, numbers, ISO dates).
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_FORMS: dict[str, type[forms.Form]] = {}


def step_form(kind):
    """Class decorator: register ``form_class`` as the fields of StepRecord kind ``kind``."""

    def register(form_class):
        if kind in _FORMS and _FORMS[kind] is not form_class:
            raise RuntimeError(f"step kind {kind!r} registered twice")
        _FORMS[kind] = form_class
        return form_class

    return register


def form_for(kind) -> type[forms.Form]:
    _load()
    try:
        return _FORMS[kind]
    except KeyError:
        raise ValidationError(_("未知的办案环节：%(kind)s") % {"kind": kind}) from None


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "pk"):
        return value.pk
    return value


def clean_step_data(kind, data) -> dict:
    """The step's fields validated by its form, JSON-plain; ValidationError with the form's Chinese messages."""
    form = form_for(kind)(data=data or {})
    if not form.is_valid():
        errors = form.errors.get_json_data()
        raise ValidationError({field: [e["message"] for e in items] for field, items in errors.items()})
    return {k: _plain(v) for k, v in form.cleaned_data.items()}


def _load():
    # The modules that declare forms register them on import.
    from cases.penalties.steps import decision, investigation  # noqa: F401
