"""How an audit row's ``changes`` read on the auditors' page: field labels, not column names; old → new."""

import json

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _


def _label(model, name):
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _text(value):
    if value is None or value == "":
        return _("（空）")
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def change_rows(event):
    """[{label, old, new}] for a record change (values stored as [old, new]); [{label, value}] for the facts a
    security event keeps (an export's filter and row count, a failed login's username)."""
    model = event.target_type.model_class() if event.target_type_id else None
    rows = []
    for name, value in (event.changes or {}).items():
        label = _label(model, name)
        if isinstance(value, list) and len(value) == 2:
            rows.append({"label": label, "old": _text(value[0]), "new": _text(value[1])})
        else:
            rows.append({"label": label, "value": _text(value)})
    return rows
