"""The Celery app the test worker runs (``celery -A tests.celery_worker_app``): the project's own app, plus
one test-only concern.

Transactional tests end with a flush, after which post_migrate recreates content types and permissions
with new ids. A long-lived worker would keep the old ids in Django's ContentType cache and write audit
events pointing at rows that no longer exist, so the cache is dropped before every task.

Under ``TEST_CLOCK`` the worker moves its clock too, in step with the pytest process (tests/clock.py).
"""

import os

from celery.signals import task_prerun

from enforcement.celery import app
from tests import clock

clock.start_from_environment()

__all__ = ["app"]


@task_prerun.connect
def _forget_cached_content_types(**kwargs):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _hold_at_gate(original):
    """Wrap a job's inner work so that its first call stops there until the test kills the process.

    TEST_JOB_GATE names a directory: the first call writes its pid to ``reached`` (so the test knows the
    job is claimed and working, and which process to kill) and waits; later calls — the recovered
    attempt — go straight through.
    """
    import functools
    import time
    from pathlib import Path

    gate = Path(os.environ["TEST_JOB_GATE"])

    @functools.wraps(original)
    def held(*args, **kwargs):
        reached = gate / "reached"
        if not reached.exists():
            reached.write_text(str(os.getpid()))
            while (gate / "closed").exists():
                time.sleep(0.05)
        return original(*args, **kwargs)

    return held


_gated = []


@task_prerun.connect
def _install_gate(**kwargs):
    """Only the workers of tests/test_worker_recovery.py (TEST_JOB_GATE set): the monthly job's figures and an
    export's workbook are where a real run spends its time, so that is where the kill lands (inside the
    claim). Installed at the first task of each worker process, once Django is set up."""
    if not os.environ.get("TEST_JOB_GATE") or _gated:
        return
    from enforcement.enterprises import export_jobs
    from supervision.progress import job

    job.compute = _hold_at_gate(job.compute)
    export_jobs.write_job = _hold_at_gate(export_jobs.write_job)
    _gated.append(True)
