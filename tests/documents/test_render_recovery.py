"""Renders that fail or whose worker vanished are tried again, a bounded number of times, without new numbers;
each render in a worker runs under a memory ceiling."""

import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.documents.models import IssuedDocument
from enforcement.documents.services import issue_document
from enforcement.documents.tasks import render_document, resume_rendering
from tests.documents.helpers import letter_context

RS = IssuedDocument.RenderStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def issued(world, **state):
    document = issue_document(
        world.people.city_legal, world.orgs.city, "guidance_letter", "意见书", letter_context(), year=2026
    )
    IssuedDocument.objects.filter(pk=document.pk).update(**state)
    document.refresh_from_db()
    return document


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_a_claim_older_than_the_hard_time_limit_is_taken_over(world, settings):
    # The worker was killed at the hard limit (90 s): its claim is never released.
    document = issued(world, render_status=RS.RENDERING, render_claimed_at=ago(seconds=121), render_attempts=1)
    assert render_document(document.pk) == document.pk
    document.refresh_from_db()
    assert (document.render_status, document.render_attempts) == (RS.RENDERED, 2)
    assert document.number == "（川）应急指导〔2026〕1号"


def test_a_recent_claim_is_left_to_its_worker(world):
    document = issued(world, render_status=RS.RENDERING, render_claimed_at=ago(seconds=30), render_attempts=1)
    assert render_document(document.pk) is None


def test_failed_renders_are_retried_until_the_attempts_run_out(world, settings):
    settings.DOCUMENT_RENDER_MAX_ATTEMPTS = 3
    document = issued(world, render_status=RS.FAILED, render_attempts=2, render_error="boom")
    assert render_document(document.pk) == document.pk  # third attempt
    given_up = issued(world, render_status=RS.FAILED, render_attempts=3, render_error="boom")
    assert render_document(given_up.pk) is None
    given_up.refresh_from_db()
    assert given_up.render_given_up and not given_up.pdf


def test_a_failing_render_is_recorded_and_counted(world, monkeypatch):
    document = issued(world)

    def broken(*args, **kwargs):
        raise RuntimeError("模板错误")

    monkeypatch.setattr("enforcement.documents.tasks.html_to_pdf", broken)
    with pytest.raises(RuntimeError):
        render_document(document.pk)
    document.refresh_from_db()
    assert (document.render_status, document.render_attempts, document.render_error) == (RS.FAILED, 1, "模板错误")


def test_issuing_succeeds_even_when_the_render_fails(world, monkeypatch, django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr("enforcement.documents.tasks.html_to_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        document = issue_document(
            world.people.city_legal, world.orgs.city, "guidance_letter", "意见书", letter_context(), year=2026
        )
    document.refresh_from_db()
    assert document.number and document.render_status == RS.FAILED


def test_the_sweep_queues_lost_failed_and_abandoned_renders_but_not_fresh_ones(world):
    lost = issued(world, issued_at=ago(minutes=10))  # broker was down when it was issued
    failed = issued(world, render_status=RS.FAILED, render_attempts=1)
    abandoned = issued(world, render_status=RS.RENDERING, render_claimed_at=ago(minutes=5), render_attempts=1)
    fresh = issued(world)  # its own task is on the way
    exhausted = issued(world, render_status=RS.FAILED, render_attempts=3)
    assert resume_rendering() == 3  # in-process here: rendered right away
    status = dict(IssuedDocument.objects.values_list("pk", "render_status"))
    assert [status[d.pk] for d in (lost, failed, abandoned)] == [RS.RENDERED] * 3
    assert (status[fresh.pk], status[exhausted.pk]) == (RS.PENDING, RS.FAILED)


def test_the_document_page_retries_a_failed_render_and_then_serves_it(world, client):
    document = issued(world, render_status=RS.FAILED, render_attempts=1, render_error="临时错误")
    client.force_login(world.people.city_legal)
    response = client.get(reverse("documents:pdf", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_page_of_a_document_given_up_on_says_so_and_stops_refreshing(world, client):
    document = issued(world, render_status=RS.FAILED, render_attempts=3, render_error="字体缺失")
    client.force_login(world.people.city_legal)
    response = client.get(reverse("documents:pdf", args=[document.pk]))
    assert response.status_code == 500
    body = response.content.decode()
    assert "已尝试3次" in body and "请联系系统管理员" in body
    assert "Refresh" not in response and 'http-equiv="refresh"' not in body


def test_memory_ceiling_stops_a_runaway_allocation_and_is_lifted_afterwards():
    # In a child process: the ceiling applies to the whole process.
    script = textwrap.dedent(
        """
        import resource
        from enforcement.documents.limits import memory_ceiling

        before = resource.getrlimit(resource.RLIMIT_AS)
        try:
            with memory_ceiling(64):
                block = bytearray(256 * 1024 * 1024)
            print("allocated")
        except MemoryError:
            print("refused")
        assert resource.getrlimit(resource.RLIMIT_AS) == before
        block = bytearray(256 * 1024 * 1024)  # fine again once the render is over
        print("lifted")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)  # noqa: S603 - our own interpreter and script
    assert result.stdout.split() == ["refused", "lifted"]
