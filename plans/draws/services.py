"""双随机 draws (国办发〔2015〕58号) and officers' conflict declarations (国发〔2019〕5号): snapshot the pools and
draw, redraw with a reason, verify, add a draw to a plan, publish; declare and withdraw a conflict. Each
change runs in one transaction and writes an audit event."""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, User
from enforcement.orgs.services import certified_officers
from plans.annual.coverage import GeneralCoverage, general_coverage
from plans.annual.models import InspectionMode, InspectionPlan, PlanItem
from plans.annual.services import editable_plan, require, require_responsible
from plans.draws import algorithm as draw_algorithm
from plans.draws.models import ConflictDeclaration, Draw


def enterprise_pool(organisation, definition):
    qs = Enterprise.objects.filter(organisation__path__startswith=organisation.path)
    if definition.get("responsible_only", True):
        qs = qs.filter(responsible_org=organisation)
    if definition.get("organisations"):
        paths = Organisation.objects.filter(pk__in=definition["organisations"]).values_list("path", flat=True)
        cond = Q()
        for path in paths:
            cond |= Q(organisation__path__startswith=path)
        qs = qs.filter(cond)
    if definition.get("sectors"):
        qs = qs.filter(sector_id__in=definition["sectors"])
    if definition.get("supervision_class"):
        qs = qs.filter(supervision_class=definition["supervision_class"])
    return qs


def officer_pool(organisation, definition, on_date):
    org_ids = definition.get("officer_organisations") or [organisation.pk]
    return certified_officers(User.objects.filter(organisation_id__in=org_ids), on_date)


def _drawn_for(plan, replacing=None):
    """Enterprises the current draws for ``plan`` have drawn (a redraw does not count the draw it replaces)."""
    draws = Draw.objects.filter(plan=plan, redrawn_as__isnull=True)
    if replacing is not None:
        draws = draws.exclude(pk=replacing.pk)
    return {row["enterprise"] for result in draws.values_list("result", flat=True) for row in result}


def _plan_enterprises(plan):
    return PlanItem.objects.filter(plan=plan).values("enterprise_id")


def _exclude_for_plan(enterprises, plan, replacing=None):
    """R-02 双随机 for a plan draws among the enterprises it does not cover yet: never one already in the
    plan, nor one another current draw for the plan has drawn. Returns the narrowed pool and what was left
    out (stored with the draw, so its page can say why the pool is smaller than the register)."""
    in_plan = set(enterprises.filter(pk__in=_plan_enterprises(plan)).values_list("pk", flat=True))
    drawn = set(enterprises.filter(pk__in=_drawn_for(plan, replacing)).values_list("pk", flat=True)) - in_plan
    narrowed = enterprises.exclude(pk__in=_plan_enterprises(plan)).exclude(pk__in=drawn)
    return narrowed, {"plan": plan.pk, "in_plan": len(in_plan), "drawn": len(drawn)}


@dataclass(frozen=True)
class DrawSuggestion:
    """How many general enterprises a draw for a plan should take to meet R-02 (一般单位不少于三分之一)."""

    coverage: GeneralCoverage
    pending: int  # drawn for the plan by a current draw, not yet in it

    @property
    def size(self):
        return max(0, self.coverage.missing - self.pending)


def suggest_sample_size(plan):
    coverage = general_coverage(plan)
    pending = (
        Enterprise.objects.filter(
            pk__in=_drawn_for(plan),
            responsible_org=plan.organisation_id,
            supervision_class=Enterprise.SupervisionClass.GENERAL,
        )
        .exclude(pk__in=_plan_enterprises(plan))
        .count()
    )
    return DrawSuggestion(coverage, pending)


def _conflicts(enterprises, officers, exclude_last_inspectors):
    """Officer–enterprise pairs to keep apart; ``enterprises``/``officers`` are querysets of ids (subqueries)."""
    pairs = list(
        ConflictDeclaration.objects.filter(officer_id__in=officers, enterprise_id__in=enterprises).values_list(
            "officer_id", "enterprise_id"
        )
    )
    source = draw_algorithm.exclusion_source("last_inspectors")
    if exclude_last_inspectors and source is not None:
        pairs.extend(source(enterprises, officers))
    return sorted({(int(o), int(e)) for o, e in pairs})


def _snapshot_and_draw(organisation, definition, plan, redraw_of, sample_size, officers_per_enterprise, seed):
    """The pools as they are now (narrowed for a plan; what was left out goes into ``definition``), the
    conflict pairs, and the draw over them."""
    enterprises = enterprise_pool(organisation, definition)
    if plan is not None:
        enterprises, definition["excluded_for_plan"] = _exclude_for_plan(enterprises, plan, redraw_of)
    enterprise_ids = enterprises.values("pk")
    officer_ids = officer_pool(organisation, definition, timezone.localdate()).values("pk")
    enterprises = list(enterprise_ids.order_by("pk").values_list("pk", flat=True))
    officers = list(officer_ids.order_by("pk").values_list("pk", flat=True))
    excluded = _conflicts(enterprise_ids, officer_ids, definition.get("exclude_last_inspectors", False))
    try:
        result = draw_algorithm.run_draw(enterprises, officers, excluded, sample_size, officers_per_enterprise, seed)
    except draw_algorithm.DrawError as exc:
        raise ValidationError(str(exc)) from exc
    return enterprises, officers, excluded, result


def create_draw(
    user,
    organisation,
    title,
    definition,
    sample_size,
    officers_per_enterprise=2,
    seed=None,
    plan=None,
    redraw_of=None,
    redraw_reason="",
    planned_month=None,
):
    """Snapshot the pools, draw, store everything needed to re-run it (国办发〔2015〕58号).

    A draw for a plan leaves out what the plan already covers; with ``planned_month`` its result is added
    to the plan in the same transaction (the default when a draw is started from the plan)."""
    require(user, "plans.add_draw")
    if not Organisation.objects.restrict(user, "view").filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("该单位不在您的管辖范围内。")})
    if plan is not None and plan.organisation_id != organisation.pk:
        raise ValidationError({"plan": _("所属计划必须是组织单位本单位的计划。")})
    definition = {k: v for k, v in definition.items() if k != "excluded_for_plan"}
    seed = seed or secrets.token_hex(16)
    with transaction.atomic():
        if plan is not None:
            # Draws for one plan run one after another, so each leaves out what the previous one drew.
            InspectionPlan.objects.select_for_update().filter(pk=plan.pk).exists()
        enterprises, officers, excluded, result = _snapshot_and_draw(
            organisation, definition, plan, redraw_of, sample_size, officers_per_enterprise, seed
        )
        draw = Draw.objects.create(
            organisation=organisation,
            plan=plan,
            title=title,
            created_by=user,
            pool_definition=definition,
            enterprise_pool=enterprises,
            officer_pool=officers,
            excluded_pairs=[list(p) for p in excluded],
            sample_size=sample_size,
            officers_per_enterprise=officers_per_enterprise,
            seed=seed,
            algorithm_version=draw_algorithm.ALGORITHM_VERSION,
            result=result,
            redraw_of=redraw_of,
            redraw_reason=redraw_reason,
        )
        record(
            user,
            AuditEvent.Action.CREATE,
            draw,
            {"seed": [None, seed], "sample_size": [None, sample_size]},
            organisation.pk,
        )
        if plan is not None and planned_month:
            add_draw_to_plan(user, draw.pk, plan.pk, planned_month)
    return draw


def redraw(user, draw_id, reason, seed=None):
    """A redraw needs a reason and keeps the previous draw (linked, never overwritten)."""
    if not reason.strip():
        raise ValidationError({"redraw_reason": _("重新抽取必须填写理由。")})
    old = Draw.objects.restrict(user, "view").get(pk=draw_id)
    if not old.is_current:
        raise ValidationError(_("该批次已被重新抽取，请在最新批次上操作。"))
    if old.published_at:
        raise ValidationError(_("已公示的抽取结果不能重新抽取。"))
    if PlanItem.objects.filter(draw=old).exists():
        # The plan already carries this result; replacing one enterprise is "remove it, draw the shortfall".
        raise ValidationError(
            _("抽取结果已列入计划，不能重新抽取。如有单位不宜检查，请从计划中移除，再按提示数量补充抽取。")
        )
    return create_draw(
        user,
        old.organisation,
        old.title,
        old.pool_definition,
        old.sample_size,
        old.officers_per_enterprise,
        seed=seed,
        plan=old.plan,
        redraw_of=old,
        redraw_reason=reason,
    )


def verify_draw(draw: Draw) -> bool:
    """Re-run the stored algorithm on the stored inputs; True when it reproduces the stored result."""
    if draw.algorithm_version != draw_algorithm.ALGORITHM_VERSION:
        return False
    rerun = draw_algorithm.run_draw(
        draw.enterprise_pool,
        draw.officer_pool,
        [tuple(p) for p in draw.excluded_pairs],
        draw.sample_size,
        draw.officers_per_enterprise,
        draw.seed,
    )
    return rerun == draw.result


@dataclass(frozen=True)
class AddedToPlan:
    items: list
    already_planned: list  # names of drawn enterprises the plan already had (not added twice)


def add_draw_to_plan(user, draw_id, plan_id, planned_month):
    """Turn a draw's result into plan items (mode 双随机); drawn enterprises count towards coverage.

    An enterprise the plan already has is not added again (R-02: a draw adds what the plan lacks)."""
    require(user, "plans.add_planitem")
    with transaction.atomic():
        draw = Draw.objects.restrict(user, "view").select_for_update().get(pk=draw_id)
        if not draw.is_current:
            raise ValidationError(_("该批次已被重新抽取，请使用最新批次。"))
        plan = editable_plan(user, plan_id)
        enterprises = Enterprise.objects.in_bulk([row["enterprise"] for row in draw.result])
        require_responsible(plan, enterprises.values())
        planned = set(PlanItem.objects.filter(plan=plan).values_list("enterprise_id", flat=True))
        items, already = [], []
        for row in draw.result:
            enterprise = enterprises[row["enterprise"]]
            if enterprise.pk in planned:
                already.append(enterprise.name)
                continue
            item = PlanItem.objects.create(
                plan=plan, enterprise=enterprise, planned_month=planned_month, mode=InspectionMode.RANDOM, draw=draw
            )
            item.officers.set(row["officers"])
            items.append(item)
        changes = {"added_to_plan": [None, {"plan": plan.pk, "month": planned_month, "items": len(items)}]}
        if draw.plan_id != plan.pk:
            changes["plan"] = [draw.plan_id, plan.pk]
            draw.plan = plan
            draw.save(update_fields=["plan"])
        record(user, AuditEvent.Action.UPDATE, draw, changes, plan.organisation_id)
    return AddedToPlan(items, already)


def publish_draw(user, draw_id):
    """一公开: mark a draw's result as published (the bureau copies the printable list to its website)."""
    require(user, "plans.change_draw")
    with transaction.atomic():
        draw = Draw.objects.restrict(user, "change").select_for_update().get(pk=draw_id)
        if not draw.is_current:
            raise ValidationError(_("该批次已被重新抽取，请公示最新批次。"))
        if draw.published_at:
            raise ValidationError(
                _("该批次已于%(date)s公示。") % {"date": f"{timezone.localtime(draw.published_at):%Y-%m-%d}"}
            )
        draw.published_at = timezone.now()
        draw.save(update_fields=["published_at"])
        record(user, AuditEvent.Action.UPDATE, draw, {"published_at": [None, draw.published_at.isoformat()]})
    return draw


def declare_conflict(user, enterprise: Enterprise, relation: str) -> ConflictDeclaration:
    """An officer declares their own relation to an enterprise; draws then never pair them (国发〔2019〕5号)."""
    require(user, "plans.add_conflictdeclaration")
    relation = (relation or "").strip()
    if not relation:
        raise ValidationError({"relation": _("请说明与该单位的利害关系。")})
    if not Enterprise.objects.restrict(user, "view").filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("该生产经营单位不在您的管辖范围内。")})
    with transaction.atomic():
        if ConflictDeclaration.objects.filter(officer=user, enterprise=enterprise).exists():
            raise ValidationError({"enterprise": _("您已申报过与该单位的利害关系。")})
        declaration = ConflictDeclaration.objects.create(officer=user, enterprise=enterprise, relation=relation)
        record(
            user,
            AuditEvent.Action.CREATE,
            declaration,
            {"enterprise": [None, enterprise.pk], "relation": [None, relation]},
            user.organisation_id,
        )
    return declaration


def withdraw_conflict(user, declaration_id):
    """Only the declaring officer withdraws a declaration; anyone else's id is simply not found."""
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.select_for_update().get(pk=declaration_id, officer=user)
        record(
            user,
            AuditEvent.Action.DELETE,
            declaration,
            {"enterprise": [declaration.enterprise_id, None], "relation": [declaration.relation, None]},
            user.organisation_id,
        )
        declaration.delete()
