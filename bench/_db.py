"""Shared set-up for benchmarks: a throwaway database, migrated, and Django configured to use it."""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def throwaway_database(name: str, sqlite: bool = False, reuse: bool = False):
    """Point DATABASE_URL at a fresh database ``name`` (PostgreSQL unless ``sqlite``), set up Django,
    migrate, and return (label, drop) where ``drop()`` removes the database again.

    The server comes from BENCH_DATABASE_URL or DATABASE_URL (any database on it; only used to connect).
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    if sqlite:
        path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        if path.exists() and not reuse:
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        os.environ.pop("CELERY_BROKER_URL", None)
        label, drop = "SQLite", (lambda: path.unlink(missing_ok=True))
    else:
        import psycopg

        parts = urlsplit(os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG_URL)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        if not reuse:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        os.environ.pop("CELERY_BROKER_URL", None)

        def drop():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

        label = "PostgreSQL"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return label, drop


def median_ms(fn, runs):
    """Run ``fn`` ``runs`` times; return (median ms, all timings ms, last result)."""
    import statistics
    import time

    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), timings, result
