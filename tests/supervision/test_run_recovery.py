"""Monthly runs that were killed, lost or refused by the broker are recovered or say so (issue 9 item 8).

In-process (tasks run eagerly); the same paths with a real worker killed by SIGKILL: tests/test_worker_recovery.py.
"""

import datetime

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from enforcement import jobs
from supervision.models import MonthlyProgress, MonthlyProgressRun
from supervision.progress import runs
from supervision.progress.tasks import build_monthly_progress_task, resume_monthly_runs
from tests.dates import CLOCK_2026
from tests.planning import execute_first_half

pytestmark = [pytest.mark.django_db, pytest.mark.clock(CLOCK_2026)]

JUNE = datetime.date(2026, 6, 1)
PAGE = reverse("supervision:progress")


@pytest.fixture
def executed(planning, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return execute_first_half(planning)


def killed_run(attempts=1, age=None, settings=None):
    """A June run as a killed worker leaves it: "running", claimed by a task that will never finish."""
    run = MonthlyProgressRun.objects.create(
        month=JUNE, status="running", attempts=attempts, claim_token="dead-task", started_at=timezone.now()
    )
    if age is not None:
        MonthlyProgressRun.objects.filter(pk=run.pk).update(started_at=F("started_at") - age)
    return run


def past_the_limit(settings):
    return (
        datetime.timedelta(seconds=settings.MONTHLY_PROGRESS_TIME_LIMIT)
        + jobs.CLAIM_MARGIN
        + datetime.timedelta(seconds=1)
    )


def page(client, user, month="2026-06"):
    client.force_login(user)
    return client.get(PAGE, {"month": month}).content.decode()


def test_a_killed_run_is_rebuilt_by_the_sweep(executed, settings):
    """GIVEN a run killed 1.7 s in (running, no reports) WHEN the claim is older than the run's hard limit
    THEN the sweep queues it again and it is built (attempt 2); before, it stayed "running" for ever."""
    run = killed_run(age=datetime.timedelta(seconds=1))
    assert resume_monthly_runs() == {"sent": 0, "given_up": 0}  # a claim that may be alive is left alone
    MonthlyProgressRun.objects.filter(pk=run.pk).update(started_at=F("started_at") - past_the_limit(settings))

    assert resume_monthly_runs() == {"sent": 1, "given_up": 0}

    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("done", 2, "")
    assert run.organisations == MonthlyProgress.objects.filter(month=JUNE).count() > 0


def test_the_progress_page_says_a_stale_run_was_interrupted(executed, client, settings, world):
    """GIVEN a run whose claim is past the limit THEN the page says it was interrupted and will be retried,
    not "正在生成"."""
    killed_run(age=past_the_limit(settings))
    html = page(client, world.people.city_legal)
    assert 'data-state="interrupted"' in html
    assert "已中断" in html and "系统将自动重试" in html
    assert "正在生成" not in html


def test_a_run_out_of_attempts_fails_with_a_retry(executed, client, settings, world, django_user_model):
    """GIVEN a run killed on its last attempt WHEN the sweep finds it THEN it is failed with a message, the
    page says so with a retry button, and the retry builds the month."""
    run = killed_run(attempts=settings.JOB_MAX_ATTEMPTS, age=past_the_limit(settings))
    assert resume_monthly_runs() == {"sent": 0, "given_up": 1}
    run.refresh_from_db()
    assert run.status == "failed" and f"已尝试{settings.JOB_MAX_ATTEMPTS}次均未完成" in run.error

    html = page(client, world.people.city_legal)
    assert 'data-state="failed"' in html and 'id="btn-run-retry"' in html and "已尝试3次均未完成" in html
    # A county sees the failure, not the internals, and no button it could not use.
    html = page(client, django_user_model.objects.get(username="county_a_legal"))
    assert 'id="btn-run-retry"' not in html and "请联系市级管理员重新生成" in html

    client.force_login(world.people.city_legal)
    client.post(reverse("supervision:progress_rebuild"), {"month": "2026-06"})
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("done", 1)


def test_a_redelivered_message_retakes_its_own_claim_and_a_duplicate_does_not(executed):
    """The claim decides: the same task id (a message redelivered after its child died) takes the run
    back at once; another task (a duplicate) finds it taken; attempts are counted and bounded."""
    run = killed_run(attempts=1)
    assert not jobs.claim(runs.RUNS, run.pk, "another-task")
    assert jobs.claim(runs.RUNS, run.pk, "dead-task")
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("running", 2)
    MonthlyProgressRun.objects.filter(pk=run.pk).update(attempts=3)
    assert not jobs.claim(runs.RUNS, run.pk, "dead-task")  # killed on every delivery: stop, say so
    run.refresh_from_db()
    assert run.status == "failed" and "已尝试3次均未完成" in run.error


def test_a_rebuild_whose_message_is_lost_is_sent_again(executed, client, world, monkeypatch):
    """GIVEN a rebuild the user was told "已提交" WHEN the broker loses the message (restarted without
    persistence) THEN the run is recorded as queued and the sweep sends it again after the grace time."""
    lost = []
    monkeypatch.setattr(build_monthly_progress_task, "delay", lambda *a, **kw: lost.append(a))
    client.force_login(world.people.city_legal)
    response = client.post(reverse("supervision:progress_rebuild"), {"month": "2026-06"}, follow=True)
    assert "已提交重新生成" in response.content.decode()
    run = MonthlyProgressRun.objects.get(month=JUNE)
    assert (run.status, lost) == ("queued", [("2026-06",)])
    assert 'data-state="queued"' in page(client, world.people.city_legal)

    monkeypatch.undo()
    assert resume_monthly_runs() == {"sent": 0, "given_up": 0}  # still within the grace time
    MonthlyProgressRun.objects.filter(pk=run.pk).update(queued_at=F("queued_at") - jobs.QUEUE_GRACE)
    assert resume_monthly_runs() == {"sent": 1, "given_up": 0}
    run.refresh_from_db()
    assert run.status == "done" and MonthlyProgress.objects.filter(month=JUNE).exists()


def test_rebuild_with_the_broker_down_is_a_message_not_a_500(executed, client, world, monkeypatch):
    """GIVEN the broker down WHEN a city administrator rebuilds a month THEN a clear message (not HTTP 500),
    and the request is kept: the sweep sends it once the broker is back."""

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(build_monthly_progress_task, "delay", refused)
    client.force_login(world.people.city_legal)
    response = client.post(reverse("supervision:progress_rebuild"), {"month": "2026-06"}, follow=True)
    assert response.status_code == 200
    assert "任务队列暂时不可用" in response.content.decode() and "无需重复提交" in response.content.decode()
    assert MonthlyProgressRun.objects.get(month=JUNE).status == "queued"


def test_api_rebuild_with_the_broker_down_is_accepted_and_kept(executed, world, monkeypatch):
    from rest_framework.test import APIClient

    def refused(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(build_monthly_progress_task, "delay", refused)
    api = APIClient()
    api.force_authenticate(world.people.city_legal)
    response = api.post("/api/monthly-progress-runs/rebuild/", {"month": "2026-06"}, format="json")
    assert response.status_code == 202, response.content.decode()
    assert response.json()["queued"] is True and "任务队列暂时不可用" in response.json()["detail"]
