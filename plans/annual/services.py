"""State changes of annual plans and their items. Each runs in one transaction, locks the row, checks the
move, saves, writes the transition and an audit event.

The draws feature (plans.draws.services) uses ``require``, ``editable_plan`` and ``require_responsible``
too: a draw added to a plan follows the plan's rules."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation
from plans.annual.coverage import plan_violations
from plans.annual.models import CheckItem, InspectionMode, InspectionPlan, PlanItem, PlanTransition

S = InspectionPlan.Status

# The one path through the workflow; no step may be skipped.
NEXT_STEP = {
    S.DRAFT: S.SUBMITTED,
    S.SUBMITTED: S.APPROVED,
    S.APPROVED: S.FILED,
    S.FILED: S.PUBLISHED,
}
NEXT_STEP_FROM = {to_status: from_status for from_status, to_status in NEXT_STEP.items()}
STEP_PERMISSION = {
    S.SUBMITTED: "plans.submit_inspectionplan",
    S.APPROVED: "plans.approve_inspectionplan",
    S.FILED: "plans.file_inspectionplan",
    S.PUBLISHED: "plans.publish_inspectionplan",
}


def approval_deadline(year: int) -> datetime.date:
    """R-04 / E4: approved plans are due by the end of March (configurable as "MM-DD")."""
    month, day = (int(part) for part in getattr(settings, "PLAN_APPROVAL_DEADLINE", "03-31").split("-"))
    return datetime.date(year, month, day)


def require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied(_("您没有执行该操作的权限。"))


def _locked_plan(user, plan_id, action="change"):
    return InspectionPlan.objects.restrict(user, action).select_for_update().get(pk=plan_id)


def _transition(user, plan, to_status, note="", attachment=None):
    from_status = plan.status
    if NEXT_STEP.get(from_status) != to_status:
        raise ValidationError(
            _("计划当前为“%(current)s”，不能直接变为“%(target)s”。")
            % {"current": plan.get_status_display(), "target": S(to_status).label}
        )
    plan.status = to_status
    plan.save()
    PlanTransition.objects.create(
        plan=plan, from_status=from_status, to_status=to_status, by=user, note=note, attachment=attachment or ""
    )
    record(user, AuditEvent.Action.UPDATE, plan, {"status": [from_status, to_status]}, plan.organisation_id)


def create_plan(user, organisation: Organisation, year: int, plan_type: str, title: str) -> InspectionPlan:
    require(user, "plans.add_inspectionplan")
    if not Organisation.objects.restrict(user, "view").filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("该单位不在您的管辖范围内。")})
    if not user.is_superuser and organisation.pk != user.organisation_id:
        # every enforcement body makes its own annual plan.
        raise ValidationError({"organisation": _("年度计划由各执法主体自行编制，只能为本单位创建计划。")})
    if InspectionPlan.objects.filter(organisation=organisation, year=year, plan_type=plan_type).exists():
        raise ValidationError(_("该单位本年度已有同类计划，如需调整请在原计划上发起新版本。"))
    with transaction.atomic():
        plan = InspectionPlan.objects.create(
            organisation=organisation, year=year, plan_type=plan_type, title=title, created_by=user
        )
        PlanTransition.objects.create(plan=plan, to_status=S.DRAFT, by=user, note=_("创建计划"))
        record(user, AuditEvent.Action.CREATE, plan, {"status": [None, S.DRAFT]}, organisation.pk)
    return plan


def require_own_plan(user, plan):
    """R-01: each enforcement body makes and carries its own plan; the upper level views and acknowledges."""
    if not user.is_superuser and user.organisation_id != plan.organisation_id:
        raise PermissionDenied(_("只有本单位可以编制、修改和报送本单位的计划；上级单位可查看并确认报备。"))


def require_responsible(plan, enterprises):
    """R-03 一家生产经营单位对应一个层级的执法主体: only enterprises this organisation is responsible for."""
    foreign = [e.name for e in enterprises if e.responsible_org_id != plan.organisation_id]
    if foreign:
        raise ValidationError(
            {
                "enterprise": _("以下单位的执法主体不是本单位，不能列入本单位计划：%(names)s")
                % {"names": "、".join(foreign[:10])}
            }
        )


def editable_plan(user, plan_id):
    plan = _locked_plan(user, plan_id)
    require_own_plan(user, plan)
    if not plan.is_editable:
        raise ValidationError(_("只有草稿状态的计划可以修改；已批准的计划请发起新版本。"))
    return plan


def add_item(
    user,
    plan_id,
    enterprise: Enterprise,
    planned_month: int,
    mode=InspectionMode.KEY,
    officers=(),
    check_items=(),
    **fields,
):
    with transaction.atomic():
        plan = editable_plan(user, plan_id)
        # Re-read: the register, not the caller's copy, says who is responsible for it now.
        enterprise = Enterprise.objects.restrict(user, "view").filter(pk=enterprise.pk).first()
        if enterprise is None:
            raise ValidationError({"enterprise": _("该生产经营单位不在您的管辖范围内。")})
        require_responsible(plan, [enterprise])
        item = PlanItem(plan=plan, enterprise=enterprise, planned_month=planned_month, mode=mode, **fields)
        item.full_clean()
        item.save()
        item.officers.set(officers)
        item.check_items.set(check_items)
    return item


def update_item(user, item_id, officers=None, check_items=None, **fields):
    with transaction.atomic():
        item = PlanItem.objects.restrict(user, "view").select_related("plan").get(pk=item_id)
        editable_plan(user, item.plan_id)
        for name, value in fields.items():
            setattr(item, name, value)
        item.full_clean()
        item.save()
        if officers is not None:
            item.officers.set(officers)
        if check_items is not None:
            item.check_items.set(check_items)
    return item


def remove_item(user, item_id):
    with transaction.atomic():
        item = PlanItem.objects.restrict(user, "view").get(pk=item_id)
        editable_plan(user, item.plan_id)
        item.delete()


def _advance(user, plan_id, to_status, note="", attachment=None, check=None, **fields):
    """Move a plan one step along NEXT_STEP, stamping ``fields`` on it. Out of scope → DoesNotExist (404);
    ``check(plan)`` may refuse the step with what the plan's own facts say (after the permission checks)."""
    with transaction.atomic():
        # Found through the view scope so that a user who can see the plan but may not take this step is
        # told so (403) instead of being told the plan does not exist.
        plan = _locked_plan(user, plan_id, "view")
        require(user, STEP_PERMISSION[to_status])
        require_own_plan(user, plan)
        if check is not None and plan.status == NEXT_STEP_FROM[to_status]:
            check(plan)
        if to_status == S.SUBMITTED and plan.status == S.DRAFT:
            violations = plan_violations(plan)
            if violations:
                raise ValidationError([f"{v.title}：{v.message}" for v in violations])
        _transition(user, plan, to_status, note, attachment)
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.save(update_fields=list(fields))
        if to_status == S.APPROVED and plan.previous_id:
            # The earlier version stays on record but no longer counts.
            InspectionPlan.objects.filter(pk=plan.previous_id).update(status=S.SUPERSEDED)
    return plan


def submit_plan(user, plan_id, note=""):
    """Draft → submitted to the local government; every coverage rule must hold (R-02, R-03, R-08, R-50)."""
    return _advance(user, plan_id, S.SUBMITTED, note, submitted_at=timezone.now())


def approve_plan(user, plan_id, kind, reference, attachment, note="", *, approved_on):
    """Submitted → approved by the local government or a leader's instruction (R-04); the proof is uploaded.

    ``approved_on`` is the date on the 批复 (or the instruction), typed from that document: the plan is in
    force from then, not from when it was recorded here (approved_at). It cannot be in the future or
    before the plan was submitted for approval."""
    if kind not in {"document", "instruction"}:
        raise ValidationError({"approval_kind": _("请选择批准方式：政府批复文件或领导批示。")})
    if not attachment:
        raise ValidationError({"attachment": _("请上传政府批复文件或领导批示。")})
    if approved_on is None:
        raise ValidationError({"approved_on": _("请填写批复文件或领导批示上的日期。")})
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("批复日期不能晚于今天。")})

    def not_before_submission(plan):
        submitted_on = timezone.localtime(plan.submitted_at).date() if plan.submitted_at else None
        if submitted_on and approved_on < submitted_on:
            raise ValidationError(
                {
                    "approved_on": _("批复日期不能早于报批日期（%(date)s）。")
                    % {"date": f"{submitted_on.year}年{submitted_on.month}月{submitted_on.day}日"}
                }
            )

    return _advance(
        user,
        plan_id,
        S.APPROVED,
        note,
        attachment,
        check=not_before_submission,
        approved_at=timezone.now(),
        approved_on=approved_on,
        approval_kind=kind,
        approval_reference=reference,
    )


def file_plan(user, plan_id, attachment=None, note=""):
    """Approved → filed (报备) with the upper-level bureau (R-04)."""
    return _advance(user, plan_id, S.FILED, note, attachment, filed_at=timezone.now())


def acknowledge_filing(user, plan_id, note=""):
    """The upper-level bureau confirms it received the filing. Only a strict ancestor may do it."""
    with transaction.atomic():
        plan = _locked_plan(user, plan_id, "view")
        require(user, "plans.acknowledge_inspectionplan")
        if user.organisation is None or not user.organisation.is_ancestor_of(plan.organisation, include_self=False):
            raise PermissionDenied(_("只有上级应急管理部门可以确认报备。"))
        if plan.filed_at is None or plan.filing_acknowledged_at is not None:
            raise ValidationError(_("该计划尚未报备或已确认。"))
        plan.filing_acknowledged_at = timezone.now()
        plan.filing_acknowledged_by = user
        plan.save(update_fields=["filing_acknowledged_at", "filing_acknowledged_by"])
        PlanTransition.objects.create(
            plan=plan, from_status=plan.status, to_status=plan.status, by=user, note=note or _("上级确认报备")
        )
        record(user, AuditEvent.Action.UPDATE, plan, {"filing_acknowledged_by": [None, user.pk]}, plan.organisation_id)
    return plan


def publish_plan(user, plan_id, where, published_at=None, note=""):
    """Filed → published on the bureau's website with the 双随机 plan (R-04)."""
    if not where.strip():
        raise ValidationError({"published_where": _("请填写公示位置（如本局网站栏目网址）。")})
    return _advance(
        user, plan_id, S.PUBLISHED, note, published_at=published_at or timezone.now(), published_where=where
    )


def revise_plan(user, plan_id, reason):
    """A change after approval: a new draft version copying the items; filed again, never a silent edit."""
    require(user, "plans.add_inspectionplan")
    if not reason.strip():
        raise ValidationError({"revision_reason": _("请填写调整理由。")})
    with transaction.atomic():
        plan = _locked_plan(user, plan_id)
        require_own_plan(user, plan)
        if plan.status in (S.DRAFT, S.SUBMITTED, S.SUPERSEDED):
            raise ValidationError(_("只有已批准的计划需要通过新版本调整。"))
        if hasattr(plan, "next_version"):
            raise ValidationError(_("该计划已有调整中的新版本。"))
        new = InspectionPlan.objects.create(
            organisation=plan.organisation,
            year=plan.year,
            plan_type=plan.plan_type,
            version=plan.version + 1,
            previous=plan,
            revision_reason=reason,
            title=plan.title,
            created_by=user,
        )
        for item in plan.items.prefetch_related("officers", "check_items"):
            officers, checks = list(item.officers.all()), list(item.check_items.all())
            copy = PlanItem.objects.create(
                plan=new,
                enterprise_id=item.enterprise_id,
                mode=item.mode,
                planned_month=item.planned_month,
                team=item.team,
                include_principal_duties=item.include_principal_duties,
                onsite_notes=item.onsite_notes,
                draw_id=item.draw_id,
            )
            copy.officers.set(officers)
            copy.check_items.set(checks)
        PlanTransition.objects.create(plan=new, to_status=S.DRAFT, by=user, note=reason)
        record(
            user,
            AuditEvent.Action.CREATE,
            new,
            {"previous": [None, plan.pk], "reason": [None, reason]},
            plan.organisation_id,
        )
    return new


def overdue_plans(year: int, today=None):
    """Plans (current versions) not approved by the deadline, flagged to both levels (R-04)."""
    today = today or timezone.localdate()
    if today <= approval_deadline(year):
        return InspectionPlan.objects.none()
    return InspectionPlan.objects.filter(year=year, status__in=[S.DRAFT, S.SUBMITTED], previous__isnull=True)


# --- additions for the plan pages and API ------------------------------------------------------


def add_key_enterprises(user, plan_id, planned_month, mode=InspectionMode.KEY, officers=(), team=""):
    """Add every key enterprise this plan's organisation is responsible for and that is not yet in the
    plan (R-02 重点单位全覆盖), in one transaction. Each gets the principal-duty items and its sector's
    library items as its on-site plan; returns how many were added."""
    with transaction.atomic():
        plan = editable_plan(user, plan_id)
        missing = list(
            Enterprise.objects.restrict(user, "view")
            .filter(responsible_org=plan.organisation, supervision_class=Enterprise.SupervisionClass.KEY)
            .exclude(pk__in=PlanItem.objects.filter(plan=plan).values("enterprise_id"))
            .order_by("name", "pk")
            .values_list("pk", "sector_id")
        )
        if not missing:
            return 0
        items = PlanItem.objects.bulk_create(
            [
                PlanItem(plan=plan, enterprise_id=pk, planned_month=planned_month, mode=mode, team=team)
                for pk, _sector in missing
            ]
        )
        library = CheckItem.objects.filter(is_active=True).filter(
            Q(sector__isnull=True, principal_duty=True) | Q(sector_id__in={s for _pk, s in missing})
        )
        by_sector: dict = {}
        for check_id, sector_id in library.values_list("pk", "sector_id"):
            by_sector.setdefault(sector_id, []).append(check_id)
        checks = PlanItem.check_items.through
        checks.objects.bulk_create(
            [
                checks(planitem_id=item.pk, checkitem_id=check_id)
                for item, (_pk, sector_id) in zip(items, missing, strict=True)
                for check_id in by_sector.get(None, []) + by_sector.get(sector_id, [])
            ]
        )
        officer_ids = [getattr(o, "pk", o) for o in officers]
        if officer_ids:
            through = PlanItem.officers.through
            through.objects.bulk_create(
                [through(planitem_id=item.pk, user_id=officer_id) for item in items for officer_id in officer_ids]
            )
        record(
            user,
            AuditEvent.Action.UPDATE,
            plan,
            {"key_enterprises_added": [None, len(items)], "planned_month": [None, planned_month]},
            plan.organisation_id,
        )
    return len(items)
