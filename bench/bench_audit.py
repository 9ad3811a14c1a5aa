"""Benchmark and demonstration: the audit log's hash chain and append-only trigger (issue 9 item 3).

On a throwaway database (PostgreSQL by default, ``--sqlite`` for a smoke run) it
  1. writes ``--rows`` audit rows through the real bulk path (chain.append under the advisory lock) and
     ``--singles`` rows one by one (a login's path), timing both;
  2. times ``manage.py verify_audit`` over all of them;
  3. (PostgreSQL) shows the trigger refusing a raw UPDATE and DELETE;
  4. disables the trigger with ALTER TABLE, edits one row in the middle, enables it again and runs
     verify_audit (which must fail naming that row), then does the same with a removed row.
Exit status 1 when verify_audit misses a tampered row or the trigger lets a raw UPDATE through.

    .venv/bin/python bench/bench_audit.py                       # 100,000 rows, PostgreSQL
    .venv/bin/python bench/bench_audit.py --rows 2000 --sqlite  # smoke run (CI)
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._db import throwaway_database


def _verify():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
        passed = True
    except CommandError as exc:
        err.write(str(exc))
        passed = False
    return passed, time.perf_counter() - start, (out.getvalue() + err.getvalue()).strip()


def _sql(sql, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    label, drop = throwaway_database("bench_audit", sqlite=args.sqlite)
    try:
        return run(args, label)
    finally:
        if not args.keep:
            drop()


def run(args, label):
    from django.db import connection, transaction

    from enforcement.audit.models import AuditEvent
    from enforcement.audit.services import record
    from enforcement.orgs.models import Organisation, User

    org = Organisation.objects.create(name="河川市应急管理局", level=Organisation.Level.CITY, division_code="419900")
    user = User.objects.create_user("bench_officer", password=None, full_name="张明", organisation=org)
    print(f"{label}: {args.rows:,} rows in bulk + {args.singles} one by one")

    start = time.perf_counter()
    batch = 5000
    for first in range(0, args.rows, batch):
        events = [
            AuditEvent(actor=user, action="download", target_repr=f"文书{n}", changes={"file": "文书PDF", "n": n})
            for n in range(first, min(first + batch, args.rows))
        ]
        AuditEvent.objects.bulk_create(events)
    bulk = time.perf_counter() - start
    print(f"  bulk write: {bulk:.1f} s ({args.rows / bulk:,.0f} rows/s)")

    timings = []
    for n in range(args.singles):
        start = time.perf_counter()
        with transaction.atomic():
            record(user, AuditEvent.Action.UPDATE, user, {"phone": [str(n), str(n + 1)]})
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[len(timings) * 95 // 100]
    print(f"  one row per transaction: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms")

    total = AuditEvent.objects.count()
    passed, seconds, output = _verify()
    print(f"  verify_audit over {total:,} rows: {seconds:.2f} s → {output}")
    failures = [] if passed else ["verify_audit failed on an untouched chain"]

    ids = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    edited, removed = ids[len(ids) // 2], ids[len(ids) // 3]
    postgres = connection.vendor == "postgresql"
    if postgres:
        for sql in (
            "UPDATE audit_auditevent SET target_repr = 'x' WHERE id = %s",
            "DELETE FROM audit_auditevent WHERE id = %s",
        ):
            try:
                with transaction.atomic():
                    _sql(sql, [edited])
                failures.append(f"the trigger let through: {sql.split()[0]}")
                print(f"  raw {sql.split()[0]}: NOT refused")
            except Exception as exc:  # the refusal is the expected outcome
                print(f"  raw {sql.split()[0]}: refused — {str(exc).splitlines()[0]}")

    def tampered(what, sql, row):
        if postgres:
            _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        _sql(sql, [row])
        if postgres:
            _sql("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        passed, seconds, output = _verify()
        named = f"#{row}" in output or f"#{ids[ids.index(row) + 1]}" in output
        print(f"  {what} row #{row}: verify_audit {'passed (MISSED)' if passed else 'failed'} in {seconds:.2f} s")
        print("    " + output.replace("\n", "\n    "))
        if passed or not named:
            failures.append(f"verify_audit did not name the {what} row #{row}")

    tampered("edited", "UPDATE audit_auditevent SET target_repr = '篡改' WHERE id = %s", edited)
    tampered("removed", "DELETE FROM audit_auditevent WHERE id = %s", removed)
    for failure in failures:
        print(f"FAIL: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
