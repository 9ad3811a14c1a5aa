"""The annual plan's issued documents: the plan itself (年度监督检查计划, R-04: for the government's
approval and for publication) and one on-site inspection plan per plan item (现场检查方案, R-10, 一企一方案).

Contexts are stored as JSON with the issued document (enforcement.documents): plain strings, numbers and
ISO dates only, so the PDF can be rendered again from the record alone. Both are registered document sources
(enforcement.documents.sources): issued only from a finished step, re-issued as a new version when the data
changes, voided with a reason.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.documents.sources import (
    DocumentSource,
    changes,
    current_document,
    enterprise_context,
    issue_for,
    officer_rows,
    register_source,
    reissue,
)
from plans.annual.coverage import coverage_counts
from plans.annual.models import CheckItem, InspectionMode, InspectionPlan, PlanItem, PlanType

S = InspectionPlan.Status
# A plan becomes a document once it leaves the drafting table: the 送审稿 for the government, then the
# approved text for filing and publication. A superseded version is not issued again.
PLAN_DOCUMENT_STATUSES = (S.SUBMITTED, S.APPROVED, S.FILED, S.PUBLISHED)
PLAN_STEP_PERMISSIONS = (
    "plans.submit_inspectionplan",
    "plans.approve_inspectionplan",
    "plans.file_inspectionplan",
    "plans.publish_inspectionplan",
)


# --- 年度监督检查计划 -------------------------------------------------------------------------------------


def plan_items(plan):
    """The plan's items in the order the document and the Excel list print them: by month, then name."""
    return (
        PlanItem.objects.filter(plan=plan)
        .select_related("enterprise__sector")
        .order_by("planned_month", "enterprise__name", "pk")
    )


def _approval(plan):
    if plan.status not in (S.APPROVED, S.FILED, S.PUBLISHED):
        return None
    return {
        "kind": plan.approval_kind,  # "document" (政府批复) or "instruction" (领导批示)
        "reference": plan.approval_reference,
        # the date on the 批复, not the moment it was recorded.
        "date": plan.approved_on.isoformat() if plan.approved_on else "",
    }


def annual_plan_context(plan):
    items = list(plan_items(plan))
    months: dict = {}
    by_mode = {str(label): 0 for label in InspectionMode.labels}
    for n, item in enumerate(items, start=1):
        mode = item.get_mode_display()
        by_mode[mode] += 1
        months.setdefault(item.planned_month, []).append(
            {
                "n": n,  # numbered through the whole list, month after month
                "enterprise": item.enterprise.name,
                "sector": item.enterprise.sector.name if item.enterprise.sector_id else "",
                "supervision_class": item.enterprise.get_supervision_class_display(),
                "mode": mode,
                "team": item.team,
            }
        )
    counts = coverage_counts(plan) if plan.plan_type == PlanType.WORK_SAFETY else None
    basis = settings.PLAN_DOCUMENT_BASIS
    return {
        "issuer_name": plan.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "title": plan.title,
        "year": plan.year,
        "plan_type": plan.get_plan_type_display(),
        "version": plan.version,
        "revision_reason": plan.revision_reason,
        "status": plan.status,
        "basis": basis.get(plan.plan_type, basis["default"]),
        "approval": _approval(plan),
        "coverage": {
            "items": len(items),
            "enterprises": len({item.enterprise_id for item in items}),
            "by_mode": [{"mode": mode, "count": n} for mode, n in by_mode.items() if n],
            **(
                {
                    "key_total": counts["key_total"],
                    "key_planned": counts["key_total"] - counts["key_missing"],
                    "general_total": counts["general_total"],
                    "general_planned": counts["general_covered"],
                    "general_required": counts["general_required"],
                }
                if counts
                else {}
            ),
        },
        "months": [{"month": month, "rows": rows} for month, rows in sorted(months.items())],
        "month_counts": [{"month": month, "count": len(rows)} for month, rows in sorted(months.items())],
    }


def may_issue_plan_document(user, plan):
    """The plan's own organisation issues its text (R-01), by whoever carries its workflow steps."""
    own = user.is_superuser or user.organisation_id == plan.organisation_id
    return own and any(user.has_perm(perm) for perm in PLAN_STEP_PERMISSIONS)


def _authorise_plan(user, plan, organisation):
    if not may_issue_plan_document(user, plan):
        raise PermissionDenied(_("只有本单位负责计划报批、报备、公示的人员可以出具计划文本。"))


def _plan_ready(plan):
    if plan.status == S.SUPERSEDED:
        raise ValidationError(_("该版本已被新版本替代，请在最新版本上出具计划文本。"))
    if plan.status not in PLAN_DOCUMENT_STATUSES:
        raise ValidationError(_("计划报本级政府审批后才能出具计划文本；草稿请先完成规则检查并报批。"))


ANNUAL_PLAN = DocumentSource(
    doc_type_key="annual_plan",
    model=InspectionPlan,
    queryset=lambda user, action: InspectionPlan.objects.restrict(user, action).select_related("organisation"),
    organisation_of=lambda p: p.organisation,
    title=lambda p: p.title if p.version == 1 else _("%(title)s（第%(v)d版）") % {"title": p.title, "v": p.version},
    build_context=annual_plan_context,
    check_ready=_plan_ready,
    authorise=_authorise_plan,
    # Whoever carries the plan's workflow steps issues its text; may_issue_plan_document decides.
    issue_action="view",
    url=lambda plan: reverse("plans:detail", args=[plan.pk]),
    labels={
        "title": gettext_lazy("计划名称"),
        "status": gettext_lazy("计划状态"),
        "approval": gettext_lazy("批复"),
        "coverage": gettext_lazy("覆盖情况"),
        "months": gettext_lazy("检查安排"),
        "month_counts": gettext_lazy("检查安排"),
        "basis": gettext_lazy("编制依据"),
        "revision_reason": gettext_lazy("调整理由"),
        "version": gettext_lazy("计划版本"),
    },
)


def issue_plan_document(user, plan_id):
    """出具年度监督检查计划 (PDF with a number, R-04) from a plan that has been submitted or gone further.

    Idempotent while the plan says the same; when it has moved on since (approved after the 送审稿 was issued,
    an enterprise renamed), the text is issued again as the next version of the same number, saying why."""
    existing = current_document(f"{InspectionPlan._meta.label_lower}:{plan_id}", "annual_plan")
    if existing is not None and changes(user, existing):
        document = reissue(user, existing.pk, _("计划内容已变化（如已批准、调整），按现有内容重新出具。"))
        document.newly_issued = True
        return document
    return issue_for(user, "annual_plan", plan_id)


# --- 现场检查方案 ---------------------------------------------------------------------------------------


def onsite_check_items(item):
    """The plan item's check items, plus the principal person's duties (安全生产法 第21条) when included."""
    q = Q(pk__in=item.check_items.values("pk"))
    if item.include_principal_duties:
        q |= Q(principal_duty=True, sector__isnull=True, is_active=True)
    return CheckItem.objects.filter(q).select_related("sector").order_by("sector__sort_order", "sort_order", "pk")


def onsite_plan_context(item):
    plan = item.plan
    groups: dict = {}
    for check in onsite_check_items(item):
        groups.setdefault(check.category, []).append({"text": check.text, "basis": check.basis})
    # Certificates valid on the first day of the planned month: the officers named must be able to enforce then.
    on_date = max(timezone.localdate(), timezone.datetime(plan.year, item.planned_month, 1).date())
    return {
        "issuer_name": plan.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "plan_title": plan.title,
        "year": plan.year,
        "month": item.planned_month,
        "mode": item.get_mode_display(),
        "team": item.team,
        "enterprise": enterprise_context(item.enterprise),
        "sector": item.enterprise.sector.name if item.enterprise.sector_id else "",
        "supervision_class": item.enterprise.get_supervision_class_display(),
        "officers": officer_rows(item.officers.all(), on_date),
        "groups": [{"category": category, "items": items} for category, items in groups.items()],
        "notes": item.onsite_notes,
    }


def may_issue_onsite_plan(user, item):
    return user.organisation_id == item.plan.organisation_id and (
        user.has_perm("plans.change_planitem") or item.officers.filter(pk=user.pk).exists()
    )


def _authorise(user, item, organisation):
    if not may_issue_onsite_plan(user, item):
        raise PermissionDenied(_("您没有出具该现场检查方案的权限。"))


ONSITE_PLAN = DocumentSource(
    doc_type_key="onsite_plan",
    model=PlanItem,
    queryset=lambda user, action: PlanItem.objects.restrict(user, action).select_related(
        "plan__organisation", "enterprise__sector"
    ),
    organisation_of=lambda i: i.plan.organisation,
    title=lambda i: _("%(name)s现场检查方案") % {"name": i.enterprise.name},
    build_context=onsite_plan_context,
    authorise=_authorise,
    # Officers named in the item issue it too, without the right to change the plan: may_issue_onsite_plan decides.
    issue_action="view",
    url=lambda item: reverse("plans:item_detail", args=[item.pk]),
    labels={
        "plan_title": gettext_lazy("年度计划"),
        "month": gettext_lazy("计划月份"),
        "mode": gettext_lazy("检查方式"),
        "team": gettext_lazy("检查组"),
        "groups": gettext_lazy("检查事项"),
        "notes": gettext_lazy("现场检查注意事项"),
        "sector": gettext_lazy("行业"),
        "supervision_class": gettext_lazy("监管类别"),
    },
)


def issue_onsite_plan(user, plan_item_id):
    """出具现场检查方案 for one plan item (一企一方案, R-10). Idempotent per plan item."""
    return issue_for(user, "onsite_plan", plan_item_id)


def register_sources():
    """Called from PlansConfig.ready()."""
    register_source(ANNUAL_PLAN)
    register_source(ONSITE_PLAN)
