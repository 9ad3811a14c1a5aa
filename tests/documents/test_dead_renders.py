"""Issue 9 item 8 (documents): a render killed on its last attempt shows as failed, with a retry for the user."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.documents.models import IssuedDocument
from enforcement.documents.services import issue_document
from enforcement.documents.tasks import resume_rendering
from tests.documents.helpers import letter_context

RS = IssuedDocument.RenderStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DOCUMENT_RENDER_MAX_ATTEMPTS = 3


def killed_on_its_last_attempt(world):
    """The state a SIGKILLed worker child leaves: claimed (rendering), three attempts, a claim long gone."""
    document = issue_document(
        world.people.city_legal, world.orgs.city, "guidance_letter", "意见书", letter_context(), year=2026
    )
    IssuedDocument.objects.filter(pk=document.pk).update(
        render_status=RS.RENDERING, render_attempts=3, render_claimed_at=timezone.now() - timedelta(minutes=10)
    )
    document.refresh_from_db()
    return document


def test_the_page_of_a_render_killed_on_its_last_attempt_says_it_failed_and_offers_a_retry(world, client):
    document = killed_on_its_last_attempt(world)
    client.force_login(world.people.city_legal)
    response = client.get(reverse("documents:pdf", args=[document.pk]))
    body = response.content.decode()
    assert "Refresh" not in response and 'http-equiv="refresh"' not in body  # it refreshed for ever
    assert "文书生成失败（已尝试3次）" in body
    assert f'action="{reverse("documents:retry_render", args=[document.pk])}"' in body and "重新生成" in body


def test_the_sweep_records_a_dead_last_attempt_as_failed(world):
    document = killed_on_its_last_attempt(world)
    resume_rendering()
    document.refresh_from_db()
    assert document.render_status == RS.FAILED and "进程被终止" in document.render_error
    assert document.render_given_up


def test_a_recent_claim_on_the_last_attempt_is_still_rendering(world):
    document = killed_on_its_last_attempt(world)
    IssuedDocument.objects.filter(pk=document.pk).update(render_claimed_at=timezone.now())
    document.refresh_from_db()
    assert not document.render_given_up
    resume_rendering()
    document.refresh_from_db()
    assert document.render_status == RS.RENDERING


def test_retry_renders_the_document_again_with_the_same_number(world, client, django_capture_on_commit_callbacks):
    document = killed_on_its_last_attempt(world)
    client.force_login(world.people.city_legal)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:retry_render", args=[document.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("documents:pdf", args=[document.pk])
    document.refresh_from_db()
    assert (document.render_status, document.render_attempts) == (RS.RENDERED, 1)  # in-process: rendered now
    assert document.number == "（川）应急指导〔2026〕1号" and document.pdf
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, target_id=str(document.pk), changes__render_attempts=[3, 0]
    ).exists()


def test_retry_is_refused_for_a_document_that_did_not_fail(world, client):
    document = killed_on_its_last_attempt(world)
    IssuedDocument.objects.filter(pk=document.pk).update(render_status=RS.PENDING, render_attempts=0)
    client.force_login(world.people.city_legal)
    response = client.post(reverse("documents:retry_render", args=[document.pk]), follow=True)
    assert "无需重新生成" in response.content.decode()
    document.refresh_from_db()
    assert document.render_status == RS.PENDING


def test_retry_of_another_countys_document_is_not_found(world, client):
    document = killed_on_its_last_attempt(world)
    client.force_login(world.people.county_b_officer)
    assert client.post(reverse("documents:retry_render", args=[document.pk])).status_code == 404
    document.refresh_from_db()
    assert document.render_status == RS.RENDERING
