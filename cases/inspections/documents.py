"""Inspection documents: 现场检查记录, 责令限期整改指令书, 整改复查意见书 (R-12, R-13).

Each issue_* function fetches through restrict() (out of scope → DoesNotExist → 404), builds a plain
JSON context and issues through enforcement.documents; issuing again returns the document in force.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.inspections.models import Hazard, Inspection, ReInspection
from enforcement.documents.sources import current_document, enterprise_context, issue_once, officer_rows, source_key

# 行政复议法 第20条 (60 days) / 行政诉讼法 第46条 (6 months): the rights notice every order carries (domain §3.1).
REVIEW_DAYS = 60
LAWSUIT_MONTHS = 6


def _hazard_row(hazard):
    return {
        "description": hazard.description,
        "location": hazard.location,
        "is_major": hazard.is_major,
        "found_on": hazard.found_on.isoformat(),
        "deadline": hazard.rectification_deadline.isoformat(),
    }


def _local_minute(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _time_range(started, ended):
    """检查时间 as the record states it: "2026年5月3日9时30分至11时45分" (the end's date only if another day)."""
    if not started:
        return ""
    start = timezone.localtime(started)
    text = f"{start.year}年{start.month}月{start.day}日{start.hour}时{start.minute:02d}分"
    if ended:
        end = timezone.localtime(ended)
        day = "" if end.date() == start.date() else f"{end.year}年{end.month}月{end.day}日"
        text += f"至{day}{end.hour}时{end.minute:02d}分"
    return text


def _inspection_queryset(user):
    return Inspection.objects.restrict(user, "change").select_related("organisation", "enterprise", "plan_item__plan")


# --- 现场检查记录 ---------------------------------------------------------------------------------------


def inspection_record_context(inspection):
    present = []
    if inspection.principal_present:
        present.append(
            _("主要负责人%(name)s") % {"name": inspection.enterprise.principal_person}
            if inspection.enterprise.principal_person
            else _("主要负责人")
        )
    if inspection.safety_manager_present:
        present.append(_("安全管理人员"))
    if inspection.operators_present:
        present.append(_("岗位操作人员%(names)s") % {"names": inspection.operators_present})
    partners = list(inspection.partner_organisations.order_by("path").values_list("name", flat=True))
    return {
        "issuer_name": inspection.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "enterprise": enterprise_context(inspection.enterprise),
        "inspected_on": inspection.inspected_on.isoformat(),
        "place": inspection.enterprise.address,
        "officers": officer_rows(inspection.officers.all(), inspection.inspected_on),
        "present": present,
        "experts": inspection.experts,
        "started_at": _local_minute(inspection.started_at),
        "ended_at": _local_minute(inspection.ended_at),
        "inspection_time": _time_range(inspection.started_at, inspection.ended_at),
        "joint": bool(partners or inspection.other_departments),
        "partners": partners,
        "other_departments": inspection.other_departments,
        "launch_meeting_held": inspection.launch_meeting_held,
        "feedback_meeting_held": inspection.feedback_meeting_held,
        "feedback_meeting_at": _local_minute(inspection.feedback_meeting_at),
        "feedback_attendees": inspection.feedback_attendees,
        "feedback_content": inspection.feedback_content,
        "plan_title": inspection.plan_item.plan.title if inspection.plan_item_id else "",
        "results": [
            {"text": r.text, "compliant": r.compliant, "note": r.note} for r in inspection.results.order_by("id")
        ],
        "hazards": [_hazard_row(h) for h in inspection.hazards.order_by("found_on", "id")],
        "summary": inspection.summary,
    }


def issue_inspection_record(user, inspection_id):
    """现场检查记录 (安全生产法 第67–68条). Idempotent per inspection."""
    scoped = _inspection_queryset(user)
    scoped.get(pk=inspection_id)  # out of scope → DoesNotExist (404) before anything else
    return issue_once(
        user,
        scoped,
        inspection_id,
        lambda i: i.organisation,
        "inspection_record",
        lambda i: _("%(name)s现场检查记录") % {"name": i.enterprise.name},
        inspection_record_context,
    )


# --- 责令限期整改指令书 -----------------------------------------------------------------------------------


def open_hazards(inspection):
    return inspection.hazards.exclude(status=Hazard.Status.CLOSED).order_by("found_on", "id")


def rectification_order_context(inspection):
    hazards = [_hazard_row(h) for h in open_hazards(inspection)]
    if not hazards:
        raise ValidationError(_("该检查没有待整改的隐患，无需出具责令限期整改指令书。"))
    record = current_document(source_key(inspection), "inspection_record")
    return {
        "issuer_name": inspection.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "enterprise": enterprise_context(inspection.enterprise),
        "inspected_on": inspection.inspected_on.isoformat(),
        "record_number": record.number if record else "",
        "hazards": hazards,
        "deadline": max(h["deadline"] for h in hazards),
        "has_major": any(h["is_major"] for h in hazards),
        "review_days": REVIEW_DAYS,
        "lawsuit_months": LAWSUIT_MONTHS,
        "officers": officer_rows(inspection.officers.all(), inspection.inspected_on),
    }


def issue_rectification_order(user, inspection_id):
    """责令限期整改指令书 (安全生产法 第65条) for all open hazards of one inspection. Idempotent per inspection."""
    scoped = _inspection_queryset(user)
    scoped.get(pk=inspection_id)
    return issue_once(
        user,
        scoped,
        inspection_id,
        lambda i: i.organisation,
        "rectification_order",
        lambda i: _("%(name)s责令限期整改指令书") % {"name": i.enterprise.name},
        rectification_order_context,
    )


# --- 整改复查意见书 ---------------------------------------------------------------------------------------


def reinspection_opinion_context(reinspection):
    hazard = reinspection.hazard
    inspection = hazard.inspection
    order = current_document(source_key(inspection), "rectification_order")
    passed = reinspection.result == ReInspection.Result.PASSED
    return {
        "issuer_name": hazard.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "enterprise": enterprise_context(inspection.enterprise),
        "order_number": order.number if order else "",
        "order_date": timezone.localtime(order.issued_at).date().isoformat()
        if order
        else inspection.inspected_on.isoformat(),
        "inspected_on": reinspection.inspected_on.isoformat(),
        "officers": officer_rows(reinspection.officers.all(), reinspection.inspected_on),
        "results": [
            {
                **_hazard_row(hazard),
                "passed": passed,
                "result": reinspection.get_result_display(),
                "note": reinspection.note,
                "new_deadline": reinspection.new_deadline.isoformat() if reinspection.new_deadline else "",
            }
        ],
        "passed": passed,
        "note": reinspection.note,
        "new_deadline": reinspection.new_deadline.isoformat() if reinspection.new_deadline else "",
    }


def issue_reinspection_opinion(user, reinspection_id):
    """整改复查意见书 for one re-inspection. Idempotent per re-inspection."""
    scoped = ReInspection.objects.restrict(user, "change").select_related(
        "hazard__organisation", "hazard__inspection__enterprise"
    )
    scoped.get(pk=reinspection_id)
    return issue_once(
        user,
        scoped,
        reinspection_id,
        lambda r: r.hazard.organisation,
        "reinspection_opinion",
        lambda r: _("%(name)s整改复查意见书") % {"name": r.hazard.inspection.enterprise.name},
        reinspection_opinion_context,
    )
