"""Issue 9 item 8 for imports, with a real worker: a 10,000-row import whose worker child is killed with
SIGKILL mid-apply writes nothing, and is written once the sweep queues it again (PostgreSQL + Redis).

Before: the batch stayed "applying" for ever and refused re-confirmation.

The session's worker (tests/celery_fixture.py) runs the solo pool, which has no child to kill; this module
starts its own prefork worker (concurrency 1, the production pool) on a queue of its own, on the same test
database, and sends the import's tasks there. Celery's own settings are left as they are
(task_reject_on_worker_lost or not, the claim decides either way).
"""

import os
import signal
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from enforcement.enterprises import tasks
from enforcement.enterprises.credit_code import make_code
from enforcement.enterprises.models import Enterprise, ImportBatch
from tests.celery_fixture import _stop, start_worker, wait_until, worker_database_url
from tests.enterprises.test_import_support import registrar

S = ImportBatch.Status
ROWS = 10_000
QUEUE = f"import-recovery-{uuid.uuid4().hex[:6]}"


def start_prefork_worker(url, broker, tmp_path_factory):
    """A prefork worker (the production pool, one child) in a process group of its own, on this module's queue."""
    from enforcement.celery import app

    return start_worker(
        app,
        url,
        broker,
        tmp_path_factory.mktemp("celery-prefork") / "worker.log",
        tmp_path_factory.mktemp("prefork-media"),
        pool="prefork",
        queue=QUEUE,
    )


@pytest.fixture
def worker_factory(django_db_setup, django_db_blocker, tmp_path_factory):
    url, broker = worker_database_url(django_db_blocker)
    started = []

    def start():
        started.append(start_prefork_worker(url, broker, tmp_path_factory))
        return started[-1]

    yield start
    for worker in started:
        _stop(worker.process)


@pytest.fixture
def prefork_worker(worker_factory):
    # One per test: a worker left from another test would take the queue's messages too.
    return worker_factory()


@pytest.fixture
def to_queue(settings, monkeypatch):
    """The import's tasks go to this module's queue (the views and the sweep still call delay())."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    for task in (tasks.apply_enterprise_import, tasks.parse_enterprise_import):
        monkeypatch.setattr(task, "delay", lambda batch_id, task=task: task.apply_async((batch_id,), queue=QUEUE))


@pytest.fixture
def to_prefork_worker(prefork_worker, to_queue):
    return prefork_worker


def big_batch(user):
    """A previewed 10,000-row batch, as the parse task stores it (parsed rows of new enterprises)."""
    rows = [
        {
            "row": i + 2,
            "values": {
                "credit_code": make_code(f"9141990180{i:07d}"),
                "name": f"恢复测试{i:05d}有限公司",
                "organisation": "东城区应急管理局",
                "sector": "机械",
            },
            "errors": [],
            "code_ok": True,
        }
        for i in range(ROWS)
    ]
    fields = {"credit_code": "统一社会信用代码", "name": "单位名称", "organisation": "属地", "sector": "行业领域"}
    return ImportBatch.objects.create(
        owner=user,
        organisation=user.organisation,
        original_name="一万行.xlsx",
        status=S.PREVIEWED,
        columns={"fields": fields},
        rows=rows,
        row_count=ROWS,
        create_count=ROWS,
    )


def child_of(worker, pid):
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().split(")")[1].split()[1]) == worker.process.pid


def confirm_and_wait_for_the_claim(client, worker, batch):
    assert client.post(reverse("enterprises:import_confirm", args=[batch.pk])).status_code == 302

    def claimed():
        batch.refresh_from_db()
        return batch.status == S.APPLYING and batch.claimed_by

    assert wait_until(claimed, timeout=60), worker.log()[-3000:]
    time.sleep(1.0)  # well inside the ~5 s the 10,000-row write takes
    batch.refresh_from_db()
    assert batch.status == S.APPLYING, "the write finished before the kill; the test needs a slower batch"
    return int(batch.claimed_by.rsplit(":", 1)[1])


def nothing_written_and_claim_kept(client, batch, before):
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (S.APPLYING, 1)
    assert Enterprise.objects.count() == before
    again = client.post(reverse("enterprises:import_confirm", args=[batch.pk]), follow=True)
    assert "该批次已经确认过，不能重复导入。" in again.content.decode()
    assert tasks.resume_enterprise_imports()["apply"] == 0  # the claim is fresh: it might still be running


def swept_and_written_once(client, worker, batch, before):
    # Once the claim is older than the hard time limit the sweep queues it again; a worker writes it.
    stale = timezone.now() - timedelta(seconds=django_settings.ENTERPRISE_IMPORT_APPLY_TIME_LIMIT + 60)
    ImportBatch.objects.filter(pk=batch.pk).update(claimed_at=stale)
    assert tasks.resume_enterprise_imports()["apply"] == 1
    # A second sweep before the worker claims it queues a duplicate message: the claim lets only one write.
    tasks.resume_enterprise_imports()

    def finished():
        batch.refresh_from_db()
        return batch.status in (S.APPLIED, S.FAILED)

    assert wait_until(finished, timeout=120), worker.log()[-3000:]
    assert (batch.status, batch.create_count, batch.attempts) == (S.APPLIED, ROWS, 2), batch.error_message
    assert Enterprise.objects.count() == before + ROWS
    page = client.get(reverse("enterprises:import_batch", args=[batch.pk])).content.decode()
    assert "导入完成：新增 10000 家" in page


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_child_is_killed_mid_apply_is_recovered(client, world, to_prefork_worker):
    worker = to_prefork_worker
    user = registrar(world)
    batch = big_batch(user)
    before = Enterprise.objects.count()
    client.force_login(user)
    pid = confirm_and_wait_for_the_claim(client, worker, batch)
    assert pid != worker.process.pid and child_of(worker, pid)  # the pool's child, not the worker itself
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: "WorkerLostError" in worker.log() or "SIGKILL" in worker.log(), timeout=30)
    time.sleep(1.0)
    nothing_written_and_claim_kept(client, batch, before)
    swept_and_written_once(client, worker, batch, before)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_whole_worker_is_killed_mid_apply_is_recovered(client, world, worker_factory, to_queue):
    """The whole worker (main process and child) SIGKILLed: its unacknowledged message waits for the broker's
    visibility timeout, but the sweep does not — a new worker writes the batch once the claim is stale."""
    worker = worker_factory()
    user = registrar(world)
    batch = big_batch(user)
    before = Enterprise.objects.count()
    client.force_login(user)
    confirm_and_wait_for_the_claim(client, worker, batch)
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)
    nothing_written_and_claim_kept(client, batch, before)
    swept_and_written_once(client, worker_factory(), batch, before)
