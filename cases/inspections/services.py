"""Recording inspections, hazards and re-inspections. One transaction each, audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.inspections.models import CheckResult, Hazard, HazardPhoto, Inspection, ReInspection
from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.services import validate_enforcement_team
from enforcement.uploads import PHOTO, validate_upload
from plans.models import PlanItem


def record_inspection(
    user,
    *,
    inspected_on,
    officers,
    plan_item_id=None,
    enterprise_id=None,
    results=(),
    **attendance,
):
    """Record an on-site inspection (R-11, R-12), usually carrying out a plan item.

    ``results`` is a list of {"check_item": CheckItem|None, "text": str, "compliant": bool|None, "note": str}.
    """
    if not user.has_perm("cases.add_inspection"):
        raise PermissionDenied(_("您没有录入执法检查的权限。"))
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("检查日期不能晚于今天。")})
    if plan_item_id:
        item = PlanItem.objects.restrict(user, "view").select_related("plan", "enterprise").get(pk=plan_item_id)
        enterprise, organisation = item.enterprise, item.plan.organisation
    else:
        item = None
        enterprise = Enterprise.objects.restrict(user, "view").get(pk=enterprise_id)
        organisation = user.organisation
    # 行政处罚法 第42条 / 安全生产法 第67条: at least two officers holding enforcement certificates.
    validate_enforcement_team(officers, inspected_on)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            organisation=organisation,
            enterprise=enterprise,
            plan_item=item,
            inspected_on=inspected_on,
            created_by=user,
            **attendance,
        )
        inspection.officers.set(officers)
        CheckResult.objects.bulk_create(
            CheckResult(
                inspection=inspection,
                check_item=row.get("check_item"),
                text=row.get("text") or (row["check_item"].text if row.get("check_item") else ""),
                compliant=row.get("compliant"),
                note=row.get("note", ""),
            )
            for row in results
        )
        record(user, AuditEvent.Action.CREATE, inspection, {"enterprise": [None, enterprise.pk]}, organisation.pk)
    return inspection


def complete_inspection(user, inspection_id, *, launch_meeting_held=False, feedback_meeting_held=False):
    """Close the inspection. The feedback meeting is held at the very end, so it can be ticked here;
    a meeting already recorded is never un-ticked."""
    with transaction.atomic():
        inspection = Inspection.objects.restrict(user, "change").select_for_update().get(pk=inspection_id)
        if inspection.status == Inspection.Status.COMPLETED:
            raise ValidationError(_("该检查已完成。"))
        changes = {}
        for name, held in (
            ("launch_meeting_held", launch_meeting_held),
            ("feedback_meeting_held", feedback_meeting_held),
        ):
            if held and not getattr(inspection, name):
                setattr(inspection, name, True)
                changes[name] = [False, True]
        if not (inspection.launch_meeting_held and inspection.feedback_meeting_held):
            # R-11 三位一体: launch meeting + inspection + feedback meeting.
            raise ValidationError(_("“三位一体”检查须召开启动会和反馈会后方可完成。"))
        inspection.status = Inspection.Status.COMPLETED
        inspection.completed_at = timezone.now()
        inspection.save(update_fields=["status", "completed_at", *changes])
        record(
            user,
            AuditEvent.Action.UPDATE,
            inspection,
            {
                "status": ["in_progress", "completed"],
                "completed_at": [None, inspection.completed_at.isoformat()],
                **changes,
            },
            inspection.organisation_id,
        )
    return inspection


def add_hazard(user, inspection_id, *, description, rectification_deadline, location="", is_major=False, photos=()):
    """A hazard found during the inspection, with its rectification deadline and photos (R-12, R-13)."""
    for photo in photos:
        validate_upload(photo, PHOTO)
    with transaction.atomic():
        inspection = Inspection.objects.restrict(user, "change").get(pk=inspection_id)
        if rectification_deadline < inspection.inspected_on:
            raise ValidationError({"rectification_deadline": _("整改期限不能早于检查日期。")})
        if not description.strip():
            raise ValidationError({"description": _("请填写隐患描述。")})
        hazard = Hazard.objects.create(
            inspection=inspection,
            organisation_id=inspection.organisation_id,
            description=description,
            location=location,
            is_major=is_major,
            found_on=inspection.inspected_on,
            rectification_deadline=rectification_deadline,
        )
        for photo in photos:
            HazardPhoto.objects.create(hazard=hazard, file=photo, original_name=photo.name[:255], uploaded_by=user)
        record(user, AuditEvent.Action.CREATE, hazard, {"description": [None, description]}, hazard.organisation_id)
    return hazard


def record_reinspection(user, hazard_id, *, inspected_on, officers, result, note="", new_deadline=None):
    """整改复查: passed closes the hazard; failed keeps it open with a new deadline (R-13 closed loop)."""
    validate_enforcement_team(officers, inspected_on)
    with transaction.atomic():
        hazard = Hazard.objects.restrict(user, "change").select_for_update().get(pk=hazard_id)
        if hazard.status == Hazard.Status.CLOSED:
            raise ValidationError(_("该隐患已复查合格，无需再次复查。"))
        if inspected_on < hazard.found_on:
            raise ValidationError({"inspected_on": _("复查日期不能早于发现隐患的日期。")})
        if result == ReInspection.Result.FAILED and (new_deadline is None or new_deadline <= inspected_on):
            raise ValidationError({"new_deadline": _("复查不合格时须重新确定晚于复查日期的整改期限。")})
        reinspection = ReInspection.objects.create(
            hazard=hazard,
            inspected_on=inspected_on,
            result=result,
            note=note,
            new_deadline=new_deadline,
            created_by=user,
        )
        reinspection.officers.set(officers)
        old_status = hazard.status
        if result == ReInspection.Result.PASSED:
            hazard.status = Hazard.Status.CLOSED
            hazard.closed_on = inspected_on
            hazard.rectified_on = hazard.rectified_on or inspected_on
        else:
            hazard.status = Hazard.Status.OPEN
            hazard.rectification_deadline = new_deadline
        hazard.save()
        record(user, AuditEvent.Action.UPDATE, hazard, {"status": [old_status, hazard.status]}, hazard.organisation_id)
    return reinspection


def last_inspector_pairs(enterprise_ids, officer_ids):
    """(officer, enterprise) pairs for the officers of each enterprise's most recent inspection.

    Registered with plans.draws.algorithm as the optional "exclude who inspected it last time" source. The
    arguments may be querysets (subqueries): starting from the pool's officers keeps the rows few.
    """
    latest = (
        Inspection.objects.filter(enterprise=OuterRef("inspection__enterprise"))
        .order_by("-inspected_on", "-id")
        .values("pk")[:1]
    )
    through = Inspection.officers.through
    return list(
        through.objects.filter(user_id__in=officer_ids, inspection__enterprise_id__in=enterprise_ids)
        .annotate(latest=Subquery(latest))
        .filter(inspection_id=F("latest"))
        .values_list("user_id", "inspection__enterprise_id")
    )
