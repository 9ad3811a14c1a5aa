"""The audit log as .xlsx for the auditors, streamed row by row (openpyxl write-only)."""

import json

from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement import xlsx


# Failed logins carry whatever a stranger typed as a username, so this log is the first place text a
# spreadsheet would evaluate (=, +, -, @ …) arrives: every cell goes through enforcement.xlsx, which writes
# it as text (OWASP CSV/formula injection) with control characters replaced.
def headers():
    return [
        *(_("时间"), _("用户名"), _("姓名"), _("IP地址"), _("操作")),
        *(_("对象类型"), _("对象编号"), _("对象"), _("详情"), _("哈希")),
    ]


def row(event):
    return [
        timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_username,
        event.actor_name,
        event.ip_address,
        event.get_action_display(),
        str(event.target_type.model_class()._meta.verbose_name) if event.target_type_id else "",
        event.target_id,
        event.target_repr,
        json.dumps(event.changes, ensure_ascii=False, sort_keys=True) if event.changes else "",
        event.hash,
    ]


def write_workbook(events, conditions):
    """A temporary file holding the events (an iterable) under a line stating the conditions used."""
    stated = "；".join(f"{label}：{value}" for label, value in conditions.items()) or _("无")

    def fill(workbook):
        sheet = workbook.create_sheet(_("操作日志"))
        sheet.append(xlsx.row(sheet, [_("查询条件：%(conditions)s") % {"conditions": stated}]))
        sheet.append(xlsx.row(sheet, headers()))
        for event in events:
            sheet.append(xlsx.row(sheet, row(event)))

    return xlsx.write(fill)
