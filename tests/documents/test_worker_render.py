"""Issued documents rendered by a real Celery worker process (with its memory ceiling), not in-process.

Runs in the PostgreSQL + Redis pass of .ci/run (CELERY_BROKER_URL set); skipped, with the reason, otherwise.
"""

import pytest

from enforcement.celery import app
from enforcement.documents.models import IssuedDocument
from enforcement.documents.services import issue_document
from tests.celery_fixture import wait_until
from tests.documents.helpers import letter_context
from tests.documents.pdfcheck import pdf_text

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def renders_finished(worker):
    return sum(1 for line in worker.log().splitlines() if "documents.render[" in line and "succeeded" in line)


def test_issued_letter_is_rendered_once_by_the_worker(celery_worker, world, settings):
    """GIVEN a broker and a worker WHEN a letter is issued THEN the worker process renders its PDF after commit,
    under the render limits, in one attempt; queuing the same render again changes nothing."""
    assert not app.conf.task_always_eager
    settings.MEDIA_ROOT = celery_worker.media_root
    document = issue_document(
        world.people.city_legal, world.orgs.city, "guidance_letter", "指导意见书", letter_context(), year=2026
    )
    rendered = wait_until(
        lambda: IssuedDocument.objects.filter(pk=document.pk, render_status="rendered").first(), timeout=60
    )
    assert rendered, celery_worker.log()[-3000:]
    assert rendered.render_attempts == 1 and rendered.render_ms is not None
    with rendered.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "（川）应急指导〔2026〕1号" in text and "东城区应急管理局" in text

    from enforcement.documents.tasks import render_document

    render_document.delay(document.pk)
    assert wait_until(lambda: renders_finished(celery_worker) == 2, timeout=10), celery_worker.log()[-3000:]
    again = IssuedDocument.objects.get(pk=document.pk)
    assert (again.render_attempts, again.pdf_sha256) == (1, rendered.pdf_sha256)
