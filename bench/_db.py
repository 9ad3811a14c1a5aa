"""Shared set-up for benchmarks: a throwaway database, migrated, and Django configured to use it."""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def throwaway_database(name: str, sqlite: bool = False, reuse: bool = False):
    """Point DATABASE_URL at database ``name`` (PostgreSQL unless ``sqlite``), set up Django, migrate,
    and return (label, drop) where ``drop()`` removes the database again.

    Without ``reuse`` the database is dropped and created afresh; with ``reuse`` an existing one is kept,
    data and all, and a missing one is created. The server comes from BENCH_DATABASE_URL or DATABASE_URL
    (any database on it; only used to connect). Django is set up here, so set whatever else the settings
    read (VAR_DIR, MEDIA_ROOT, LOG_LEVEL) before calling.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    # DEBUG keeps every SQL query in memory and slows each one down: never measure with it on.
    os.environ["DEBUG"] = "false"
    # Without a broker Celery runs tasks in-process, so a benchmark times the task bodies, not a queue.
    os.environ.pop("CELERY_BROKER_URL", None)
    if sqlite:
        path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        if path.exists() and not reuse:
            path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        label, drop = "SQLite", (lambda: path.unlink(missing_ok=True))
    else:
        label, drop = "PostgreSQL", _postgres_database(name, reuse)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return label, drop


def _postgres_database(name, reuse):
    """Create database ``name`` (keep it if ``reuse`` and it exists), point DATABASE_URL at it; return drop()."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG_URL)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"BENCH_DATABASE_URL / DATABASE_URL must be a postgres:// URL, not {parts.scheme}://")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    drop_sql = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and not reuse:
            conn.execute(drop_sql)
        if not (exists and reuse):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(drop_sql)

    return drop


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
