"""Register exports left "running" by a killed worker are recovered, or fail with a retry (issue 9 item 8).

In-process (tasks run eagerly); with a real worker killed by SIGKILL: tests/test_worker_recovery.py.
"""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from enforcement import jobs
from enforcement.enterprises import export_jobs
from enforcement.enterprises.models import ExportJob
from enforcement.enterprises.tasks import export_enterprises, resume_exports

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def killed_job(owner, settings, attempts=1, stale=True):
    """An export as a worker killed mid-write leaves it: "running" under a claim nobody will release."""
    job = ExportJob.objects.create(
        owner=owner,
        organisation=owner.organisation,
        status="running",
        attempts=attempts,
        claim_token="dead-task",
        started_at=timezone.now(),
    )
    if stale:
        age = datetime.timedelta(seconds=settings.ENTERPRISE_EXPORT_TIME_LIMIT + 1) + jobs.CLAIM_MARGIN
        ExportJob.objects.filter(pk=job.pk).update(started_at=F("started_at") - age)
    return job


def test_a_killed_export_is_written_by_the_sweep(world, settings):
    """GIVEN an export killed mid-write WHEN its claim is older than the export's hard limit THEN the sweep
    queues it again and the file is written (attempt 2); before, it stayed "running" for ever."""
    owner = world.people.county_a_officer
    fresh = killed_job(owner, settings, stale=False)
    job = killed_job(owner, settings)

    assert resume_exports() == {"sent": 1, "given_up": 0}  # the one whose claim may be alive is left alone

    job.refresh_from_db()
    assert (job.status, job.attempts, job.row_count) == ("done", 2, 4)  # county A's four firms
    assert job.file.name.startswith("enterprise_exports/")
    assert ExportJob.objects.get(pk=fresh.pk).status == "running"


def test_an_export_killed_on_its_last_attempt_fails_with_a_retry(client, world, settings):
    owner = world.people.county_a_officer
    job = killed_job(owner, settings, attempts=settings.JOB_MAX_ATTEMPTS)
    assert resume_exports() == {"sent": 0, "given_up": 1}
    job.refresh_from_db()
    assert job.status == "failed" and "已尝试3次均未完成" in job.error

    client.force_login(owner)
    response = client.get(reverse("enterprises:export_job", args=[job.pk]))
    html = response.content.decode()
    assert "Refresh" not in response and "已尝试3次均未完成" in html
    assert f'href="{reverse("enterprises:export")}" id="link-retry"' in html


def test_a_duplicate_delivery_does_nothing_while_the_claim_lives(world, settings):
    owner = world.people.county_a_officer
    job = killed_job(owner, settings, stale=False)
    assert export_enterprises.apply(args=[job.pk], task_id="another-task").get() is None
    job.refresh_from_db()
    assert (job.status, job.attempts, job.file.name) == ("running", 1, "")
    # The same message redelivered (its child was killed) takes the job back at once.
    assert export_enterprises.apply(args=[job.pk], task_id="dead-task").get() == "done"
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)


def test_asking_again_does_not_wait_on_an_abandoned_job(world, settings):
    owner = world.people.county_a_officer
    abandoned = killed_job(owner, settings)
    job, created = export_jobs.create_job(owner, "")
    assert created and job.pk != abandoned.pk
    again, created = export_jobs.create_job(owner, "")
    assert (again.pk, created) == (job.pk, False)


def test_an_export_whose_message_was_lost_is_sent_again(world, monkeypatch):
    """GIVEN an export queued whose message the broker lost (restarted without persistence) THEN the sweep
    sends it again once QUEUE_GRACE has passed, and it is written."""
    owner = world.people.county_a_officer
    lost = []
    monkeypatch.setattr(export_enterprises, "delay", lambda *a: lost.append(a))
    job, _created = export_jobs.create_job(owner, "")
    assert export_jobs.send(job.pk) and lost == [(job.pk,)]
    monkeypatch.undo()

    assert resume_exports() == {"sent": 0, "given_up": 0}  # a normal wait in the queue
    ExportJob.objects.filter(pk=job.pk).update(queued_at=F("queued_at") - jobs.QUEUE_GRACE)
    assert resume_exports() == {"sent": 1, "given_up": 0}
    job.refresh_from_db()
    assert (job.status, job.attempts, job.row_count) == ("done", 1, 4)
