"""Issue 9 items 5 and 8 (documents): a render whose process is SIGKILLed in a real worker is recorded as failed
and the sweep queues it again; it then renders, under the same number.

Runs in the PostgreSQL + Redis pass (CELERY_BROKER_URL set); skipped, with the reason, otherwise.
"""

import os
import signal
from pathlib import Path

import pytest

from enforcement.documents.models import IssuedDocument
from enforcement.documents.services import issue_document
from enforcement.documents.tasks import resume_rendering
from tests.celery_fixture import wait_until
from tests.documents.samples import SAMPLES

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
RS = IssuedDocument.RenderStatus


def render_children(pid):
    """The processes the worker has forked (each render's child: enforcement.documents.isolation)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread of the worker ended meanwhile
            continue
    return children


def slow_opinion_context():
    """A re-inspection opinion stored with long text in every cell: seconds to render, long enough to kill."""
    context = {k: v for k, v in SAMPLES["reinspection_opinion"](3).context.items() if k != "doc"}
    text = "报警探头仍未检验，现场检查发现整改不到位。" * 150
    context["results"] = [{**row, "description": text} for row in context["results"]]
    return context


def test_a_render_killed_in_the_worker_fails_and_the_sweep_renders_it_again(celery_worker, world, settings):
    settings.MEDIA_ROOT = celery_worker.media_root
    document = issue_document(
        world.people.city_legal, world.orgs.city, "reinspection_opinion", "整改复查意见书", slow_opinion_context()
    )
    children = wait_until(lambda: render_children(celery_worker.process.pid), timeout=60, interval=0.05)
    assert children, celery_worker.log()[-3000:]
    for child in children:
        os.kill(child, signal.SIGKILL)  # what the OOM killer does to a runaway render

    failed = wait_until(
        lambda: IssuedDocument.objects.filter(pk=document.pk, render_status=RS.FAILED).first(), timeout=60
    )
    assert failed, celery_worker.log()[-3000:]
    assert failed.render_attempts == 1 and "意外终止" in failed.render_error
    assert celery_worker.ping()  # the worker itself lives on

    assert resume_rendering() == 1  # beat's sweep: queued to the worker
    rendered = wait_until(
        lambda: IssuedDocument.objects.filter(pk=document.pk, render_status=RS.RENDERED).first(), timeout=120
    )
    assert rendered, celery_worker.log()[-3000:]
    assert rendered.render_attempts == 2 and rendered.number == document.number and rendered.pdf
