"""The monthly progress job (月调度, R-05/R-06): one snapshot per organisation per month.

All figures for all organisations come from a fixed number of grouped queries, so the job's cost grows
with the data, not with the number of organisations times the number of queries. The whole month is
written in one transaction: a worker killed mid-run leaves the previous state, never half a report.
"""

import calendar
import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from cases.models import Hazard, Inspection, ReInspection
from enforcement import jobs
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation
from plans.models import InspectionPlan, PlanItem, PlanType
from supervision.progress import runs
from supervision.progress.models import MonthlyProgress, MonthlyProgressRun

# Plan versions that are in force: approved and beyond, not replaced by a later version.
EFFECTIVE = [InspectionPlan.Status.APPROVED, InspectionPlan.Status.FILED, InspectionPlan.Status.PUBLISHED]
BEHIND_SAMPLE = 20


def month_bounds(month: datetime.date):
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def previous_month(today=None):
    today = today or timezone.localdate()
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _zero():
    """An organisation's figures before anything is counted (the behind-schedule sample is a list)."""
    return {**dict.fromkeys(MonthlyProgress.FIGURES, 0), "behind": []}


def _grouped(qs, key, **aggregates):
    return {row[key]: row for row in qs.values(key).annotate(**aggregates).order_by()}


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware instant at which ``day`` begins in the local time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def completed_between(start: datetime.datetime, end: datetime.datetime):
    """Inspections completed (办结) in [start, end): an inspection still 检查中 never counts (R-05/R-06)."""
    return Inspection.objects.filter(status=Inspection.Status.COMPLETED, completed_at__gte=start, completed_at__lt=end)


def compute(month: datetime.date, until: datetime.date | None = None, organisations=None) -> dict[int, dict]:
    """Figures for every organisation that plans, inspects or is responsible for enterprises.

    ``until`` cuts the month short (the 本月至今 view: the current month up to today); by default the
    figures run to the month's last day. ``organisations`` (ids, or a queryset of them) limits the
    figures to those organisations: a county's month so far reads its own rows, not the province's.

    Only completed inspections count, each in the month it was completed: a plan item is done once an
    inspection of it was completed by the cut-off, an enterprise is covered once an inspection of it
    completed this year. Hazards are due by their ORIGINAL rectification deadline (安全生产法 第65条: the
    order's deadline), whatever a failed re-inspection set.
    """
    first, last = month_bounds(month)
    if until is not None:
        last = min(last, until)
    year_start = first.replace(month=1)
    cut_off = local_midnight(last + datetime.timedelta(days=1))
    figures: dict[int, dict] = defaultdict(_zero)

    def within(queryset, lookup):
        return queryset if organisations is None else queryset.filter(**{f"{lookup}__in": organisations})

    completed_this_year = completed_between(local_midnight(year_start), cut_off)
    items = (
        within(PlanItem.objects, "plan__organisation")
        .filter(
            plan__year=first.year,
            plan__status__in=EFFECTIVE,
            plan__plan_type=PlanType.WORK_SAFETY,
            planned_month__lte=first.month,
        )
        .annotate(
            carried_out=Exists(
                Inspection.objects.filter(
                    plan_item=OuterRef("pk"), status=Inspection.Status.COMPLETED, completed_at__lt=cut_off
                )
            )
        )
    )
    for org_id, row in _grouped(
        items,
        "plan__organisation",
        planned=Count("id"),
        planned_in_month=Count("id", filter=Q(planned_month=first.month)),
        done=Count("id", filter=Q(carried_out=True)),
    ).items():
        figures[org_id].update(planned=row["planned"], planned_in_month=row["planned_in_month"], done=row["done"])
        figures[org_id]["behind_count"] = row["planned"] - row["done"]

    behind = (
        items.filter(carried_out=False, planned_month__lt=first.month + 1)
        .order_by("plan__organisation", "planned_month", "enterprise__name")
        .values_list("plan__organisation", "pk", "enterprise__name", "planned_month")
    )
    samples = defaultdict(list)
    for org_id, item_id, name, planned_month in behind.iterator(chunk_size=5000):
        if len(samples[org_id]) < BEHIND_SAMPLE:
            samples[org_id].append({"item": item_id, "enterprise": name, "month": planned_month})
    for org_id, sample in samples.items():
        figures[org_id]["behind"] = sample

    for org_id, row in _grouped(
        within(completed_between(local_midnight(first), cut_off), "organisation"), "organisation", n=Count("id")
    ).items():
        figures[org_id]["inspections_in_month"] = row["n"]

    hazards = (
        within(Hazard.objects, "organisation")
        .filter(found_on__range=(year_start, last))
        .annotate(reinspected=Exists(ReInspection.objects.filter(hazard=OuterRef("pk"), inspected_on__lte=last)))
    )
    for org_id, row in _grouped(
        hazards,
        "organisation",
        found=Count("id"),
        found_in_month=Count("id", filter=Q(found_on__gte=first)),
        closed=Count("id", filter=Q(closed_on__lte=last)),
        due=Count("id", filter=Q(rectification_deadline__lte=last)),
        due_reinspected=Count("id", filter=Q(rectification_deadline__lte=last, reinspected=True)),
    ).items():
        figures[org_id].update(
            hazards_found=row["found"],
            hazards_found_in_month=row["found_in_month"],
            hazards_closed=row["closed"],
            hazards_due=row["due"],
            hazards_reinspected=row["due_reinspected"],
        )

    inspected = within(Enterprise.objects, "responsible_org").annotate(
        inspected=Exists(completed_this_year.filter(enterprise=OuterRef("pk")))
    )
    K = Enterprise.SupervisionClass
    for org_id, row in _grouped(
        inspected,
        "responsible_org",
        key_total=Count("id", filter=Q(supervision_class=K.KEY)),
        key_covered=Count("id", filter=Q(supervision_class=K.KEY, inspected=True)),
        general_total=Count("id", filter=Q(supervision_class=K.GENERAL)),
        general_covered=Count("id", filter=Q(supervision_class=K.GENERAL, inspected=True)),
    ).items():
        figures[org_id].update({k: row[k] for k in ("key_total", "key_covered", "general_total", "general_covered")})
    return dict(figures)


def build_monthly_progress(month: datetime.date, token: str | None = None, rebuild: bool = True):
    """Build (or rebuild) every organisation's snapshot for ``month``. Idempotent; returns the run, or None
    if this call had nothing to do (another run holds the month, or a queued run was already done).

    ``token`` names the caller's claim (the Celery task id; a redelivered message has the same one).
    ``rebuild``: queue the month first if it is not in progress — the beat's run and direct calls; a task
    sent for an already queued run (a user's rebuild, the sweep) only claims it.

    A report whose figures did not change is left untouched (its confirmation stands); one whose figures
    changed is updated and its confirmation cleared, since the county confirmed other numbers.
    """
    month = month.replace(day=1)
    if rebuild:
        runs.queue(month)
    token = token or jobs.new_token()
    run = MonthlyProgressRun.objects.filter(month=month).first()
    if run is None or not jobs.claim(runs.RUNS, run.pk, token):
        return None
    run.refresh_from_db()
    try:
        figures = compute(month)
        now = timezone.now()
        changed = 0
        with transaction.atomic():
            existing = {p.organisation_id: p for p in MonthlyProgress.objects.filter(month=month).select_for_update()}
            valid_orgs = set(Organisation.objects.filter(pk__in=figures).values_list("pk", flat=True))
            # An organisation reported earlier that has nothing to count now (its plan superseded, its
            # enterprises moved) keeps a report, but with the figures of today, not stale ones.
            for org_id in existing.keys() - figures.keys():
                figures[org_id] = _zero()
                valid_orgs.add(org_id)
            creates, updates = [], []
            for org_id, values in figures.items():
                if org_id not in valid_orgs:
                    continue
                report = existing.get(org_id)
                if report is None:
                    creates.append(MonthlyProgress(organisation_id=org_id, month=month, generated_at=now, **values))
                elif any(getattr(report, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(report, k, v)
                    report.generated_at, report.confirmed_at, report.confirmed_by = now, None, None
                    updates.append(report)
            MonthlyProgress.objects.bulk_create(creates, batch_size=1000)
            if updates:
                MonthlyProgress.objects.bulk_update(
                    updates, [*MonthlyProgress.FIGURES, "generated_at", "confirmed_at", "confirmed_by"], batch_size=1000
                )
            changed = len(creates) + len(updates)
            run.status, run.finished_at = MonthlyProgressRun.Status.DONE, timezone.now()
            run.organisations, run.changed = len(valid_orgs), changed
            run.save(update_fields=["status", "finished_at", "organisations", "changed"])
    except Exception as exc:  # includes SoftTimeLimitExceeded; a hard kill leaves the claim to the sweep
        MonthlyProgressRun.objects.filter(pk=run.pk, claim_token=token).update(
            status=MonthlyProgressRun.Status.FAILED, finished_at=timezone.now(), error=runs.failure_message(exc)
        )
        raise
    return run
