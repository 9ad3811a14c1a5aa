#!/usr/bin/env python
"""Benchmark: penalty case lists and the deadline board on 100,000 cases (issue 10, "Must show").

Targets: with 100,000 cases with their steps and deadlines in PostgreSQL, the county's and the city's case list
(first page) answer in under 150 ms median with a number of SQL queries that does not grow with the page size
(20 vs 100), and the city's deadline board in under 300 ms median.

The data is written with bulk_create, NOT through the services (a service call per step would take hours for
100,000 cases): 1 city with 10 counties (5 townships each), 20,000 enterprises, four logins per county and the
city's legal section; ``--size`` cases spread over the counties (90 %) and the city (10 %), in every state with a
realistic mix (most cases closed or archived, a tenth under investigation, a few in review, hearing, execution;
not filed and withdrawn ones), 一案双罚 (a unit and its principal person) in a third of the general-procedure
cases, two officers each, a step record per step the case has passed, and its deadlines (decision 90 days from
filing, statement, payment) met where the case has moved on, open where it has not — some overdue. Due dates
are calendar offsets here (the working-day calendar is measured by its own tests), which does not change what
the lists cost.

What is measured, as the user sees it: the HTML case list and the API case list through ``django.test.Client``
when those routes are mounted (``PAGE_ROUTES``), otherwise the queryset the views use
(``cases.penalties.queries.cases_for`` / ``deadline_board`` when present, or the same restrict() query written
here) evaluated the way a list page does (COUNT for the pager, the page's rows, its prefetches). Each case: warm-up,
then ``--runs`` timed runs; median and p90 in ms, SQL time and query count of one run, rows listed. A baseline row
times an unfiltered ``COUNT(*)`` of all cases in the same run: each figure is also printed as a ratio to it.
Then the daily deadline job (``cases.penalties.tasks.run``) on the same data: first run and a second run the same
day (which must notify nobody).

    .venv/bin/python bench/bench_penalties.py                       # 100,000 cases, PostgreSQL (a few minutes)
    .venv/bin/python bench/bench_penalties.py --reuse --explain     # same data, EXPLAIN ANALYZE the slowest queries
    .venv/bin/python bench/bench_penalties.py --size 500 --sqlite --runs 2   # smoke run (CI)

Environment: BENCH_DATABASE_URL or DATABASE_URL name the PostgreSQL server (default
postgres://postgres@127.0.0.1:5432/postgres; the database in the URL is only used to connect). ``--name`` names the
throwaway database (default bench_penalties). Exit status 1 when a query count depends on the page size, or (at
full size) a median misses its target.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _city import bench_city_spec
from _db import throwaway_database

LIST_TARGET_MS = 150.0
BOARD_TARGET_MS = 300.0
FULL_SIZE = 100_000
ENTERPRISES = 20_000

# The procedure's stages in order, each with the step records a case has once it got there.
STAGES = [
    ("filing", ["filing"]),
    ("investigating", ["interview_notice", "interview", "scene"]),
    ("reported", ["report"]),
    ("handling", ["handling"]),
    ("reviewing", ["review"]),
    ("notifying", []),
    ("notified", []),
    ("decided", ["address_confirmation"]),
    ("executing", []),
    ("executed", []),
    ("closing", ["closing"]),
    ("closed", []),
    ("archived", []),
]
STAGE_INDEX = {state: i for i, (state, _kinds) in enumerate(STAGES)}
# state: weight (per 1,000 cases). Old cases dominate a bureau's books.
STATE_MIX = {
    "archived": 430,
    "closed": 110,
    "closing": 20,
    "executed": 30,
    "executing": 70,
    "decided": 30,
    "notified": 40,
    "hearing": 5,
    "notifying": 15,
    "discussing": 5,
    "reviewing": 20,
    "handling": 20,
    "reported": 20,
    "investigating": 90,
    "filing": 20,
    "not_filed": 20,
    "terminated": 35,
}
FINISHED = {"closed", "archived", "not_filed", "terminated"}
CAUSES = [
    "未按规定对从业人员进行安全生产教育和培训案",
    "未如实记录安全生产教育和培训情况案",
    "特种作业人员未持证上岗案",
    "未按规定对安全设备进行经常性维护、保养和定期检测案",
    "未采取措施消除事故隐患案",
    "未按规定设置安全警示标志案",
    "未建立事故隐患排查治理制度案",
    "危险物品储存不符合国家标准案",
    "生产经营场所与员工宿舍在同一座建筑物内案",
    "未按规定制定生产安全事故应急救援预案案",
]
ARTICLES = ["《安全生产法》第九十七条", "《安全生产法》第九十九条", "《安全生产法》第一百零一条"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=FULL_SIZE, help=f"number of cases (default {FULL_SIZE})")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per case (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per case first (default 3)")
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database of the same size")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each case's slowest query")
    parser.add_argument("--name", default="bench_penalties", help="the throwaway database's name")
    parser.add_argument("--batch", type=int, default=5000, help="bulk_create batch size")
    parser.add_argument("--no-job", action="store_true", help="skip timing the daily deadline job")
    return parser.parse_args()


# --- building the data ----------------------------------------------------------------------------------------


def build(args):
    from django.db import connection

    from cases.penalties.models import PenaltyCase
    from enforcement.orgs.models import User

    if args.reuse and PenaltyCase.objects.count() == args.size and User.objects.filter(username="city_legal").exists():
        print(f"reusing the existing database: {args.size:,} cases")
        return
    if PenaltyCase.objects.exists():
        sys.exit("the benchmark database is not empty but has the wrong size; run without --reuse")
    started = time.perf_counter()
    world = build_city(min(ENTERPRISES, max(200, args.size // 5)), args.batch)
    counts = build_cases(world, args.size, args.batch)
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: the visibility map lets counts use index-only scans.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    rows = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    print(f"built {rows} in {time.perf_counter() - started:.1f} s")


def build_city(enterprises, batch_size):
    from enforcement.enterprises.models import Enterprise, Sector
    from enforcement.web import demo

    spec = bench_city_spec(zone="")
    built = demo.build_organisations(spec)
    generator = demo.EnterpriseGenerator(
        built.city, built.territories, Sector.objects.order_by("sort_order"), seed=1, unique_names=False
    )
    demo.create_enterprises(generator, enterprises, batch_size=batch_size)
    logins = [demo.Login("city_legal", built.city, ["legal"])]
    logins += [demo.Login(f"city_officer{n}", built.city, ["officer"], certified=True) for n in (1, 2)]
    for i, county in enumerate(built.counties, start=1):
        logins += [
            demo.Login(f"county{i:02d}_officer1", county, ["officer"], certified=True),
            demo.Login(f"county{i:02d}_officer2", county, ["officer"], certified=True),
            demo.Login(f"county{i:02d}_leader", county, ["leader"]),
            demo.Login(f"county{i:02d}_legal", county, ["legal"]),
        ]
    users = demo.create_users(logins, demo.DEMO_PASSWORD, random.Random(1), issuer="沧澜省人民政府", cert_prefix="澜")
    county_of = {org.pk: county for org, county in built.territories if county is not None}
    by_county = {}
    for pk, organisation_id in Enterprise.objects.values_list("pk", "organisation_id"):
        county = county_of.get(organisation_id)
        by_county.setdefault(county.pk if county else built.city.pk, []).append(pk)
    owners = [(built.city, [users["city_officer1"], users["city_officer2"]])]
    owners += [
        (county, [users[f"county{i:02d}_officer1"], users[f"county{i:02d}_officer2"]])
        for i, county in enumerate(built.counties, start=1)
    ]
    every = [pk for pks in by_county.values() for pk in pks]
    return {"owners": owners, "enterprises": by_county, "all_enterprises": every}


def _reached(state):
    """The stages a case in ``state`` has passed (withdrawn cases stopped during investigation)."""
    if state == "not_filed":
        return 0
    if state == "terminated":
        return STAGE_INDEX["investigating"]
    if state in ("discussing",):
        return STAGE_INDEX["reviewing"]
    if state == "hearing":
        return STAGE_INDEX["notified"]
    return STAGE_INDEX[state]


def build_cases(world, size, batch_size):
    """``size`` cases with parties, officers, step records and deadlines, bulk-inserted batch by batch."""
    from django.utils import timezone

    from cases.penalties.models import CaseParty, Deadline, PenaltyCase, StepRecord

    rng = random.Random(10)
    today = timezone.localdate()
    now = timezone.now()
    states, weights = zip(*STATE_MIX.items(), strict=True)
    # created_at is auto_now_add: switched off for the load, so that cases spread over three years as they do.
    created_field = PenaltyCase._meta.get_field("created_at")
    created_field.auto_now_add = False
    counts = dict.fromkeys(("cases", "parties", "step records", "deadlines", "officer links"), 0)
    officers_through = PenaltyCase.officers.through
    try:
        done = 0
        while done < size:
            n = min(batch_size, size - done)
            specs, cases = [], []
            for _ in range(n):
                state = rng.choices(states, weights)[0]
                org, officers = world["owners"][0] if rng.random() < 0.1 else rng.choice(world["owners"][1:])
                # Cases still in procedure are recent (some past the 90-day limit); finished ones go back 3 years.
                reached = _reached(state)
                decided_state = reached >= STAGE_INDEX["decided"]
                age = rng.randint(0, 100) if state not in FINISHED else rng.randint(30, 3 * 365)
                age = max(age, 2) if decided_state else age
                filed = today - datetime.timedelta(days=age)
                summary = decided_state and state not in ("closing",) and rng.random() < 0.15
                pool = world["enterprises"].get(org.pk) or world["all_enterprises"]
                # Decided within 80 days of filing, and not after today; 简易程序 on the spot.
                decided = filed + datetime.timedelta(days=0 if summary else rng.randint(1, max(1, min(80, age - 1))))
                cases.append(
                    PenaltyCase(
                        organisation=org,
                        cause=rng.choice(CAUSES),
                        procedure="summary" if summary else "general",
                        state=state,
                        outcome="penalty" if decided_state else "",
                        source=rng.choice(["inspection", "inspection", "hazard", "complaint", "referral"]),
                        enterprise_id=rng.choice(pool),
                        facts="经现场检查发现该单位存在安全生产违法行为。",
                        filed_on=None if state == "not_filed" else filed,
                        decided_on=decided if decided_state else None,
                        closed_on=decided + datetime.timedelta(days=20) if state in ("closed", "archived") else None,
                        archived_at=now if state == "archived" else None,
                        review_required=not summary,
                        created_by=officers[0],
                        created_at=now - datetime.timedelta(days=age, seconds=rng.randint(0, 86_399)),
                    )
                )
                specs.append((state, reached, summary, filed, decided, officers))
            PenaltyCase.objects.bulk_create(cases, batch_size=batch_size)
            if cases[0].pk is None:  # SQLite before 3.35 returns no ids: fetch them in order
                ids = list(PenaltyCase.objects.order_by("-pk").values_list("pk", flat=True)[:n])[::-1]
                for case, pk in zip(cases, ids, strict=True):
                    case.pk = case.id = pk
            parties, links, records, deadlines = [], [], [], []
            for case, (state, reached, summary, filed, decided, officers) in zip(cases, specs, strict=True):
                links += [officers_through(penaltycase_id=case.pk, user_id=user.pk) for user in officers]
                both = not summary and rng.random() < 0.33  # 一案双罚: the unit and its principal person
                parties.append(
                    CaseParty(case=case, kind="unit", role="unit", name=f"涉案单位{case.pk}", stage="proposed")
                )
                if both:
                    parties.append(CaseParty(case=case, kind="person", role="principal", name=f"主要负责人{case.pk}"))
                kinds = ["filing"] if summary else [k for _s, ks in STAGES[: reached + 1] for k in ks]
                for offset, kind in enumerate(kinds):
                    occurred = min(filed + datetime.timedelta(days=offset * 3), today)
                    records.append(
                        StepRecord(case=case, kind=kind, data={}, occurred_on=occurred, recorded_by=officers[0])
                    )
                deadlines += _deadlines(case, state, reached, summary, filed, decided, today, rng)
            CaseParty.objects.bulk_create(parties, batch_size=batch_size)
            officers_through.objects.bulk_create(links, batch_size=batch_size)
            StepRecord.objects.bulk_create(records, batch_size=batch_size)
            Deadline.objects.bulk_create(deadlines, batch_size=batch_size)
            done += n
            counts["cases"] += n
            counts["parties"] += len(parties)
            counts["step records"] += len(records)
            counts["deadlines"] += len(deadlines)
            counts["officer links"] += len(links)
            if done % 20_000 == 0 or done == size:
                print(f"  {done:,} / {size:,} cases", flush=True)
    finally:
        created_field.auto_now_add = True
    return counts


def _deadline(case, kind, start_event, started, count, article, met=None):
    from cases.penalties.models import Deadline

    return Deadline(
        case=case,
        organisation_id=case.organisation_id,
        kind=kind,
        start_event=start_event,
        started_on=started,
        count=count,
        unit="calendar_days",
        article=article,
        due_on=started + datetime.timedelta(days=count),
        met_on=met,
    )


def _deadlines(case, state, reached, summary, filed, decided, today, rng):
    """The case's deadlines: met where the case has moved past them, open where it has not."""
    if state == "not_filed" or summary:
        return []
    done = state in FINISHED
    if reached >= STAGE_INDEX["decided"]:
        notified = max(filed, decided - datetime.timedelta(days=10))
    else:  # waiting for the party's statement: notified in the last week or so
        notified = max(filed, today - datetime.timedelta(days=rng.randint(0, 8)))
    rows = [
        _deadline(
            case,
            "decision",
            "立案",
            filed,
            90,
            "行政处罚法 第60条",
            met=decided if reached >= STAGE_INDEX["decided"] or done else None,
        )
    ]
    if reached >= STAGE_INDEX["notified"]:
        rows.append(
            _deadline(
                case,
                "statement",
                "告知书送达",
                notified,
                5,
                "行政处罚法 第44、45条",
                met=decided if reached >= STAGE_INDEX["decided"] else None,
            )
        )
    if reached >= STAGE_INDEX["executing"]:
        paid = reached >= STAGE_INDEX["executed"] or rng.random() < 0.5
        rows.append(
            _deadline(
                case,
                "payment",
                "决定书送达",
                decided,
                15,
                "行政处罚法 第67条",
                met=min(decided + datetime.timedelta(days=10), today) if paid else None,
            )
        )
    return rows


# --- measuring ------------------------------------------------------------------------------------------------

# The pages and API lists, measured through the test client when mounted: (URL name, how the page size is set).
# The HTML pages have a fixed page size (a module constant), set here for the run; the API takes ``page_size``.
PAGE_ROUTES = {
    "HTML list": ("cases:penalty_list", ("cases.penalties.views", "PAGE_SIZE")),
    "API list": ("api:penalty-case-list", "page_size"),
    "HTML board": ("cases:penalty_deadlines", ("cases.penalties.views", "BOARD_SIZE")),
    "API board": ("api:penalty-deadline-list", "page_size"),
}


def route(label):
    from django.urls import NoReverseMatch, reverse

    name, size = PAGE_ROUTES[label]
    try:
        return reverse(name), size
    except NoReverseMatch:
        return None, size


def request_page(client, url, size, per_page):
    """GET the page's first page at ``per_page`` rows (a query parameter, or the view's module constant)."""
    import importlib

    params = {}
    if isinstance(size, tuple):
        module, constant = size
        setattr(importlib.import_module(module), constant, per_page)
    else:
        params[size] = per_page
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    return response


def cases_queryset(user):
    """The case list's queryset: core's ``queries.cases_for`` when present, else the same restrict() query."""
    try:
        from cases.penalties.queries import cases_for
    except ImportError:
        from cases.penalties.models import PenaltyCase

        return (
            PenaltyCase.objects.restrict(user)
            .select_related("organisation", "enterprise")
            .prefetch_related("parties", "officers")
            .order_by("-created_at", "-id")
        )
    return cases_for(user)


def board_queryset(user, today):
    try:
        from cases.penalties.queries import deadline_board
    except ImportError:
        from cases.penalties.models import Deadline

        return (
            Deadline.objects.restrict(user)
            .filter(Deadline.open_q())
            .exclude(case__state__in=FINISHED)
            .select_related("case", "party", "organisation")
            .order_by("due_on", "id")
        )
    return deadline_board(user, today)


def evaluate_page(queryset, per_page):
    """What a list page does with its queryset: the pager's COUNT and the first page's rows (and prefetches)."""
    from django.core.paginator import Paginator

    page = Paginator(queryset, per_page).page(1)
    rows = list(page.object_list)
    return len(rows), page.paginator.count


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(fn, runs, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fn()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return timings, captured.captured_queries, result


def explain(sql):
    from django.db import connection

    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join("      " + " | ".join(str(c) for c in row) for row in cursor.fetchall())


def cases_to_measure(users, today):
    """(user label, case label, per page, target ms, fn) for every measured case."""
    from django.test import Client

    measured = []
    for user_label, user in users.items():
        client = Client()
        client.force_login(user)
        labels = [("HTML list", LIST_TARGET_MS), ("API list", LIST_TARGET_MS)]
        if user_label.startswith("city"):
            labels += [("HTML board", BOARD_TARGET_MS), ("API board", BOARD_TARGET_MS)]
        for label, target in labels:
            url, size = route(label)
            for per_page in (20, 100):
                if url:
                    fn = lambda u=url, s=size, n=per_page, c=client: request_page(c, u, s, n)  # noqa: E731
                    how = f"{label} {url}, {per_page}/page"
                elif label.startswith("HTML"):  # not mounted: the queryset the view would use, once
                    board = "board" in label
                    how = f"{'board' if board else 'case'} queryset, {per_page}/page"
                    rows = (lambda u=user: board_queryset(u, today)) if board else (lambda u=user: cases_queryset(u))
                    fn = lambda r=rows, n=per_page: evaluate_page(r(), n)  # noqa: E731
                else:
                    continue
                measured.append((user_label, how, per_page, target, fn))
    return measured


def run_cases(args):
    from django.utils import timezone

    from cases.penalties.models import Deadline, PenaltyCase
    from enforcement.orgs.models import User

    today = timezone.localdate()
    users = {
        "county officer": User.objects.get(username="county01_officer1"),
        "city legal": User.objects.get(username="city_legal"),
    }
    print()
    for label, user in users.items():
        visible = PenaltyCase.objects.restrict(user).count()
        open_deadlines = Deadline.objects.restrict(user).filter(Deadline.open_q()).count()
        print(f"  {label}: {user.organisation.name}, sees {visible:,} cases, {open_deadlines:,} open deadlines")
    baseline_timings, _q, _r = timed(lambda: PenaltyCase.objects.count(), args.runs, args.warmup)
    baseline = statistics.median(baseline_timings)
    header = (
        f"{'user':<15} {'case':<44} {'median ms':>9} {'p90 ms':>7} {'SQL ms':>7} {'queries':>7} {'× base':>7}  target"
    )
    print(header)
    print("-" * len(header))
    print(f"{'—':<15} {'baseline: COUNT(*) of all cases':<44} {baseline:>9.1f}")
    results = []
    for user_label, how, per_page, target, fn in cases_to_measure(users, today):
        timings, queries, _result = timed(fn, args.runs, args.warmup)
        median, p90 = statistics.median(timings), percentile(timings, 0.9)
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        ok = median < target
        results.append((user_label, how.rsplit(",", 1)[0], per_page, len(queries), ok, median))
        ratio = median / baseline if baseline else 0
        print(
            f"{user_label:<15} {how:<44} {median:>9.1f} {p90:>7.1f} {sql_ms:>7.1f} {len(queries):>7} "
            f"{ratio:>7.1f}  < {target:.0f} {'ok' if ok else 'MISSED'}"
        )
        if args.explain:
            for query in sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:2]:
                print(f"    {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    print(explain(query["sql"]))
    by_case = {}
    for user_label, how, per_page, n_queries, _ok, _median in results:
        by_case.setdefault((user_label, how), {})[per_page] = n_queries
    steady = all(len(set(counts.values())) == 1 for counts in by_case.values())
    missed = [f"{u} / {h}, {p}/page" for u, h, p, _q, ok, _m in results if not ok]
    print(f"query count independent of page size: {'yes' if steady else 'NO'}")
    print(f"medians under target: {'all cases' if not missed else 'MISSED in ' + '; '.join(missed)}")
    return steady, missed


def run_job():
    """The daily deadline job over the whole data set, twice the same day: the second run notifies nobody."""
    from cases.penalties import tasks
    from enforcement.notifications.models import Notification

    for label in ("first run", "second run, same day"):
        started = time.perf_counter()
        counts = tasks.run()
        elapsed = time.perf_counter() - started
        print(f"daily deadline job, {label}: {elapsed:.2f} s, {counts}")
    print(f"notifications stored: {Notification.objects.count():,}")
    return counts["overdue_notifications"] == 0 and counts["reminders"] == 0


def main():
    args = parse_args()
    # Kept afterwards (no drop): --reuse measures the same data again without rebuilding it.
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per test-client login
    throwaway_database(args.name, sqlite=args.sqlite, reuse=args.reuse)
    print(f"benchmark database: {os.environ['DATABASE_URL']}")
    build(args)
    from django.db import connection

    from cases.penalties.models import Deadline, PenaltyCase, StepRecord

    print(
        f"\n{connection.vendor}: {PenaltyCase.objects.count():,} cases, {StepRecord.objects.count():,} step records, "
        f"{Deadline.objects.count():,} deadlines ({Deadline.objects.filter(Deadline.open_q()).count():,} open); "
        f"{args.runs} timed runs per case"
    )
    steady, missed = run_cases(args)
    once = True if args.no_job else run_job()
    if not once:
        print("the second run of the daily job notified somebody again")
    # A smoke run (small size) checks that everything answers, the query count is steady and the job is
    # idempotent; the timing targets apply to the full size.
    sys.exit(0 if steady and once and (not missed or args.size < FULL_SIZE) else 1)


if __name__ == "__main__":
    main()
