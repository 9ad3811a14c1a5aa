"""Claims of the register import's two tasks — parsing an upload and writing a confirmed batch.

The pattern of the document renders (documents.tasks, IssuedDocument.renderable_q): a task first claims
its batch with one conditional UPDATE that records the time, the worker process and the attempt count;
a duplicated or re-queued message finds nothing to claim. A worker child killed mid-task (OOM, hard time
limit, SIGKILL) leaves its claim behind — its transaction never committed, so nothing was written — and
once the claim is older than the task's hard time limit it is abandoned: ``resume`` (beat, every minute)
queues the batch again, up to ENTERPRISE_IMPORT_MAX_ATTEMPTS tries, then marks it failed so that its page
offers a retry instead of refreshing for ever. A message lost with a non-persistent broker is found the
same way: a batch still waiting a minute after it was queued is queued again.

Self-contained on purpose (monthly runs and exports have their own claims); it can later be folded into a
generic helper.
"""

import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.enterprises.models import ImportBatch

S = ImportBatch.Status
# A batch queued this recently still has its own message on the way; the sweep leaves it alone.
FRESH = timedelta(minutes=1)
GRACE = timedelta(seconds=30)  # past the hard time limit: the child is surely gone
SWEEP_BATCH = 100


def worker_id():
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _stale(now, limit_seconds):
    return now - timedelta(seconds=limit_seconds) - GRACE


def stalled(batch, now=None):
    """The batch's task has been gone longer than its hard time limit: its worker died (the page says so)."""
    limit = {
        S.PARSING: settings.ENTERPRISE_IMPORT_PARSE_TIME_LIMIT,
        S.APPLYING: settings.ENTERPRISE_IMPORT_APPLY_TIME_LIMIT,
    }.get(batch.status)
    return bool(limit and batch.claimed_at and batch.claimed_at < _stale(now or timezone.now(), limit))


def parse_claimable_q(now):
    """Uploads waiting to be parsed, or whose parser has been gone longer than its hard time limit."""
    stale = _stale(now, settings.ENTERPRISE_IMPORT_PARSE_TIME_LIMIT)
    return (
        Q(status=S.PARSING)
        & (Q(claimed_at=None) | Q(claimed_at__lt=stale))
        & Q(attempts__lt=settings.ENTERPRISE_IMPORT_MAX_ATTEMPTS)
    )


def apply_claimable_q(now):
    """Confirmed batches waiting to be written, or whose writer has been gone longer than its hard time limit."""
    stale = _stale(now, settings.ENTERPRISE_IMPORT_APPLY_TIME_LIMIT)
    waiting = Q(status=S.PREVIEWED, confirmed_at__isnull=False)
    abandoned = Q(status=S.APPLYING) & (Q(claimed_at=None) | Q(claimed_at__lt=stale))
    return (waiting | abandoned) & Q(attempts__lt=settings.ENTERPRISE_IMPORT_MAX_ATTEMPTS)


def _claim(batch_id, claimable, **changes):
    now = timezone.now()
    return bool(
        ImportBatch.objects.filter(claimable, pk=batch_id).update(
            claimed_at=now, claimed_by=worker_id(), attempts=F("attempts") + 1, **changes
        )
    )


def claim_parse(batch_id):
    return _claim(batch_id, parse_claimable_q(timezone.now()))


def claim_apply(batch_id):
    now = timezone.now()
    return _claim(batch_id, apply_claimable_q(now), status=S.APPLYING, started_at=now)


def fail(batch_id, message, status, outcome=S.FAILED):
    """A claimed batch whose task failed: failed (its page offers a retry) or rejected, with the reason."""
    ImportBatch.objects.filter(pk=batch_id, status=status).update(
        status=outcome, error_message=message[:2000], finished_at=timezone.now()
    )


def give_up_abandoned(now):
    """Batches whose last attempt's worker died: failed, with the reason, so the user can retry."""
    max_attempts = settings.ENTERPRISE_IMPORT_MAX_ATTEMPTS
    message = _("后台任务已中断%(n)d次（可能是服务器内存不足或重启），所有更改均未写入。请点击“重试”。") % {
        "n": max_attempts
    }
    given_up = 0
    for status, limit in (
        (S.PARSING, settings.ENTERPRISE_IMPORT_PARSE_TIME_LIMIT),
        (S.APPLYING, settings.ENTERPRISE_IMPORT_APPLY_TIME_LIMIT),
    ):
        given_up += ImportBatch.objects.filter(
            status=status, attempts__gte=max_attempts, claimed_at__lt=_stale(now, limit)
        ).update(status=S.FAILED, error_message=message, finished_at=now)
    return given_up


def needing_parse(now):
    return ImportBatch.objects.filter(parse_claimable_q(now)).exclude(claimed_at=None, created_at__gte=now - FRESH)


def needing_apply(now):
    return ImportBatch.objects.filter(apply_claimable_q(now)).exclude(claimed_at=None, confirmed_at__gte=now - FRESH)


def retry(batch):
    """A failed batch is tried again from where it failed, with fresh attempts. False if not failed."""
    now = timezone.now()
    # A batch confirmed before it failed failed while writing; otherwise while parsing.
    changes = {"status": S.PREVIEWED, "confirmed_at": now} if batch.confirmed_at else {"status": S.PARSING}
    reset = ImportBatch.objects.filter(pk=batch.pk, status=S.FAILED).update(
        attempts=0, claimed_at=None, claimed_by="", error_message="", finished_at=None, **changes
    )
    return bool(reset)
