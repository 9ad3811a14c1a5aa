#!/usr/bin/env python
"""Benchmark: due dates for list pages and the 100,000-case benchmark (issue 10 item 4).

Times ``compute_due`` on ``--size`` deadlines of every kind (7 working days, 15 and 90 calendar days, 3 months,
24 hours) with start days spread over 2025–2027 (2027 has no calendar data, so a share of them carries the
warning), cold (a fresh process copy of the calendar: one query per year) and warm (no query), and the SQL
queries each pass made; then ``rule_value`` for a county (one query each). No data is built: the migrated
calendar and legal parameters are the data.

    .venv/bin/python bench/bench_deadlines.py                       # 100,000 deadlines, PostgreSQL
    .venv/bin/python bench/bench_deadlines.py --size 2000 --sqlite  # smoke run
"""

import argparse
import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import median_ms, throwaway_database


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="deadlines per pass (default 100,000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--name", default="bench_deadlines", help="name of the throwaway database")
    return parser.parse_args()


def main():
    args = parse_args()
    label, drop = throwaway_database(args.name, sqlite=args.sqlite)
    try:
        run(args, label)
    finally:
        from django.db import connections

        connections.close_all()
        drop()


def run(args, label):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enforcement.orgs.models import Organisation
    from enforcement.rules.keys import RuleKey
    from enforcement.rules.values import rule_value
    from enforcement.workdays import calendar
    from enforcement.workdays.deadlines import Unit, compute_due

    zone = datetime.timezone(datetime.timedelta(hours=8))
    kinds = [
        (7, Unit.WORKING_DAYS),
        (15, Unit.CALENDAR_DAYS),
        (90, Unit.CALENDAR_DAYS),
        (3, Unit.MONTHS),
        (24, Unit.HOURS),
    ]
    first = datetime.date(2025, 1, 1)
    starts = []
    for i in range(args.size):
        day = first + datetime.timedelta(days=(i * 7919) % (3 * 365))
        count, unit = kinds[i % len(kinds)]
        start = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=zone) if unit == Unit.HOURS else day
        starts.append((start, count, unit))

    def compute_all():
        return sum(1 for start, count, unit in starts if compute_due(start, count, unit).missing_years)

    calendar.forget()
    with CaptureQueriesContext(connection) as cold_queries:
        cold_ms, _, warned = median_ms(compute_all, 1)
    warm_ms, timings, _ = median_ms(compute_all, args.runs)
    with CaptureQueriesContext(connection) as warm_queries:
        compute_all()

    county = Organisation.objects.create(name="基准县应急管理局", short_name="基", level="county")

    def rules():
        for key in (RuleKey.DECISION_LIMIT_DAYS, RuleKey.HEARING_THRESHOLD_UNIT, RuleKey.PAYMENT_DAYS):
            rule_value(key, datetime.date(2026, 3, 1), county)

    rule_ms, _, _ = median_ms(rules, args.runs)
    print(f"{label}: {args.size:,} deadlines (5 kinds, starts 2025–2027), {warned:,} with the missing-year warning")
    print(f"  cold  (calendar reloaded): {cold_ms:8.1f} ms, {len(cold_queries)} queries")
    print(
        f"  warm  median of {args.runs}:      {warm_ms:8.1f} ms ({warm_ms * 1000 / args.size:.2f} µs per deadline), "
        f"{len(warm_queries)} queries; runs {', '.join(f'{t:.0f}' for t in timings)} ms"
    )
    print(f"  rule_value × 3 (a county): {rule_ms:8.2f} ms median")


if __name__ == "__main__":
    main()
