"""How an audit row's ``changes`` read on the auditors' page: field labels, not column names; old → new."""

import json

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _


def _fact_labels():
    # The facts security events keep (enforcement/audit/security.py, services.exported / downloaded).
    return {
        "username": _("用户名"),
        "locked_address": _("锁定地址"),
        "export": _("导出内容"),
        "filters": _("筛选条件"),
        "rows": _("行数"),
        "file": _("文件类型"),
        "name": _("文件名"),
    }


def _label(model, name):
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    return str(_fact_labels().get(name, name))


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
