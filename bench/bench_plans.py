#!/usr/bin/env python
"""Benchmark: plans and monthly progress at province size (issue 3's targets).

* the monthly progress job over 100 counties, 200,000 enterprises and 500,000 inspections: < 30 s;
* a 双随机 draw of 2,000 enterprises from a 100,000-enterprise pool: < 1 s;
* the plan coverage check for a county with 5,000 enterprises: < 200 ms;
* 本月至今 (the current month so far, computed live by the job's ``compute()`` up to today): its time and
  its ratio to the full monthly job, measured in the same run; then the page's cached read.
* a draw for that county's plan (its pool leaving out what the plan has), and the size it suggests.

Data: one province, two cities of 50 counties each; 200,000 enterprises (10 % key) of which one county
holds 5,000; every county has an approved plan (each key enterprise twice, a third of the general ones
once); 500,000 inspections in January–23 November 2026, a fifth of them carrying out plan items, all but
the most recent 2 % completed (one to three days after the visit); a hazard for every fifth inspection,
half of them re-inspected. Built with bulk_create in a throwaway database.

    .venv/bin/python bench/bench_plans.py                       # full size, PostgreSQL
    .venv/bin/python bench/bench_plans.py --scale 0.01 --sqlite # smoke run
"""

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import median_ms, throwaway_database


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size (default 1.0)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--name", default="bench_plans", help="name of the throwaway database")
    return parser.parse_args()


def build(scale):
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Hazard, Inspection, ReInspection, ReInspectionVisit
    from enforcement.enterprises.credit_code import make_code
    from enforcement.enterprises.models import Enterprise, Sector
    from enforcement.orgs.models import EnforcementCertificate, Organisation, Role, User
    from plans.models import InspectionPlan, PlanItem

    rng = random.Random(20261123)
    n_enterprises = int(200_000 * scale)
    n_inspections = int(500_000 * scale)
    big_county = int(5_000 * scale) or 1
    sectors = list(Sector.objects.all())
    officer_role = Role.objects.get(code="officer")
    password = "!"  # an unusable password: no hashing cost for 1,000 users
    today = datetime.date(2026, 11, 23)
    now = datetime.datetime(2026, 11, 23, 12)

    with transaction.atomic():
        province = Organisation.objects.create(name="河川省应急管理厅", short_name="川省", level="province")
        cities = [
            Organisation.objects.create(
                name=f"第{i + 1}市应急管理局", short_name=f"市{i + 1}", level="city", parent=province
            )
            for i in range(2)
        ]
        counties = []
        for c, city in enumerate(cities):
            for k in range(50):
                counties.append(
                    Organisation(
                        name=f"第{c + 1}市第{k + 1}县应急管理局",
                        short_name=f"{c + 1}-{k + 1}",
                        level="county",
                        parent=city,
                    )
                )
        for county in counties:
            county.save()  # save() maintains the materialised path
        users = User.objects.bulk_create(
            [
                User(username=f"o{c.pk}_{i}", full_name=f"执法员{c.pk}-{i}", organisation=c, password=password)
                for c in [*cities, *counties]
                for i in range(10)
            ]
        )
        User.roles.through.objects.bulk_create(
            [User.roles.through(user_id=u.pk, role_id=officer_role.pk) for u in users]
        )
        EnforcementCertificate.objects.bulk_create(
            [
                EnforcementCertificate(
                    holder=u,
                    number=f"B{u.pk:08d}",
                    issuer="河川省人民政府",
                    valid_from=datetime.date(2025, 1, 1),
                    valid_until=datetime.date(2028, 1, 1),
                )
                for u in users
            ]
        )
    # Enterprise counts per county: one county holds big_county, the rest share the remainder.
    per = [
        (big_county if i == 0 else (n_enterprises - big_county) // (len(counties) - 1)) for i in range(len(counties))
    ]
    enterprises = []
    seq = 0
    for county, count in zip(counties, per, strict=True):
        for _ in range(count):
            seq += 1
            key = rng.random() < 0.10
            enterprises.append(
                Enterprise(
                    credit_code=make_code(f"91{seq:015d}"),
                    name=f"企业{seq}",
                    organisation=county,
                    responsible_org=county,
                    sector=rng.choice(sectors),
                    supervision_class="key" if key else "general",
                    class_reason="重大危险源" if key else "",
                    major_hazard_source=key and rng.random() < 0.3,
                )
            )
    Enterprise.objects.bulk_create(enterprises, batch_size=5000)
    by_county: dict[int, list] = {}
    for e in Enterprise.objects.values("pk", "responsible_org_id", "supervision_class").iterator(chunk_size=10000):
        by_county.setdefault(e["responsible_org_id"], []).append(e)
    creator = users[0]
    plans, items = {}, []
    for county in counties:
        plan = InspectionPlan.objects.create(
            organisation=county, year=2026, title=f"{county.name}2026年度计划", created_by=creator, status="published"
        )
        plans[county.pk] = plan
        for e in by_county.get(county.pk, []):
            if e["supervision_class"] == "key":
                items.append(PlanItem(plan=plan, enterprise_id=e["pk"], planned_month=rng.randint(1, 6)))
                items.append(PlanItem(plan=plan, enterprise_id=e["pk"], planned_month=rng.randint(7, 12)))
            elif rng.random() < 0.34:
                items.append(PlanItem(plan=plan, enterprise_id=e["pk"], planned_month=rng.randint(1, 12)))
    PlanItem.objects.bulk_create(items, batch_size=5000)
    # Two certified officers of the county on every item, as a real plan has.
    officers_of = {}
    for u in users:
        officers_of.setdefault(u.organisation_id, []).append(u.pk)
    PlanItem.officers.through.objects.bulk_create(
        [
            PlanItem.officers.through(planitem_id=pk, user_id=officer)
            for pk, org in PlanItem.objects.values_list("pk", "plan__organisation_id")
            for officer in rng.sample(officers_of[org], 2)
        ],
        batch_size=10000,
    )
    item_rows = list(PlanItem.objects.values_list("pk", "enterprise_id", "plan__organisation_id", "planned_month"))
    all_enterprises = [(e["pk"], org) for org, es in by_county.items() for e in es]
    inspections = []
    start = datetime.date(2026, 1, 1)
    span = (today - start).days
    for i in range(n_inspections):
        if i % 5 == 0 and item_rows:
            item_id, ent, org, month = item_rows[(i // 5) % len(item_rows)]
            day = min(datetime.date(2026, month, rng.randint(1, 28)), today)
        else:
            item_id = None
            ent, org = rng.choice(all_enterprises)
            day = start + datetime.timedelta(days=rng.randint(0, span))
        # Completed one to three days after the visit (never after "today"); the latest ~2 % still open.
        done = datetime.datetime.combine(day + datetime.timedelta(days=rng.randint(1, 3)), datetime.time(17))
        open_ = (today - day).days < 3 and rng.random() < 0.7
        inspections.append(
            Inspection(
                organisation_id=org,
                enterprise_id=ent,
                plan_item_id=item_id,
                inspected_on=day,
                created_by=creator,
                status="in_progress" if open_ else "completed",
                completed_at=None if open_ else timezone.make_aware(min(done, now)),
            )
        )
    Inspection.objects.bulk_create(inspections, batch_size=5000)
    hazards = [
        Hazard(
            inspection_id=pk,
            organisation_id=org,
            description="隐患",
            found_on=day,
            rectification_deadline=day + datetime.timedelta(days=30),
            current_deadline=day + datetime.timedelta(days=30),
        )
        for pk, org, day in Inspection.objects.values_list("pk", "organisation_id", "inspected_on")[::1]
        if pk % 5 == 0
    ]
    Hazard.objects.bulk_create(hazards, batch_size=5000)
    # Every other hazard re-inspected and passed, each on a visit of its own (one hazard per inspection here).
    reinspected = [
        (pk, inspection, org, min(deadline, today))
        for pk, inspection, org, deadline in Hazard.objects.values_list(
            "pk", "inspection_id", "organisation_id", "rectification_deadline"
        )
        if pk % 2 == 0
    ]
    visits = ReInspectionVisit.objects.bulk_create(
        [
            ReInspectionVisit(
                inspection_id=inspection, organisation_id=org, inspected_on=day, team_key="", created_by=creator
            )
            for _pk, inspection, org, day in reinspected
        ],
        batch_size=5000,
    )
    if visits and visits[0].pk is None:  # backends that do not return the ids of a bulk insert
        ids = dict(ReInspectionVisit.objects.values_list("inspection_id", "pk"))
    else:
        ids = {visit.inspection_id: visit.pk for visit in visits}
    re = [
        ReInspection(hazard_id=pk, visit_id=ids[inspection], inspected_on=day, result="passed", created_by=creator)
        for pk, inspection, _org, day in reinspected
    ]
    ReInspection.objects.bulk_create(re, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "counties": len(counties),
        "enterprises": len(enterprises),
        "plan_items": len(items),
        "inspections": len(inspections),
        "hazards": len(hazards),
        "reinspections": len(re),
        "big_county": counties[0],
        "city": cities[0],
        "plan": plans[counties[0].pk],
        "city_officer": users[0],
    }


def main():
    args = parse_args()
    label, drop = throwaway_database(args.name, sqlite=args.sqlite)
    try:
        t0 = time.perf_counter()
        data = build(args.scale)
        print(
            f"[{label}] built in {time.perf_counter() - t0:.0f} s: {data['counties']} counties, "
            f"{data['enterprises']:,} enterprises, {data['plan_items']:,} plan items, "
            f"{data['inspections']:,} inspections, "
            f"{data['hazards']:,} hazards, {data['reinspections']:,} re-inspections"
        )
        run_cases(data, args.runs)
    finally:
        if not args.keep:
            drop()


def run_cases(data, runs):
    from enforcement.enterprises.models import Enterprise
    from enforcement.orgs.models import Role
    from plans.annual.coverage import check_plan
    from plans.draws import services
    from supervision.models import MonthlyProgress
    from supervision.progress.job import build_monthly_progress

    october = datetime.date(2026, 10, 1)
    t0 = time.perf_counter()
    run = build_monthly_progress(october)
    first = time.perf_counter() - t0
    print(
        f"monthly job, first run: {first:.2f} s for {run.organisations} organisations "
        f"({run.changed} reports written) — target < 30 s"
    )
    med, timings, run = median_ms(lambda: build_monthly_progress(october), max(2, runs // 2))
    print(f"monthly job, re-run (idempotent, {run.changed} changed): median {med / 1000:.2f} s of {len(timings)}")
    sample = MonthlyProgress.objects.filter(month=october, organisation=data["big_county"]).first()
    print(f"  e.g. {sample}: completion {sample.completion_rate}%, re-inspection {sample.reinspection_rate}%")
    so_far_case(data, runs, first)

    county = data["big_county"]
    n = Enterprise.objects.filter(responsible_org=county).count()
    med, timings, results = median_ms(lambda: check_plan(data["plan"]), runs)
    print(
        f"coverage check, county with {n:,} enterprises: median {med:.0f} ms (min {min(timings):.0f})"
        " — target < 200 ms; " + ", ".join(f"{r.code}={'ok' if r.ok else 'fail'}" for r in results)
    )

    legal = data["city_officer"]
    legal.roles.add(Role.objects.get(code="legal"))
    city = data["city"]
    pool = Enterprise.objects.filter(organisation__path__startswith=city.path).count()
    sample_size = min(2000, pool)
    med, timings, draw = median_ms(
        lambda: services.create_draw(legal, city, "bench", {"responsible_only": False}, sample_size), runs
    )
    print(
        f"draw of {sample_size:,} from a pool of {len(draw.enterprise_pool):,} (snapshot, draw, store): "
        f"median {med:.0f} ms (min {min(timings):.0f}) — target < 1000 ms"
    )
    med, timings, ok = median_ms(lambda: services.verify_draw(draw), runs)
    print(f"re-running a stored draw to verify it: median {med:.0f} ms, reproduces: {ok}")

    # For the big county's plan: the size the general-coverage rule still needs, and a draw whose pool
    # leaves out what the plan has and what earlier draws for it drew (each run adds such a draw).
    plan = data["plan"]
    med, timings, suggestion = median_ms(lambda: services.suggest_sample_size(plan), runs)
    print(
        f"draw size suggestion for the plan ({suggestion.coverage.total:,} general, "
        f"{suggestion.coverage.covered:,} planned): median {med:.0f} ms"
    )
    general = {"supervision_class": "general"}
    size = max(1, min(500, (suggestion.coverage.total - suggestion.coverage.covered) // (2 * runs)))
    med, timings, draw = median_ms(
        lambda: services.create_draw(legal, plan.organisation, "bench", general, size, plan=plan), runs
    )
    left_out = draw.pool_definition["excluded_for_plan"]
    print(
        f"draw of {size:,} for the plan from {len(draw.enterprise_pool):,} (left out {left_out['in_plan']:,} planned, "
        f"{left_out['drawn']:,} drawn before): median {med:.0f} ms (min {min(timings):.0f})"
    )


def so_far_case(data, runs, job_seconds):
    """本月至今: the live computation against the full monthly job of the same run, then the cached page read."""
    from django.core.cache import cache
    from django.test.utils import override_settings

    from enforcement.orgs.models import Role
    from supervision.progress.job import compute
    from supervision.progress.live import month_so_far

    today = datetime.date(2026, 11, 23)
    med, timings, figures = median_ms(lambda: compute(today.replace(day=1), until=today), max(2, runs // 2))
    print(
        f"本月至今 (compute 1–23 Nov for {len(figures)} organisations): median {med / 1000:.2f} s of {len(timings)}"
        f" — {med / 1000 / job_seconds:.2f}× the full monthly job's first run ({job_seconds:.2f} s)"
    )
    leader_role = Role.objects.get(code="leader")
    city_leader = data["city_officer"]
    county_leader = type(city_leader).objects.filter(organisation=data["big_county"]).first()
    for who, leader in (("the city", city_leader), ("the 5,000-enterprise county", county_leader)):
        leader.roles.add(leader_role)
        leader = type(leader).objects.get(pk=leader.pk)  # fresh permission caches
        with override_settings(MONTHLY_PROGRESS_SO_FAR_CACHE_SECONDS=300):
            cache.clear()
            t0 = time.perf_counter()
            month_so_far(leader, today)
            cold = time.perf_counter() - t0
            med, timings, so_far = median_ms(lambda leader=leader: month_so_far(leader, today), runs)
        print(
            f"本月至今 page figures for {who} ({len(so_far.reports)} organisations in scope): first request "
            f"{cold:.2f} s ({cold / job_seconds:.2f}× the job), then from the 5-minute cache median {med:.0f} ms"
        )


if __name__ == "__main__":
    main()
