"""Inspection documents: 现场检查记录, 责令限期整改指令书, 整改复查意见书 (R-12, R-13).

Each is a ``DocumentSource`` registered in ``CasesConfig.ready()``: fetched through restrict() (out of scope →
DoesNotExist → 404), issued only from a finished step, with a plain JSON context built from the record, so
that enforcement.documents can tell when the record changed and re-issue the document as a new version.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.inspections.models import Hazard, Inspection, ReInspection, ReInspectionVisit
from enforcement.documents.sources import (
    DocumentSource,
    current_document,
    enterprise_context,
    first_version,
    issue_for,
    officer_rows,
    register_source,
    source_key,
)

# What the parts of these documents are called, to tell the user what changed since one was issued.
LABELS = {
    "inspected_on": gettext_lazy("检查日期"),
    "place": gettext_lazy("检查地点"),
    "present": gettext_lazy("在场人员"),
    "experts": gettext_lazy("参加检查的专家"),
    "launch_meeting_held": gettext_lazy("启动会"),
    "feedback_meeting_held": gettext_lazy("反馈会"),
    "plan_title": gettext_lazy("检查计划"),
    "results": gettext_lazy("检查事项或复查结果"),
    "hazards": gettext_lazy("隐患及整改期限"),
    "summary": gettext_lazy("检查情况"),
    "record_number": gettext_lazy("现场检查记录文号"),
    # Parts the inspection record gains with start/end times, joint teams and the feedback meeting.
    "started_at": gettext_lazy("检查起止时间"),
    "ended_at": gettext_lazy("检查起止时间"),
    "inspection_time": gettext_lazy("检查起止时间"),
    "joint": gettext_lazy("联合检查单位"),
    "partners": gettext_lazy("联合检查单位"),
    "other_departments": gettext_lazy("联合检查单位"),
    "feedback_meeting_at": gettext_lazy("反馈会"),
    "feedback_attendees": gettext_lazy("反馈会"),
    "feedback_content": gettext_lazy("反馈会"),
    "order_number": gettext_lazy("责令限期整改指令书文号"),
    "order_date": gettext_lazy("责令限期整改指令书日期"),
}

# 行政复议法 第20条 (60 days) / 行政诉讼法 第46条 (6 months): the rights notice every order carries (domain §3.1).
REVIEW_DAYS = 60
LAWSUIT_MONTHS = 6


def _hazard_row(hazard):
    # The deadline the order set (安全生产法 第65条); a later one set on re-inspection is recorded beside it.
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


def _inspection_queryset(user, action):
    return Inspection.objects.restrict(user, action).select_related("organisation", "enterprise", "plan_item__plan")


def _inspection_url(inspection):
    return reverse("cases:inspection_detail", args=[inspection.pk]) + "#documents"


def _require_completed(what):
    def check(inspection):
        if inspection.status != Inspection.Status.COMPLETED:
            raise ValidationError(_("检查尚未完成，完成检查后方可出具%(what)s。") % {"what": what})

    return check


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


INSPECTION_RECORD = DocumentSource(
    doc_type_key="inspection_record",
    model=Inspection,
    queryset=_inspection_queryset,
    organisation_of=lambda i: i.organisation,
    title=lambda i: _("%(name)s现场检查记录") % {"name": i.enterprise.name},
    build_context=inspection_record_context,
    # The record states what the whole inspection found: while it is still 检查中 hazards may be added.
    check_ready=_require_completed(gettext_lazy("现场检查记录")),
    url=_inspection_url,
    labels=LABELS,
)


def issue_inspection_record(user, inspection_id):
    """现场检查记录 (安全生产法 第67–68条) of a completed inspection. Idempotent per inspection."""
    return issue_for(user, "inspection_record", inspection_id)


# --- 责令限期整改指令书 -----------------------------------------------------------------------------------


def open_hazards(inspection):
    return inspection.hazards.exclude(status=Hazard.Status.CLOSED).order_by("found_on", "id")


def ordered_hazards(inspection):
    """The hazards the order covers: all found in the inspection except those rectified on the spot (closed on
    the day they were found). A hazard closed later keeps its place, so the order does not change with it."""
    return inspection.hazards.exclude(status=Hazard.Status.CLOSED, closed_on=F("found_on")).order_by("found_on", "id")


def check_order_ready(inspection):
    _require_completed(gettext_lazy("责令限期整改指令书"))(inspection)
    if not inspection.hazards.exists():
        raise ValidationError(_("该检查未发现隐患，无需出具责令限期整改指令书。"))
    if current_document(source_key(inspection), "rectification_order") is None and not open_hazards(inspection):
        raise ValidationError(_("该检查没有待整改的隐患，无需出具责令限期整改指令书。"))


def rectification_order_context(inspection):
    hazards = [_hazard_row(h) for h in ordered_hazards(inspection)]
    if not hazards:
        raise ValidationError(_("该检查没有待整改的隐患，无需出具责令限期整改指令书。"))
    record = current_document(source_key(inspection), "inspection_record")
    deadlines = {h["deadline"] for h in hazards}
    return {
        "issuer_name": inspection.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "enterprise": enterprise_context(inspection.enterprise),
        "inspected_on": inspection.inspected_on.isoformat(),
        "record_number": record.number if record else "",
        "hazards": hazards,
        # One general date only where every item has it; otherwise each item's own date stands and the latest
        # is named as the final one (never a general date that contradicts an item).
        "deadline": max(deadlines),
        "uniform_deadline": len(deadlines) == 1,
        "has_major": any(h["is_major"] for h in hazards),
        "review_days": REVIEW_DAYS,
        "lawsuit_months": LAWSUIT_MONTHS,
        "officers": officer_rows(inspection.officers.all(), inspection.inspected_on),
    }


RECTIFICATION_ORDER = DocumentSource(
    doc_type_key="rectification_order",
    model=Inspection,
    queryset=_inspection_queryset,
    organisation_of=lambda i: i.organisation,
    title=lambda i: _("%(name)s责令限期整改指令书") % {"name": i.enterprise.name},
    build_context=rectification_order_context,
    check_ready=check_order_ready,
    url=_inspection_url,
    labels=LABELS,
)


def issue_rectification_order(user, inspection_id):
    """责令限期整改指令书 (安全生产法 第65条) for the hazards a completed inspection found. Idempotent."""
    return issue_for(user, "rectification_order", inspection_id)


# --- 整改复查意见书 ---------------------------------------------------------------------------------------


def reinspection_opinion_context(visit):
    inspection = visit.inspection
    order = current_document(source_key(inspection), "rectification_order")
    # A hazard re-inspected twice on one visit (not yet rectified, then rectified the same day) counts with its
    # last result: the opinion states where the visit ended.
    latest = {}
    for reinspection in visit.reinspections.select_related("hazard").order_by("id"):
        latest[reinspection.hazard_id] = reinspection
    rows = []
    for reinspection in sorted(latest.values(), key=lambda r: (r.hazard.found_on, r.hazard_id)):
        rows.append(
            {
                **_hazard_row(reinspection.hazard),
                "passed": reinspection.result == ReInspection.Result.PASSED,
                "result": reinspection.get_result_display(),
                "note": reinspection.note,
                "new_deadline": reinspection.new_deadline.isoformat() if reinspection.new_deadline else "",
            }
        )
    failed = [r for r in rows if not r["passed"]]
    new_deadlines = {r["new_deadline"] for r in failed}
    return {
        "issuer_name": visit.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "enterprise": enterprise_context(inspection.enterprise),
        "order_number": order.number if order else "",
        # The day the order was given: its first version's, so re-issuing the order does not change the opinion.
        "order_date": timezone.localtime(first_version(order).issued_at).date().isoformat()
        if order
        else inspection.inspected_on.isoformat(),
        "inspected_on": visit.inspected_on.isoformat(),
        "officers": officer_rows(visit.officers.all(), visit.inspected_on),
        "results": rows,
        "passed": not failed,
        "failed_numbers": [i for i, r in enumerate(rows, start=1) if not r["passed"]],
        # As in the order: one date where all failed items share it, else each item's own and the latest last.
        "new_deadline": max(new_deadlines) if failed else "",
        "uniform_new_deadline": len(new_deadlines) <= 1,
    }


def _visit_queryset(user, action):
    return ReInspectionVisit.objects.restrict(user, action).select_related(
        "organisation", "inspection__enterprise", "inspection__organisation"
    )


def check_visit_ready(visit):
    if not visit.reinspections.exists():
        raise ValidationError(_("本次复查尚未记录复查结果，无法出具整改复查意见书。"))


REINSPECTION_OPINION = DocumentSource(
    doc_type_key="reinspection_opinion",
    model=ReInspectionVisit,
    queryset=_visit_queryset,
    organisation_of=lambda v: v.organisation,
    title=lambda v: _("%(name)s整改复查意见书") % {"name": v.inspection.enterprise.name},
    build_context=reinspection_opinion_context,
    check_ready=check_visit_ready,
    url=lambda visit: reverse("cases:inspection_detail", args=[visit.inspection_id]) + f"#visit-{visit.pk}",
    labels=LABELS,
)


def issue_reinspection_opinion(user, visit_id):
    """整改复查意见书 for one re-inspection visit: every hazard re-inspected on it. Idempotent per visit."""
    return issue_for(user, "reinspection_opinion", visit_id)


def register_sources():
    """Called from CasesConfig.ready()."""
    for source in (INSPECTION_RECORD, RECTIFICATION_ORDER, REINSPECTION_OPINION):
        register_source(source)
