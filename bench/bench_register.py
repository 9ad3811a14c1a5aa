#!/usr/bin/env python
"""Benchmark: the enterprise register list (HTML page and API) on a large register.

Issue 2's target: with 200,000 enterprises in PostgreSQL, /enterprises/ and /api/enterprises/ each answer
in under 150 ms median for a county user and for a city user, with a number of SQL queries that does
not grow with the page size.

The script builds a throwaway database ``bench_register`` (PostgreSQL by default, dropped and recreated;
or SQLite with --sqlite; --reuse keeps an existing one, creating it only if missing), migrates it, creates
1 city with 10 counties × 5 townships plus a development zone and ``--size`` enterprises with the demo-data
generators (bulk_create in batches), runs ANALYZE, then requests each page through ``django.test.Client`` as
a county officer and as the city legal user: warm-up first, then ``--runs`` timed requests per case,
printing median and p90 in ms and the SQL query count, at page sizes 20 and 100 and for a name search.

    .venv/bin/python bench/bench_register.py                     # 200,000 rows, PostgreSQL
    .venv/bin/python bench/bench_register.py --size 2000 --sqlite --runs 3   # CI smoke run
    .venv/bin/python bench/bench_register.py --reuse --explain   # reuse the data, show query plans

Environment: BENCH_DATABASE_URL or DATABASE_URL name the PostgreSQL server (default
postgres://postgres@127.0.0.1:5432/postgres; the database in the URL is only used to connect).
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _city import bench_city_spec
from _db import throwaway_database

BENCH_DB = "bench_register"
TARGET_MS = 150.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200_000, help="number of enterprises (default 200000)")
    parser.add_argument("--runs", type=int, default=15, help="timed requests per case (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per case first (default 3)")
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database of the same size")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each case's slowest query")
    parser.add_argument("--batch", type=int, default=5000, help="bulk_create batch size")
    return parser.parse_args()


def build(args):
    from django.db import connection

    from enforcement.enterprises.models import Enterprise, Sector
    from enforcement.orgs.models import User
    from enforcement.web import demo

    if args.reuse and Enterprise.objects.count() == args.size and User.objects.filter(username="city_legal").exists():
        print(f"reusing the existing database: {args.size:,} enterprises")
        return
    if Enterprise.objects.exists():
        sys.exit("the benchmark database is not empty but has the wrong size; run without --reuse")
    started = time.perf_counter()
    spec = bench_city_spec()
    built = demo.build_organisations(spec)
    sectors = list(Sector.objects.order_by("sort_order"))
    generator = demo.EnterpriseGenerator(built.city, built.territories, sectors, seed=1, unique_names=False)
    done = 0
    for batch in generator.batches(args.size, batch_size=args.batch):
        Enterprise.objects.bulk_create(batch, batch_size=args.batch)
        done += len(batch)
        if done % 50_000 == 0 or done == args.size:
            print(f"  {done:,} / {args.size:,} enterprises", flush=True)
    import random

    logins = [
        demo.Login("city_legal", built.city, ["legal"]),
        demo.Login("county_officer", built.counties[0], ["officer"], certified=True),
    ]
    demo.create_users(logins, demo.DEMO_PASSWORD, random.Random(1), issuer="沧澜省人民政府", cert_prefix="澜")
    with connection.cursor() as cursor:
        # VACUUM as autovacuum would after a bulk load: it sets the visibility map that index-only
        # scans (the COUNT of a county's rows) rely on. Without it the first counts are seq scans.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"built {args.size:,} enterprises in {time.perf_counter() - started:.1f} s")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(client, url, params, runs, warmup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    return timings, captured.captured_queries, response


def rows_in(response):
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        return len(data["results"]), data.get("count")
    # One link to a detail page per listed enterprise.
    return len(set(re.findall(r'href="/enterprises/(\d+)/"', response.content.decode()))), None


def explain(sql):
    from django.db import connection

    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join("      " + " | ".join(str(c) for c in row) for row in cursor.fetchall())


CASES = [
    ("HTML list, 20/page", "/enterprises/", {"per_page": 20}),
    ("HTML list, 100/page", "/enterprises/", {"per_page": 100}),
    ("HTML name search", "/enterprises/", {"q": "恒泰", "per_page": 20}),  # a trade name: ~1 in 80 names
    ("API list, 20/page", "/api/enterprises/", {"page_size": 20}),
    ("API list, 100/page", "/api/enterprises/", {"page_size": 100}),
    ("API name search", "/api/enterprises/", {"q": "恒泰", "page_size": 20}),
]
BASELINE = ("baseline /api/me/", "/api/me/", {})  # the cost of any authenticated request on this machine


def run_cases(args, variant):
    from django.test import Client

    from enforcement.enterprises.models import Enterprise
    from enforcement.orgs.models import User

    users = {
        "county officer": User.objects.get(username="county_officer"),
        "city legal": User.objects.get(username="city_legal"),
    }
    print()
    print(f"restrict(): {variant}")
    for label, user in users.items():
        visible = Enterprise.objects.restrict(user).count()
        print(f"  {label}: {user.organisation.name}, sees {visible:,} enterprises")
    header = (
        f"{'user':<15} {'case':<20} {'median ms':>9} {'p90 ms':>7} {'SQL ms':>7} {'queries':>7} {'rows':>5}  target"
    )
    print(header)
    print("-" * len(header))
    results = []
    for user_label, user in users.items():
        client = Client()
        client.force_login(user)
        for case_label, url, params in [BASELINE, *CASES]:
            timings, queries, response = measure(client, url, params, args.runs, args.warmup)
            median, p90 = statistics.median(timings), percentile(timings, 0.9)
            sql_ms = sum(float(q["time"]) for q in queries) * 1000
            if case_label == BASELINE[0]:
                print(f"{user_label:<15} {case_label:<20} {median:>9.1f} {p90:>7.1f} {sql_ms:>7.1f} {len(queries):>7}")
                continue
            rows, _count = rows_in(response)
            ok = median < TARGET_MS
            results.append((user_label, case_label, median, p90, len(queries), ok))
            print(
                f"{user_label:<15} {case_label:<20} {median:>9.1f} {p90:>7.1f} {sql_ms:>7.1f} {len(queries):>7} "
                f"{rows:>5}  {'ok' if ok else 'MISSED'}"
            )
            if args.explain:
                slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:2]
                for query in slowest:
                    print(f"    {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
                    if query["sql"].lstrip().upper().startswith("SELECT"):
                        print(explain(query["sql"]))
    # The SQL query count must not depend on the page size (no N+1).
    by_case = {(u, c): q for u, c, _m, _p, q, _ok in results}
    steady = all(
        by_case[(u, f"{kind} list, 20/page")] == by_case[(u, f"{kind} list, 100/page")]
        for u in users
        for kind in ("HTML", "API")
    )
    missed = [f"{u} / {c}" for u, c, _m, _p, _q, ok in results if not ok]
    print(f"query count independent of page size: {'yes' if steady else 'NO'}")
    print(f"median under {TARGET_MS:.0f} ms: {'all cases' if not missed else 'MISSED in ' + '; '.join(missed)}")
    return steady, missed


def main():
    args = parse_args()
    # Kept afterwards (no drop): --reuse measures the same data again without rebuilding it.
    throwaway_database(BENCH_DB, sqlite=args.sqlite, reuse=args.reuse)
    print(f"benchmark database: {os.environ['DATABASE_URL']}")
    build(args)
    from django.db import connection

    from enforcement.enterprises.models import Enterprise

    print(f"\n{connection.vendor}: {Enterprise.objects.count():,} enterprises; {args.runs} timed runs per case")
    steady, missed = run_cases(args, "current")
    # A smoke run (small size) checks that the pages answer and the query count is steady; the timing
    # target applies to the full size.
    sys.exit(0 if steady and (not missed or args.size < 200_000) else 1)


if __name__ == "__main__":
    main()
