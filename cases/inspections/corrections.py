"""Correcting an inspection after it was saved (issue 8 item 2): never a silent overwrite.

Each correction states why, and records who, when and every value old → new twice: as an
InspectionCorrection (the history on the detail page, values as people read them) and as an audit event on
the inspection (raw values), which is how documents issued before the correction can be found stale. A
completed inspection can still be corrected; its status does not change.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.inspections.models import Inspection, InspectionCorrection
from cases.inspections.services import partner_ids, time_errors
from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.orgs.services import validate_enforcement_team

# Fields of Inspection a correction may change, besides the officers and the check results.
CORRECTABLE = (
    "inspected_on",
    "started_at",
    "ended_at",
    "principal_present",
    "safety_manager_present",
    "operators_present",
    "experts",
    "launch_meeting_held",
    "feedback_meeting_held",
    "feedback_meeting_at",
    "feedback_attendees",
    "feedback_content",
    "other_departments",
    "summary",
)
VERDICTS = {True: _("符合"), False: _("不符合"), None: _("未检查")}


def _label(name):
    return str(Inspection._meta.get_field(name).verbose_name)


def shown(value):
    """A value as the correction history shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _raw(value):
    """A value as the audit event stores it (JSON)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _result_text(compliant, note):
    verdict = str(VERDICTS[compliant])
    return f"{verdict}；{note}" if note else verdict


def _names(users):
    return "、".join(sorted(str(u) for u in users))


class _Changes:
    """Collects one correction's changes in both forms: shown (history) and raw (audit)."""

    def __init__(self):
        self.shown, self.raw = [], {}

    def add(self, key, label, old, new, old_shown=None, new_shown=None):
        self.shown.append(
            {
                "field": key,
                "label": label,
                "old": shown(old) if old_shown is None else old_shown,
                "new": shown(new) if new_shown is None else new_shown,
            }
        )
        self.raw[key] = [_raw(old), _raw(new)]


def correct_inspection(user, inspection_id, *, reason, officers=None, results=None, **values):
    """Correct a saved inspection. ``values`` are CORRECTABLE fields; ``officers`` the whole new team;
    ``results`` {CheckResult id: {"compliant": bool|None, "note": str}}. Only what differs is changed.

    Changing the start time to another day moves the inspection date, and with it the date the
    inspection's hazards were found; deadlines and re-inspections must still come after it.
    """
    unknown = set(values) - set(CORRECTABLE)
    if unknown:
        raise TypeError(f"not correctable: {sorted(unknown)}")
    if not user.has_perm("cases.change_inspection"):
        raise PermissionDenied(_("您没有更正执法检查的权限。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明更正原因。")})
    with transaction.atomic():
        inspection = (
            Inspection.objects.restrict(user, "change")
            .select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=inspection_id)
        )
        changes = _Changes()
        old_date = inspection.inspected_on
        if values.get("started_at") and "inspected_on" not in values:
            values["inspected_on"] = timezone.localdate(values["started_at"])
        for name in CORRECTABLE:
            if name in values and values[name] != getattr(inspection, name):
                changes.add(name, _label(name), getattr(inspection, name), values[name])
                setattr(inspection, name, values[name])
        if inspection.inspected_on > timezone.localdate():
            raise ValidationError({"inspected_on": _("检查日期不能晚于今天。")})
        errors = time_errors(inspection)
        if errors:
            raise ValidationError(errors)

        old_team = list(inspection.officers.all())
        team = list(officers) if officers is not None else old_team
        team_changed = {u.pk for u in team} != {u.pk for u in old_team}
        if team_changed or inspection.inspected_on != old_date:
            # 行政处罚法 第42条: the team as corrected, certified on the (corrected) day.
            validate_enforcement_team(team, inspection.inspected_on, organisation=inspection.organisation)
        if team_changed:
            changes.add(
                "officers",
                _("执法人员"),
                sorted(u.pk for u in old_team),
                sorted(u.pk for u in team),
                _names(old_team),
                _names(team),
            )
        corrected_results = _correct_results(inspection, results or {}, changes)
        if not changes.raw:
            raise ValidationError(_("没有需要更正的内容：所填内容与原记录相同。"))

        inspection.save()
        if team_changed:
            inspection.officers.set(team)
            old_partners = sorted(inspection.partner_organisations.values_list("pk", flat=True))
            new_partners = partner_ids(team, inspection.organisation)
            if new_partners != old_partners:
                inspection.partner_organisations.set(new_partners)
                changes.raw["partner_organisations"] = [old_partners, new_partners]
        for row in corrected_results:
            row.save(update_fields=["compliant", "note"])
        if inspection.inspected_on != old_date:
            _move_hazards(user, inspection, old_date)
        correction = InspectionCorrection.objects.create(
            inspection=inspection,
            reason=reason,
            changes=changes.shown,
            was_completed=inspection.status == Inspection.Status.COMPLETED,
            corrected_by=user,
        )
        record(
            user,
            AuditEvent.Action.UPDATE,
            inspection,
            {**changes.raw, "correction": [None, correction.pk], "reason": [None, reason]},
            inspection.organisation_id,
        )
    return correction


def _correct_results(inspection, results, changes):
    rows = {r.pk: r for r in inspection.results.all()}
    unknown = set(results) - set(rows)
    if unknown:
        raise ValidationError(_("检查事项不属于该检查。"))
    corrected = []
    for pk, new in results.items():
        row = rows[pk]
        compliant, note = new.get("compliant"), (new.get("note") or "").strip()
        if (compliant, note) == (row.compliant, row.note):
            continue
        changes.add(
            f"results.{pk}",
            _("检查事项：%(text)s") % {"text": row.text},
            {"compliant": row.compliant, "note": row.note},
            {"compliant": compliant, "note": note},
            _result_text(row.compliant, row.note),
            _result_text(compliant, note),
        )
        row.compliant, row.note = compliant, note
        corrected.append(row)
    return corrected


def _move_hazards(user, inspection, old_date):
    """The hazards were found on the inspection day: they follow a corrected date, if their dates allow."""
    for hazard in inspection.hazards.select_for_update().prefetch_related("reinspections"):
        if hazard.rectification_deadline < inspection.inspected_on or any(
            r.inspected_on < inspection.inspected_on for r in hazard.reinspections.all()
        ):
            raise ValidationError(
                {
                    "started_at": _("隐患“%(h)s”的整改期限或复查日期早于更正后的检查日期，不能这样更正。")
                    % {"h": str(hazard)}
                }
            )
        if hazard.found_on != inspection.inspected_on:
            hazard.found_on = inspection.inspected_on
            hazard.save(update_fields=["found_on"])
            record(
                user,
                AuditEvent.Action.UPDATE,
                hazard,
                {"found_on": [old_date.isoformat(), inspection.inspected_on.isoformat()]},
                hazard.organisation_id,
            )
