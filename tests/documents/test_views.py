"""Document list and scoped PDF download: in scope 200, out of scope 404, pending page while rendering."""

import pytest
from django.urls import reverse

from enforcement.documents.services import issue_document
from enforcement.documents.tasks import render_document
from tests.documents.helpers import letter_context


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def county_doc(world):
    document = issue_document(
        world.people.county_a_officer,
        world.orgs.county_a,
        "guidance_letter",
        "安全生产执法指导意见书",
        letter_context(),
        year=2026,
    )
    return document


def test_pdf_in_scope_is_served(client, world, county_doc):
    render_document(county_doc.pk)
    for persona in ("county_a_officer", "city_legal"):
        client.force_login(getattr(world.people, persona))
        response = client.get(reverse("documents:pdf", args=[county_doc.pk]))
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_pdf_out_of_scope_is_404(client, world, county_doc):
    render_document(county_doc.pk)
    client.force_login(world.people.county_b_officer)
    assert client.get(reverse("documents:pdf", args=[county_doc.pk])).status_code == 404
    assert client.get(reverse("documents:pdf", args=[county_doc.pk + 999])).status_code == 404


def test_pdf_not_rendered_yet_shows_refreshing_page(client, world, county_doc):
    client.force_login(world.people.county_a_officer)
    response = client.get(reverse("documents:pdf", args=[county_doc.pk]))
    assert response.status_code == 202
    assert response["Refresh"] == "3"
    assert "文书正在生成" in response.content.decode()


def test_list_shows_only_documents_in_scope(client, world, county_doc):
    other = issue_document(
        world.people.city_legal, world.orgs.county_b, "guidance_letter", "西山县意见书", letter_context(), year=2026
    )
    client.force_login(world.people.county_a_officer)
    page = client.get(reverse("documents:list")).content.decode()
    assert county_doc.number in page
    assert other.number not in page and "西山县意见书" not in page
    client.force_login(world.people.city_legal)
    page = client.get(reverse("documents:list")).content.decode()
    assert county_doc.number in page and other.number in page


def test_admin_is_read_only_and_scoped(client, world, county_doc):
    from django.contrib.admin.sites import site

    from enforcement.documents.models import IssuedDocument

    model_admin = site._registry[IssuedDocument]

    class Req:
        user = world.people.county_b_officer

    assert county_doc not in model_admin.get_queryset(Req())
    Req.user = world.people.county_a_officer
    assert county_doc in model_admin.get_queryset(Req())
    assert not model_admin.has_change_permission(Req(), county_doc)
    assert not model_admin.has_delete_permission(Req(), county_doc)
