"""Coverage rules of an annual plan, checked live while editing and enforced on submission.

Each rule returns a RuleResult with a Chinese explanation. ``check_plan`` runs them all with a fixed,
small number of aggregate queries; the plan's enterprises are always a subquery, never a Python list
sent back to the database, so a county with thousands of enterprises is checked in well under 200 ms.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import EnforcementCertificate, User
from plans.annual.models import InspectionPlan, PlanItem, PlanType

SAMPLE = 10  # how many offending names a message lists
K = Enterprise.SupervisionClass


@dataclass
class NamedEnterprise:
    """An enterprise a rule names: why it counts (``reasons``), how often the plan has it (``visits``),
    and whether adding it (once more) to the plan is what the rule asks for (``addable``)."""

    id: int
    name: str
    reasons: list[str] = field(default_factory=list)
    visits: int | None = None
    addable: bool = False


@dataclass
class RuleResult:
    code: str
    title: str
    ok: bool
    message: str
    details: list[str] = field(default_factory=list)
    # The enterprises among ``details``, for pages that explain them and offer to add them to the plan.
    enterprises: list[NamedEnterprise] = field(default_factory=list)


@dataclass(frozen=True)
class GeneralCoverage:
    """R-02 一般生产经营单位不少于三分之一: how many general enterprises there are, are planned, are required."""

    total: int
    covered: int

    @property
    def required(self):
        num, den = rule_settings()["general_coverage"]
        return -(-self.total * num // den)  # ceiling: "不少于" a third of 7 is 3, not 2

    @property
    def missing(self):
        return max(0, self.required - self.covered)


def rule_settings():
    defaults = {
        "general_coverage": (1, 3),
        "high_risk_min_visits": 2,
        "low_risk_max_visits": 1,
        "min_officers": 2,
        "accident_lookback_days": 365,
    }
    return {**defaults, **getattr(settings, "PLAN_RULES", {})}


def _names(qs, count):
    return list(qs.values_list("name", flat=True)[:SAMPLE]) if count else []


FLAGGED_CREDIT = (Enterprise.CreditStatus.WATCHLIST, Enterprise.CreditStatus.DISHONEST)


def _high_risk_criteria(today):
    """R-08 (E18): what makes an enterprise high-risk, each as (query, why one enterprise meets it or None).
    One list serves both the rule's query and the reasons shown beside the enterprises it names."""
    days = rule_settings()["accident_lookback_days"]
    since = today - datetime.timedelta(days=days)

    def flag(name):
        label = Enterprise._meta.get_field(name).verbose_name
        return Q(**{name: True}), lambda e: str(label) if getattr(e, name) else None

    def accident(e):
        if e.last_accident_on is None or e.last_accident_on < since:
            return None
        return gettext("%(date)s发生生产安全事故（近%(days)d天内）") % {"date": e.last_accident_on, "days": days}

    def credit(e):
        if e.credit_status not in FLAGGED_CREDIT:
            return None
        return gettext("信用状况：%(status)s") % {"status": e.get_credit_status_display()}

    return [
        flag("major_hazard_source"),
        flag("key_chemical"),
        (Q(last_accident_on__gte=since), accident),
        (Q(credit_status__in=FLAGGED_CREDIT), credit),
    ]


def high_risk_q(today):
    """R-08: major hazard sources, 两重点一重大, accidents in the last year, credit problems."""
    query = Q()
    for criterion, _why in _high_risk_criteria(today):
        query |= criterion
    return query


def high_risk_reasons(enterprise, today):
    """Why ``enterprise`` counts as high-risk under R-08 (empty when it does not)."""
    return [why for _criterion, explain in _high_risk_criteria(today) if (why := explain(enterprise))]


def low_risk_q():
    """R-08 承诺制: standardised (grade 1/2) and credit-worthy enterprises without risk flags are checked less."""
    no_flags = Q(**dict.fromkeys(Enterprise.RISK_FLAGS, False))
    return (
        Q(standardisation_grade__in=[Enterprise.StandardisationGrade.GRADE_1, Enterprise.StandardisationGrade.GRADE_2])
        & Q(credit_status=Enterprise.CreditStatus.TRUSTWORTHY)
        & no_flags
    )


def _responsible_with_visits(plan):
    """The enterprises this plan's organisation is responsible for, each with its number of plan items."""
    visits = (
        PlanItem.objects.filter(plan=plan, enterprise=OuterRef("pk"))
        .values("enterprise")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Enterprise.objects.filter(responsible_org=plan.organisation).annotate(
        visits=Coalesce(Subquery(visits, output_field=IntegerField()), Value(0))
    )


def _coverage_stats(responsible):
    """R-02's counts in one query: key enterprises (all, missing from the plan), general ones (all, in the
    plan) and how many general ones the plan needs (一般生产经营单位不少于三分之一, rounded up)."""
    stats = responsible.aggregate(
        key_total=Count("id", filter=Q(supervision_class=K.KEY)),
        key_missing=Count("id", filter=Q(supervision_class=K.KEY, visits=0)),
        general_total=Count("id", filter=Q(supervision_class=K.GENERAL)),
        general_covered=Count("id", filter=Q(supervision_class=K.GENERAL, visits__gt=0)),
    )
    stats["general_required"] = GeneralCoverage(stats["general_total"], stats["general_covered"]).required
    return stats


def coverage_counts(plan):
    """The coverage figures a plan document states (R-02), counted as the rule panel counts them."""
    return _coverage_stats(_responsible_with_visits(plan))


def check_coverage(plan, responsible):
    """R-02: 重点生产经营单位全覆盖; 一般生产经营单位不少于三分之一 (draws count towards it)."""
    stats = _coverage_stats(responsible)
    missing = stats["key_missing"]
    named = (
        [
            NamedEnterprise(
                pk, name, [gettext("列为重点：%(reason)s") % {"reason": reason}] if reason else [], addable=True
            )
            for pk, name, reason in responsible.filter(supervision_class=K.KEY, visits=0)
            .order_by("name", "pk")
            .values_list("pk", "name", "class_reason")[:SAMPLE]
        ]
        if missing
        else []
    )
    key = RuleResult(
        "key_coverage",
        "重点单位全覆盖",
        missing == 0,
        "本单位负责的重点生产经营单位已全部列入计划。"
        if missing == 0
        else f"还有{missing}家重点生产经营单位未列入计划（重点单位须100%覆盖）。",
        [e.name for e in named],
        named,
    )
    general = _general_rule(GeneralCoverage(stats["general_total"], stats["general_covered"]))
    return [key, general]


def _general_rule(coverage: GeneralCoverage) -> RuleResult:
    total, covered, required = coverage.total, coverage.covered, coverage.required
    return RuleResult(
        "general_coverage",
        "一般单位覆盖不少于三分之一",
        covered >= required,
        f"一般生产经营单位共{total}家，已列入{covered}家，至少需要{required}家。"
        + ("" if covered >= required else f"还差{required - covered}家，可通过双随机抽取补足。"),
    )


def general_coverage(plan) -> GeneralCoverage:
    """The general-enterprise coverage of ``plan`` now (what a 双随机 draw for it should make up)."""
    stats = coverage_counts(plan)
    return GeneralCoverage(stats["general_total"], stats["general_covered"])


def check_interlock(plan, planned, responsible):
    # R-03 一家生产经营单位对应一个层级的执法主体: the same enterprise in two organisations' plans of the same
    # type and year is a multi-level duplicate inspection; an enterprise another level is responsible for
    # does not belong in this plan at all.
    others = (
        PlanItem.objects.filter(plan__year=plan.year, plan__plan_type=plan.plan_type, enterprise_id__in=planned)
        .exclude(plan__organisation=plan.organisation)
        .exclude(plan__status=InspectionPlan.Status.SUPERSEDED)
    )
    dup_count = others.values("enterprise_id").distinct().count()
    # Counted as "planned minus planned-and-ours": both sides use indexes, where a direct "planned and not
    # ours" join makes PostgreSQL scan the whole register.
    foreign_count = planned.distinct().count() - responsible.filter(visits__gt=0).count()
    foreign = Enterprise.objects.filter(pk__in=planned).exclude(responsible_org=plan.organisation).order_by("name")
    details = []
    if dup_count:
        rows = others.values_list("enterprise__name", "plan__organisation__name").distinct()
        details += [f"{name}（{org}）" for name, org in rows.order_by("enterprise__name")[:SAMPLE]]
    details += [f"{n}（执法主体非本单位）" for n in _names(foreign, foreign_count)]
    problems = []
    if dup_count:
        problems.append(f"{dup_count}家单位同时列入其他执法主体的同类计划（不得多层级重复检查）")
    if foreign_count:
        problems.append(f"{foreign_count}家单位的执法主体不是本单位")
    return RuleResult(
        "interlock",
        "市县计划衔接（一家单位对应一个执法层级）",
        not problems,
        "与其他层级计划无重复。" if not problems else "；".join(problems) + "。",
        details,
    )


def check_officers(plan, items):
    # 行政处罚法 第42条 / 安全生产法 第67条: at least two certified officers per inspection.
    min_officers = rule_settings()["min_officers"]
    # One pass over the item–officer rows serves both checks (a GROUP BY … HAVING costs as much again).
    per_item: dict[int, int] = {}
    assignments = set()
    for item_id, month, officer in PlanItem.officers.through.objects.filter(planitem__plan=plan).values_list(
        "planitem_id", "planitem__planned_month", "user_id"
    ):
        per_item[item_id] = per_item.get(item_id, 0) + 1
        assignments.add((month, officer))
    staffed = [item_id for item_id, n in per_item.items() if n >= min_officers]
    short_count = items.count() - len(staffed)
    short = items.exclude(pk__in=staffed)
    officer_ids = {officer for _, officer in assignments}
    certificates: dict[int, list] = {}
    for holder, start, end in EnforcementCertificate.objects.filter(
        holder_id__in=officer_ids, holder__roles__code="officer", revoked_at__isnull=True
    ).values_list("holder_id", "valid_from", "valid_until"):
        certificates.setdefault(holder, []).append((start, end))
    names = {
        pk: full_name or username
        for pk, full_name, username in User.objects.filter(pk__in=officer_ids).values_list(
            "pk", "full_name", "username"
        )
    }
    today = timezone.localdate()
    uncertified = []
    for month, officer in sorted(assignments):
        # Valid on the day the inspection can happen at the earliest: the month's first day, or today.
        on = max(today, datetime.date(plan.year, month, 1))
        if not any(start <= on <= end for start, end in certificates.get(officer, [])):
            uncertified.append(f"{names.get(officer, officer)}（{month}月）")
    problems = []
    if short_count:
        problems.append(f"{short_count}项检查的执法人员少于{min_officers}人")
    if uncertified:
        problems.append(f"{len(uncertified)}人次没有有效执法证")
    short_details = (
        [f"{name}（{month}月）" for name, month in short.values_list("enterprise__name", "planned_month")[:SAMPLE]]
        if short_count
        else []
    )
    return RuleResult(
        "officers",
        "持证执法人员不少于2人",
        not problems,
        "每项检查均安排了2名以上持证执法人员。" if not problems else "；".join(problems) + "。",
        short_details + uncertified[:SAMPLE],
    )


def check_frequency(plan, responsible):
    # high-risk enterprises more often, standardised credit-worthy ones less (承诺制).
    rules = rule_settings()
    today = timezone.localdate()
    too_few_q = high_risk_q(today) & Q(visits__lt=rules["high_risk_min_visits"])
    too_many_q = low_risk_q() & Q(visits__gt=rules["low_risk_max_visits"])
    stats = responsible.aggregate(too_few=Count("id", filter=too_few_q), too_many=Count("id", filter=too_many_q))
    problems = []
    if stats["too_few"]:
        problems.append(f"{stats['too_few']}家高风险单位计划检查少于{rules['high_risk_min_visits']}次")
    if stats["too_many"]:
        problems.append(f"{stats['too_many']}家标准化达标且守信的单位计划检查多于{rules['low_risk_max_visits']}次")
    # The high-risk ones say which flags make them so, and may be added (once more) to the plan.
    named = [
        NamedEnterprise(e.pk, e.name, high_risk_reasons(e, today), e.visits, addable=True)
        for e in _sample(responsible.filter(too_few_q), stats["too_few"])
    ] + [
        NamedEnterprise(e.pk, e.name, _low_risk_reasons(e), e.visits)
        for e in _sample(responsible.filter(too_many_q), stats["too_many"])
    ]
    named = named[:SAMPLE]
    return RuleResult(
        "frequency",
        "按风险分级确定检查频次",
        not problems,
        "检查频次符合风险分级要求。" if not problems else "；".join(problems) + "。",
        [e.name for e in named],
        named,
    )


def _sample(qs, count):
    return list(qs.order_by("name", "pk")[:SAMPLE]) if count else []


def _low_risk_reasons(enterprise):
    return [
        gettext("安全生产标准化%(grade)s") % {"grade": enterprise.get_standardisation_grade_display()},
        gettext("信用状况：%(status)s") % {"status": enterprise.get_credit_status_display()},
    ]


def check_plan(plan: InspectionPlan) -> list[RuleResult]:
    # No default ordering: it would leak into DISTINCT and GROUP BY.
    items = PlanItem.objects.filter(plan=plan).order_by()
    planned = items.values("enterprise_id")
    responsible = _responsible_with_visits(plan)
    results = []
    work_safety = plan.plan_type == PlanType.WORK_SAFETY
    if work_safety:
        results += check_coverage(plan, responsible)
    results.append(check_interlock(plan, planned, responsible))
    results.append(check_officers(plan, items))
    if work_safety:
        results.append(check_frequency(plan, responsible))
    return results


def plan_violations(plan):
    return [r for r in check_plan(plan) if not r.ok]
