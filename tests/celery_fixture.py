"""A real Celery worker process for the tests that need one (pytest plugin, see tests/conftest.py).

Without CELERY_BROKER_URL, tasks run in-process (settings: task_always_eager) and ``celery_worker``
skips with the reason. With it (``.ci/run`` sets redis://127.0.0.1:6379/0 and a PostgreSQL
DATABASE_URL), the fixture starts a ``celery worker`` process once per session (tests/celery_worker_app.py),
pointed at the pytest-django *test* database, so tasks queued by a test run in another process exactly as in
production. Tests using it need ``@pytest.mark.django_db(transaction=True)``: the worker only sees
committed rows. Every other test keeps running tasks in-process, also when a broker is configured.

Transactional tests end with a flush that empties every table; Django re-fires post_migrate
afterwards (roles and permissions come back) but data migrations do not run again. The hook below
re-runs the seeding data migrations (sectors, the check-item library) at that point, so a later test
that needs them does not depend on running before a transactional one.
"""

import importlib
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db.models.signals import post_migrate

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60  # seconds until the worker must answer a ping


# app label → the data migrations whose seed functions a flush wipes out, in order (the check-item library needs
# the sectors, and post_migrate reaches enterprises before plans; documents' types before the cases' ones).
SEEDED_BY_MIGRATIONS = {
    "enterprises": [("enforcement.enterprises.migrations.0008_seed_sector_aliases", "seed")],  # sectors, then aliases
    "plans": [("plans.migrations.0002_seed_check_items", "seed")],
    "documents": [("enforcement.documents.migrations.0002_document_types", "seed")],
    # The working-day calendar and the legal parameters every penalty deadline and gate reads. Their seeds insert
    # without looking (not get_or_create), so they run only into an empty table: post_migrate also fires when the
    # test database is created, after the migrations have seeded it.
    "workdays": [("enforcement.workdays.migrations.0002_seed_chinesecalendar", "seed", "workdays.CalendarYear")],
    "rules": [("enforcement.rules.migrations.0002_seed_legal_rules", "seed", "rules.LegalRule")],
    "cases": [
        ("cases.migrations.0007_penalty_document_types_investigation", "seed"),
        ("cases.migrations.0008_penalty_document_types_decision", "seed"),
        ("cases.migrations.0010_case_file_document_type", "add_type"),
    ],
}


def _reseed_migration_data(sender, **kwargs):
    from django.apps import apps

    for module, function, *only_into_empty in SEEDED_BY_MIGRATIONS.get(getattr(sender, "label", None), ()):
        if only_into_empty and apps.get_model(only_into_empty[0]).objects.exists():
            continue
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _restore_seed_data_after_flush():
    post_migrate.connect(_reseed_migration_data, dispatch_uid="tests.reseed_migration_data")
    yield
    post_migrate.disconnect(dispatch_uid="tests.reseed_migration_data")


# Fixtures that give a test real worker processes: tests using one send their tasks to the broker.
WORKER_FIXTURES = {"celery_worker", "worker_factory"}


@pytest.fixture(autouse=True)
def _celery_eager_unless_worker(request):
    """Every test runs tasks in-process, even with a broker configured, unless it asks for the worker.

    Only tests that request ``celery_worker`` send tasks to the broker; the rest keep the behaviour
    they were written for (a confirmed import is applied before the response), in both CI runs.
    Celery reads Django's CELERY_* settings live (setting ``app.conf.task_always_eager`` would be
    shadowed by them), so the override goes through pytest-django's ``settings`` fixture.
    """
    if not WORKER_FIXTURES & set(request.fixturenames) and os.environ.get("CELERY_BROKER_URL"):
        request.getfixturevalue("settings").CELERY_TASK_ALWAYS_EAGER = True


def database_url(settings_dict) -> str | None:
    """A DATABASE_URL for the database described by ``settings_dict``; None for SQLite."""
    if "postgresql" not in settings_dict["ENGINE"]:
        return None
    auth = quote(settings_dict.get("USER") or "", safe="")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict.get("HOST") or ""
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    netloc = f"{auth}@{host}{port}" if auth else f"{host}{port}"
    return f"postgres://{netloc}/{quote(settings_dict['NAME'], safe='')}"


@dataclass
class Worker:
    app: object
    hostname: str
    process: subprocess.Popen
    log_path: Path
    media_root: Path  # the worker's MEDIA_ROOT: a test reading files the worker wrote points its settings here
    log_offset: int = 0  # log() starts here: the test's own part of the session worker's log

    def log(self) -> str:
        return self.log_path.read_bytes()[self.log_offset :].decode(errors="replace")

    def ping(self, timeout=1.0):
        return self.app.control.ping(destination=[self.hostname], timeout=timeout)


def _stop(process):
    if process.poll() is None:
        process.terminate()  # warm shutdown: the solo pool finishes the current task first
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def celery_worker(celery_worker_process):
    """The session's Celery worker; ``log()`` shows only what it logged during this test."""
    return replace(celery_worker_process, log_offset=celery_worker_process.log_path.stat().st_size)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """Start one Celery worker on the test database for the session. Skips without a broker."""
    from enforcement.celery import app

    url, broker = worker_database_url(django_db_blocker)
    if app.conf.task_always_eager:
        pytest.fail("CELERY_BROKER_URL is set but Celery still runs tasks eagerly")
    # Messages left by an earlier, interrupted run would otherwise reach this run's worker.
    app.control.purge()
    worker = start_worker(
        app,
        url,
        broker,
        log_path=tmp_path_factory.mktemp("celery") / "worker.log",
        media_root=tmp_path_factory.mktemp("worker-media"),
    )
    try:
        yield worker
    finally:
        _stop(worker.process)


def start_worker(app, url, broker, log_path, media_root, pool="solo", queue="celery", extra_env=None):
    """Start a ``celery worker`` process on the test database and wait until it answers a ping.

    ``pool="prefork"`` gives the worker a child process that runs the tasks (what production runs, and what
    an OOM kill hits); the process is the leader of its own process group, so a test can kill the whole
    worker with ``os.killpg``.
    """
    hostname = f"pytest-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DB_CONN_MAX_AGE": "0",  # no connection may outlive a task: the test database is dropped at the end
        "CELERY_BROKER_URL": broker,
        "DJANGO_SETTINGS_MODULE": "enforcement.settings",
        "MEDIA_ROOT": str(media_root),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tests.celery_worker_app",  # the project's app plus a per-task cache reset, see that module
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "-Q",
        queue,
        "--loglevel=INFO",
        f"--hostname={hostname}",
        "--without-gossip",
        "--without-mingle",
    ]
    with log_path.open("ab") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    worker = Worker(app=app, hostname=hostname, process=process, log_path=log_path, media_root=media_root)
    deadline = time.monotonic() + START_TIMEOUT
    while not worker.ping():
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {process.returncode}:\n{worker.log()[-4000:]}")
        if time.monotonic() > deadline:
            _stop(process)
            pytest.fail(f"the Celery worker did not answer a ping in {START_TIMEOUT}s:\n{worker.log()[-4000:]}")
    return worker


def worker_database_url(django_db_blocker):
    """The test database as a DATABASE_URL for a worker process; skips (with the reason) where there is none."""
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip(
            "needs a real Celery worker: set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and a "
            "PostgreSQL DATABASE_URL; .ci/run does. Without a broker tasks run in-process."
        )
    from django.db import connection

    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    if url is None:
        pytest.skip("a worker process cannot share SQLite's in-memory test database: use a PostgreSQL DATABASE_URL")
    return url, broker


def wait_until(condition, timeout=30.0, interval=0.1):
    """Poll ``condition`` until it returns something truthy; return that, or None after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
