"""Long-running background jobs that survive a killed worker or a lost message (issue 9 item 8).

The shape is the one document renders already have (enforcement/documents/tasks.py): a job row carries its
claim — status, the time it was claimed (``started_at``), an attempt count and the id of the Celery task
that holds it. A task takes the job with one conditional UPDATE, so whichever delivery claims first does
the work and any duplicate (a re-queued message, a double click, the sweep racing a redelivery) does
nothing. What can go wrong, and what brings the job back:

* the worker's child is SIGKILLed (OOM killer, a crash): with ``task_reject_on_worker_lost`` the message
  goes back to the queue at once and its redelivery (same task id = same ``claim_token``) may re-claim
  the job it held; recovery takes seconds.
* the whole worker dies, or the child hits the hard time limit (the message is acknowledged then): the
  claim stays, and once it is older than the job's hard time limit no attempt can still be alive.
  ``sweep()`` (beat, every minute) puts it back in the queue, or, after ``max_attempts`` claims, records
  it as failed with a message so that the user sees it and may retry.
* the message is lost (a non-persistent broker restarted, the broker down when it was sent): the row is
  "queued" and the sweep sends it again after ``QUEUE_GRACE``.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

# A claim is abandoned this long after the job's hard time limit: by then Celery has killed any attempt
# that was still running, so taking the job over can never run it twice at once.
CLAIM_MARGIN = timedelta(seconds=30)
# A queued job whose message has not been picked up for this long is sent again. Sending twice is
# harmless (the claim decides), so this only has to exceed a normal wait in the queue.
QUEUE_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 200


class ClaimedJob(models.Model):
    """The claim fields of a job row; the concrete model has ``status``, ``started_at``, ``finished_at``
    and ``error`` of its own, with the status values named in its ``JobKind``."""

    attempts = models.PositiveSmallIntegerField(gettext_lazy("尝试次数"), default=0)
    claim_token = models.CharField(gettext_lazy("执行任务标识"), max_length=64, blank=True)
    queued_at = models.DateTimeField(gettext_lazy("排队时间"), null=True, blank=True)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class JobKind:
    """How one model's rows are claimed. Limits are callables so that settings are read when used."""

    model: type
    time_limit: object  # () -> seconds: the hard time limit of the task that runs the job
    max_attempts: object  # () -> int
    queued: str = "queued"
    running: str = "running"
    failed: str = "failed"

    def stale_before(self, now):
        return now - timedelta(seconds=self.time_limit()) - CLAIM_MARGIN

    def abandoned_q(self, now):
        """Running, but claimed longer ago than any attempt can still be alive."""
        return Q(status=self.running) & (Q(started_at__lt=self.stale_before(now)) | Q(started_at=None))

    def in_progress_q(self, now):
        """Queued, or running under a claim that may still be alive."""
        return Q(status=self.queued) | (Q(status=self.running) & ~self.abandoned_q(now))

    def is_abandoned(self, job, now=None):
        return job.status == self.running and (
            job.started_at is None or job.started_at < self.stale_before(now or timezone.now())
        )


def new_token():
    """A claim token for a job run outside Celery (a management command, a test)."""
    return f"local-{uuid.uuid4().hex}"


def claim(kind, pk, token, now=None):
    """Take job ``pk`` for the task ``token``. True if this caller must now do the work.

    Claimable: queued; running under an abandoned claim; or running under this very token — the same
    message delivered again after its worker child died (task_reject_on_worker_lost), which it can only
    be once that child is gone (the broker's visibility timeout exceeds every hard time limit). Each claim
    counts an attempt; a job whose attempts are used up is recorded as failed instead.
    """
    now = now or timezone.now()
    claimable = Q(status=kind.queued) | kind.abandoned_q(now)
    if token:
        claimable |= Q(status=kind.running, claim_token=token)
    claimed = kind.model.objects.filter(claimable, pk=pk, attempts__lt=kind.max_attempts()).update(
        status=kind.running, started_at=now, attempts=F("attempts") + 1, claim_token=token, error=""
    )
    if not claimed and token:
        # Redelivered once too often (it keeps killing its worker): stop here rather than loop.
        _give_up(kind, Q(pk=pk, status=kind.running, claim_token=token, attempts__gte=kind.max_attempts()), now)
    return bool(claimed)


def release_for_retry(kind, queryset, now=None):
    """Put jobs back in the queue for a user's retry: fresh attempts, no claim. Returns how many."""
    now = now or timezone.now()
    return queryset.exclude(kind.in_progress_q(now)).update(
        status=kind.queued, queued_at=now, attempts=0, claim_token="", error="", finished_at=None
    )


def given_up_message(attempts):
    return _(
        "已尝试%(n)d次均未完成：处理进程被中止（数据量过大、超时或内存不足）。请缩小范围后重试，或联系系统管理员。"
    ) % {"n": attempts}


def _give_up(kind, condition, now):
    rows = list(kind.model.objects.filter(condition).values_list("pk", "attempts"))
    for pk, attempts in rows:
        kind.model.objects.filter(condition, pk=pk).update(
            status=kind.failed, error=given_up_message(attempts), finished_at=now
        )
    return len(rows)


def send(task, *args, **kwargs):
    """Send ``task``; False (logged) if the broker refused it. Never raises: the row stays queued and the
    sweep sends it again, and the caller tells the user in words rather than with an HTTP 500.

    In-process (no broker configured) the task runs here; its own failure is recorded on its row.
    """
    try:
        task.delay(*args, **kwargs)
    except Exception:
        logger.exception("could not run or queue %s%r", task.name, args)
        return False
    return True


def sweep(kind, resend, now=None):
    """Recover kind's lost jobs: returns (sent again, given up).

    Abandoned claims with attempts left go back to "queued" and are sent again; those without are failed.
    Queued jobs not picked up within QUEUE_GRACE (lost message, broker down) are sent again. Every change
    is a conditional UPDATE, so two sweeps at once send each job once, and a duplicate message the claim
    turns away costs one query.
    """
    now = now or timezone.now()
    model = kind.model
    given_up = _give_up(kind, kind.abandoned_q(now) & Q(attempts__gte=kind.max_attempts()), now)
    lost = Q(status=kind.queued) & (Q(queued_at__lt=now - QUEUE_GRACE) | Q(queued_at=None))
    candidates = kind.abandoned_q(now) | lost
    sent = 0
    for pk in list(model.objects.filter(candidates).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH]):
        if model.objects.filter(candidates, pk=pk).update(status=kind.queued, queued_at=now, claim_token=""):
            logger.warning("re-queueing lost %s %s", model._meta.label, pk)
            sent += resend(pk)
    return sent, given_up
