"""Recording inspections, hazards and re-inspections. One transaction each, audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.inspections import pending
from cases.inspections.models import CheckResult, Hazard, HazardPhoto, Inspection, ReInspection, ReInspectionVisit
from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.services import validate_enforcement_team
from enforcement.uploads import PHOTO, validate_upload
from plans.models import PlanItem

# The facts of the feedback meeting (反馈会) besides "held".
FEEDBACK_DETAILS = ("feedback_meeting_at", "feedback_attendees", "feedback_content")


def time_errors(inspection):
    """{field: message} for the times of ``inspection`` that cannot be true (unsaved values are fine).

    检查起止时间: the start lies on the inspection date, the end after the start, nothing in the future; the
    feedback meeting (R-11 三位一体) is part of the inspection, so it lies between start and end.
    """
    now = timezone.now()
    started, ended, feedback = inspection.started_at, inspection.ended_at, inspection.feedback_meeting_at
    errors = {}
    if started is not None:
        if timezone.localdate(started) != inspection.inspected_on:
            errors["started_at"] = _("检查开始时间须在检查日期当天。")
        elif started > now:
            errors["started_at"] = _("检查开始时间不能晚于当前时间。")
    if ended is not None:
        if timezone.localdate(ended) < inspection.inspected_on:
            errors["ended_at"] = _("检查结束时间不能早于检查日期。")
        elif started is not None and ended < started:
            errors["ended_at"] = _("检查结束时间不能早于开始时间。")
        elif ended > now:
            errors["ended_at"] = _("检查结束时间不能晚于当前时间。")
    if any(getattr(inspection, name) for name in FEEDBACK_DETAILS) and not inspection.feedback_meeting_held:
        errors["feedback_meeting_held"] = _("填写了反馈会情况，请勾选“已召开反馈会”。")
    if feedback is not None:
        if feedback > now:
            errors["feedback_meeting_at"] = _("反馈会时间不能晚于当前时间。")
        elif started is not None and feedback < started:
            errors["feedback_meeting_at"] = _("反馈会在现场检查中召开，时间不能早于检查开始时间。")
        elif ended is not None and feedback > ended:
            errors["feedback_meeting_at"] = _("反馈会在现场检查中召开，时间不能晚于检查结束时间。")
        elif timezone.localdate(feedback) < inspection.inspected_on:
            errors["feedback_meeting_at"] = _("反馈会时间不能早于检查日期。")
    return errors


def partner_ids(officers, organisation):
    """The organisations other than the recording one whose officers are on the team (R-09 / R-55)."""
    return sorted({u.organisation_id for u in officers if u.organisation_id and u.organisation_id != organisation.pk})


def carries_out(user, item) -> bool:
    """Only the plan's own bureau carries out its items: a city or neighbouring user who may read a county's
    plan must not record an inspection in that county's name (issue 9 item 1)."""
    return user.organisation_id is not None and user.organisation_id == item.plan.organisation_id


def plan_item_to_carry_out(user, plan_item_id):
    """The plan item ``user`` records an inspection for.

    Out of the user's scope: ``PlanItem.DoesNotExist`` (404). Another bureau's item: PermissionDenied."""
    item = (
        PlanItem.objects.restrict(user, "view")
        .select_related("plan__organisation", "enterprise__sector")
        .get(pk=plan_item_id)
    )
    if not carries_out(user, item):
        raise PermissionDenied(
            _("该计划事项属于%(org)s的检查计划，只能由%(org)s录入检查。") % {"org": item.plan.organisation.name}
        )
    return item


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
    ``attendance`` holds the other fields of Inspection: who was present, the meetings, the start and end
    times, the other departments of a joint inspection and the summary.
    """
    if not user.has_perm("cases.add_inspection"):
        raise PermissionDenied(_("您没有录入执法检查的权限。"))
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("检查日期不能晚于今天。")})
    if plan_item_id:
        item = plan_item_to_carry_out(user, plan_item_id)
        enterprise, organisation = item.enterprise, item.plan.organisation
    else:
        item = None
        enterprise = Enterprise.objects.restrict(user, "view").get(pk=enterprise_id)
        organisation = user.organisation
    officers = list(officers)
    # 行政处罚法 第42条 / 安全生产法 第67条: at least two officers holding enforcement certificates; officers of
    # the delegating body or another bureau of the city may join (R-55 委托执法, R-09 联合检查).
    validate_enforcement_team(officers, inspected_on, organisation=organisation)
    inspection = Inspection(
        organisation=organisation,
        enterprise=enterprise,
        plan_item=item,
        inspected_on=inspected_on,
        created_by=user,
        **attendance,
    )
    errors = time_errors(inspection)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspection.save()
        inspection.officers.set(officers)
        partners = partner_ids(officers, organisation)
        inspection.partner_organisations.set(partners)
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
        changes = {"enterprise": [None, enterprise.pk]}
        if partners or inspection.other_departments:
            changes["partner_organisations"] = [None, partners]
        record(user, AuditEvent.Action.CREATE, inspection, changes, organisation.pk)
    return inspection


def complete_inspection(
    user,
    inspection_id,
    *,
    launch_meeting_held=False,
    feedback_meeting_held=False,
    ended_at=None,
    feedback_meeting_at=None,
    feedback_attendees="",
    feedback_content="",
):
    """Close the inspection. The feedback meeting is held at the very end, so it and the end time can be
    recorded here; a meeting already recorded is never un-ticked, and a value already recorded is changed
    only by a correction (correct_inspection), never here."""
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
        details = {
            "ended_at": ended_at,
            "feedback_meeting_at": feedback_meeting_at,
            "feedback_attendees": feedback_attendees,
            "feedback_content": feedback_content,
        }
        for name, value in details.items():
            current = getattr(inspection, name)
            if value in (None, "") or value == current:
                continue
            if current not in (None, ""):
                raise ValidationError({name: _("该项已有记录，如需修改请使用“更正”，并说明原因。")})
            setattr(inspection, name, value)
            changes[name] = [None, value.isoformat() if hasattr(value, "isoformat") else value]
        errors = time_errors(inspection)
        if errors:
            raise ValidationError(errors)
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


def add_hazard(
    user,
    inspection_id,
    *,
    description,
    rectification_deadline,
    location="",
    is_major=False,
    photos=(),
    pending_photos=(),
):
    """A hazard found during the inspection, with its rectification deadline and photos (R-12, R-13).

    ``pending_photos`` are the user's PendingPhoto rows kept from an earlier failed submit of the form.
    """
    for photo in photos:
        validate_upload(photo, PHOTO)
    if any(p.owner_id != user.pk for p in pending_photos):
        raise PermissionDenied(_("只能提交本人上传的照片。"))
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
            current_deadline=rectification_deadline,
        )
        for photo in photos:
            HazardPhoto.objects.create(hazard=hazard, file=photo, original_name=photo.name[:255], uploaded_by=user)
        pending.attach(pending_photos, hazard)
        record(user, AuditEvent.Action.CREATE, hazard, {"description": [None, description]}, hazard.organisation_id)
    return hazard


def _visit_for(user, inspection, inspected_on, officers):
    """The visit of ``inspection`` on ``inspected_on`` by this team, created if it is the first result of it.
    The caller holds the inspection row locked, so two saves of one visit never create two."""
    team_key = ReInspectionVisit.team_key_for(officers)
    visit, created = ReInspectionVisit.objects.get_or_create(
        inspection=inspection,
        inspected_on=inspected_on,
        team_key=team_key,
        defaults={"organisation_id": inspection.organisation_id, "created_by": user},
    )
    if created:
        visit.officers.set(officers)
        changes = {"inspected_on": [None, inspected_on.isoformat()]}
        record(user, AuditEvent.Action.CREATE, visit, changes, inspection.organisation_id)
    return visit


def _reinspect(user, visit, hazard, *, result, note, new_deadline):
    """Record one hazard's result on the visit (the hazard row is locked by the caller)."""
    if hazard.status == Hazard.Status.CLOSED:
        raise ValidationError(_("隐患“%(d)s”已复查合格，无需再次复查。") % {"d": hazard.description[:20]})
    if visit.inspected_on < hazard.found_on:
        raise ValidationError({"inspected_on": _("复查日期不能早于发现隐患的日期。")})
    if result not in ReInspection.Result.values:
        raise ValidationError({"result": _("请选择复查结果。")})
    if result == ReInspection.Result.FAILED and (new_deadline is None or new_deadline <= visit.inspected_on):
        raise ValidationError({"new_deadline": _("复查不合格时须重新确定晚于复查日期的整改期限。")})
    reinspection = ReInspection.objects.create(
        hazard=hazard,
        visit=visit,
        inspected_on=visit.inspected_on,
        result=result,
        note=note,
        new_deadline=new_deadline if result == ReInspection.Result.FAILED else None,
        created_by=user,
    )
    reinspection.officers.set(visit.officers.all())
    before = {"status": hazard.status, "current_deadline": hazard.current_deadline.isoformat()}
    if result == ReInspection.Result.PASSED:
        hazard.status = Hazard.Status.CLOSED
        hazard.closed_on = visit.inspected_on
        hazard.rectified_on = hazard.rectified_on or visit.inspected_on
    else:
        # 安全生产法 第65条: the order's deadline (rectification_deadline) stays as ordered; the new one, recorded on
        # the re-inspection, is the deadline in force from now on.
        hazard.status = Hazard.Status.OPEN
        hazard.current_deadline = new_deadline
    hazard.save(update_fields=["status", "closed_on", "rectified_on", "current_deadline"])
    after = {"status": hazard.status, "current_deadline": hazard.current_deadline.isoformat()}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    record(user, AuditEvent.Action.UPDATE, hazard, changes, hazard.organisation_id)
    return reinspection


def record_reinspection_visit(user, inspection_id, *, inspected_on, officers, results):
    """整改复查 of several hazards of one inspection on one visit (R-13 closed loop), in one transaction.

    ``results``: [{"hazard": id, "result": "passed"|"failed", "note": str, "new_deadline": date|None}]. Passed
    closes the hazard; failed keeps it open with a new deadline after the visit, its original deadline kept.
    Errors name the hazard row: {"results": {hazard id: message}} or a field of the visit.
    """
    if not user.has_perm("cases.add_reinspection"):
        raise PermissionDenied(_("您没有录入整改复查的权限。"))
    if not results:
        raise ValidationError(_("请至少填写一项隐患的复查结果。"))
    with transaction.atomic():
        inspection = (
            Inspection.objects.restrict(user, "change")
            .select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=inspection_id)
        )
        # 行政处罚法 第42条 / 安全生产法 第67条: at least two certified officers; the same team rules as the
        # inspection, so a township may bring its delegating county's officer.
        validate_enforcement_team(officers, inspected_on, organisation=inspection.organisation)
        ids = [row["hazard"] for row in results]
        if len(set(ids)) != len(ids):
            raise ValidationError(_("同一隐患在一次复查中只能填写一个结果。"))
        hazards = {
            h.pk: h
            for h in Hazard.objects.restrict(user, "change")
            .select_for_update()
            .filter(inspection=inspection, pk__in=ids)
        }
        missing = [pk for pk in ids if pk not in hazards]
        if missing:
            raise ValidationError(_("所选隐患不属于本次检查。"))
        visit = _visit_for(user, inspection, inspected_on, officers)
        errors = {}
        for row in results:
            try:
                with transaction.atomic():
                    _reinspect(
                        user,
                        visit,
                        hazards[row["hazard"]],
                        result=row.get("result"),
                        note=row.get("note", ""),
                        new_deadline=row.get("new_deadline"),
                    )
            except ValidationError as exc:
                errors[row["hazard"]] = exc
        if errors:
            # Nothing is saved unless every row is right (leaving the block rolls back); each message goes
            # back to its row.
            raise HazardRowErrors(errors)
    return visit


class HazardRowErrors(ValidationError):
    """Per-hazard refusals of a re-inspection visit: ``by_hazard`` maps a hazard id to its ValidationError."""

    def __init__(self, by_hazard):
        self.by_hazard = by_hazard
        super().__init__([message for exc in by_hazard.values() for message in exc.messages])


def record_reinspection(user, hazard_id, *, inspected_on, officers, result, note="", new_deadline=None):
    """整改复查 of one hazard: recorded on the visit of its inspection that day by that team (R-13 closed loop)."""
    with transaction.atomic():
        inspection_id = (
            Hazard.objects.restrict(user, "change").values_list("inspection_id", flat=True).get(pk=hazard_id)
        )
        # Lock the inspection first, then the hazard, as a visit of several hazards does: one visit per
        # inspection, day and team, and no lock-order deadlock between the two.
        inspection = (
            Inspection.objects.restrict(user, "change")
            .select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=inspection_id)
        )
        hazard = Hazard.objects.select_for_update().get(pk=hazard_id)
        # The same team rules as the inspection: a township may bring its delegating county's officer.
        validate_enforcement_team(officers, inspected_on, organisation=inspection.organisation)
        if hazard.status == Hazard.Status.CLOSED:
            raise ValidationError(_("该隐患已复查合格，无需再次复查。"))
        visit = _visit_for(user, inspection, inspected_on, officers)
        return _reinspect(user, visit, hazard, result=result, note=note, new_deadline=new_deadline)


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
