"""Every file the application hands out — exports, issued PDFs, photos, evidence, attachments — leaves an
audit row with user, address, time, object, and for exports the filter and row count (issue 9 item 3)."""

from django.http import FileResponse
from django.urls import reverse

from cases.models import HazardPhoto
from enforcement.audit.models import AuditEvent
from enforcement.enterprises.models import Enterprise
from tests.access.arguments import CannotBuild, build_kwargs
from tests.access.routes import project_routes
from tests.access.world import build_walk_world
from tests.audit.helpers import last_event

FILE_ACTIONS = (AuditEvent.Action.DOWNLOAD, AuditEvent.Action.EXPORT)
# Files that are not records, each with the reason.
NOT_AUDITED = {
    "enterprises:import_template": "the empty import template: a header row and an example, no record",
    "api:schema": "the OpenAPI description of the API, no record",
}
# The routes the walk must find handing out a file, so that a broken builder cannot make this test vacuous.
KNOWN_FILE_ROUTES = {
    "documents:pdf",
    "cases:photo",
    "api:hazard-photo-download",
    "supervision:guidance_evidence_file",
    "supervision:guidance_report_file",
    "supervision:guidance_letter_pdf",
    "plans:transition_attachment",
    "api:plan-attachment",
    "plans:export",
    "enterprises:export",
    "enterprises:export_job_download",
    "supervision:progress_export",
    "supervision:guidance_ledger_export",
    "cases:penalty_evidence_file",
    "api:penalty-evidence-file-download",
    "cases:penalty_case_file",
}


def _is_file(response):
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


def test_every_route_that_hands_out_a_file_audits_it(db, client, settings, tmp_path):
    """GIVEN county A's whole year (tests/access/world.py) WHEN a superuser GETs every route of the project
    THEN each answer that is a file wrote a download or export row naming the user and the client address."""
    settings.MEDIA_ROOT = tmp_path
    world = build_walk_world()
    # The superuser sees everything but what is private to its owner (an export job): county A's legal head.
    people = (world.people.root, world.people.county_a_legal)
    served, unaudited = set(), []
    for route in project_routes():
        try:
            url = reverse(route.name, kwargs=build_kwargs(route, world))
        except CannotBuild:
            continue  # the access walk fails for it
        for user in people:
            client.force_login(user)
            before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(url, REMOTE_ADDR="10.20.30.40")
            if response.status_code != 404:
                break
        if response.status_code != 200 or not _is_file(response) or route.name in NOT_AUDITED:
            continue
        served.add(route.name)
        rows = AuditEvent.objects.filter(pk__gt=before, action__in=FILE_ACTIONS, actor=user, ip_address="10.20.30.40")
        if not rows.exists():
            unaudited.append(f"{route.name} ({url})")
    assert not unaudited, "files handed out without an audit row:\n  " + "\n  ".join(unaudited)
    assert served >= KNOWN_FILE_ROUTES, KNOWN_FILE_ROUTES - served


def test_a_photo_names_its_object_and_a_thumbnail_is_not_a_download(db, client, settings, tmp_path):
    """Thumbnails fill every list and form page; recording each would bury the downloads an auditor looks for."""
    settings.MEDIA_ROOT = tmp_path
    world = build_walk_world()
    photo = HazardPhoto.objects.get(pk=world.pk(HazardPhoto))
    client.force_login(world.people.county_a_officer)
    url = reverse("cases:photo", args=[photo.pk])
    before = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).count()
    assert client.get(url, {"size": "thumb"}).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).count() == before
    assert client.get(url).status_code == 200
    event = last_event(action=AuditEvent.Action.DOWNLOAD)
    assert (event.target_type.model_class(), event.target_id) == (HazardPhoto, str(photo.pk))
    assert event.changes["file"] == "照片" and event.organisation_id == photo.hazard.organisation_id


def test_an_export_records_its_filter_and_row_count(client, world):
    officer = world.people.county_a_officer
    client.force_login(officer)
    response = client.get(reverse("enterprises:export"), {"supervision_class": "key"})
    assert response.status_code == 200
    event = last_event(action=AuditEvent.Action.EXPORT)
    expected = Enterprise.objects.restrict(officer, "view").filter(supervision_class="key").count()
    assert expected > 0
    assert event.changes["rows"] == expected
    assert event.changes["export"] == "生产经营单位名录"
    assert event.changes["filters"]["query"] == "supervision_class=key"
    assert (event.actor, event.ip_address) == (officer, "127.0.0.1")
