"""Full schemathesis run over every API operation as a county officer and as the city's legal section.

Usage (from the repository root):

    .venv/bin/python bench/fuzz_api.py --sqlite                        # SQLite, 200 examples per operation
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/fuzz_api.py --examples 300
    .venv/bin/python bench/fuzz_api.py --sqlite --examples 20 --only enterprises --seed 7

The CI test tests/fuzz/test_schemathesis.py runs the same fuzzer (tests/fuzz/runner.py) with a few examples;
this script runs many. With a PostgreSQL URL it creates (and afterwards drops) a throwaway database
``bench_fuzz_api`` on that server. The world is county A's working year of the access walk
(tests/access/world.py); every example runs in a savepoint rolled back afterwards, so writes and deletions
hit real rows without using them up. Prints, per persona, each operation with the requests made, the status
codes seen, server errors and schema violations (with a curl command reproducing each distinct failure), then
totals. Exit status 1 on any failure.
"""

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import throwaway_database

BENCH_DB = "bench_fuzz_api"
PERSONAS = ["county_a_officer", "city_legal"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="examples per operation and persona")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--only", default=None, help="only operations whose 'METHOD /path' contains this")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: derandomized, repeatable)")
    parser.add_argument("--persona", choices=PERSONAS, action="append", help="default: both")
    parser.add_argument("--verbose", action="store_true", help="every operation, not only failing ones")
    args = parser.parse_args()

    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="fuzz-media-"))
    label, drop = throwaway_database(BENCH_DB, sqlite=args.sqlite)
    try:
        failed = run(args, label)
    finally:
        drop()
    sys.exit(1 if failed else 0)


def run(args, label):
    from django.conf import settings
    from django.db import transaction
    from django.test.utils import setup_test_environment

    from tests.access.world import build_walk_world
    from tests.fuzz.runner import Fuzzer, summary, timed

    setup_test_environment()  # mail goes to memory
    # The run provokes errors on purpose; the summary reports each with how to reproduce it.
    logging.disable(logging.CRITICAL)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    failed = False
    with transaction.atomic():
        world, seconds = timed(build_walk_world)
        print(f"{label}: world built in {seconds:.1f} s")
        fuzzer = Fuzzer(args.examples, seed=args.seed)
        print(f"{len(fuzzer.operations())} operations, {args.examples} examples each per persona")
        for persona in args.persona or PERSONAS:
            results, seconds = timed(fuzzer.run, getattr(world.people, persona), only=args.only)
            for result in results if args.verbose else []:
                print(f"  {result.label}: {result.requests} requests {dict(result.statuses)}")
            for line in summary(results, f"{persona} on {label}"):
                print(line)
            print(f"  ({seconds:.0f} s)")
            failed |= any(result.failures for result in results)
        transaction.set_rollback(True)
    return failed


if __name__ == "__main__":
    main()
