"""The admin shows inspections, hazards and re-inspections read-only, within the user's data scope."""

import pytest
from django.urls import reverse

from cases.models import Hazard
from tests.cases.helpers import add_hazard, publish_plan_with_due_item, record


@pytest.fixture
def hazard(planning, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = record(planning, publish_plan_with_due_item(planning))
    return add_hazard(planning, inspection)


@pytest.fixture
def staff(client, world):
    def as_(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.logout()
        client.force_login(user)
        return client

    return as_


def test_admin_lists_and_shows_records_in_scope_read_only(hazard, world, staff):
    inspection = hazard.inspection
    client = staff(world.people.county_a_officer)
    body = client.get(reverse("admin:cases_inspection_changelist")).content.decode()
    assert inspection.enterprise.name in body
    page = client.get(reverse("admin:cases_hazard_change", args=[hazard.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    photo = hazard.photos.get()
    assert reverse("cases:photo", args=[photo.pk]) in body and "/media/" not in body
    assert 'name="_save"' not in body  # read-only: no save button
    assert client.get(reverse("admin:cases_inspection_add")).status_code == 403
    assert client.post(reverse("admin:cases_hazard_delete", args=[hazard.pk]), {"post": "yes"}).status_code == 403
    assert Hazard.objects.filter(pk=hazard.pk).exists()


def test_admin_hides_other_countys_records(hazard, world, staff):
    client = staff(world.people.county_b_officer)
    body = client.get(reverse("admin:cases_inspection_changelist")).content.decode()
    assert hazard.inspection.enterprise.name not in body
    for name, pk in (("inspection", hazard.inspection_id), ("hazard", hazard.pk)):
        response = client.get(reverse(f"admin:cases_{name}_change", args=[pk]))
        # The admin's own answer for a row that does not exist: back to the index with a message.
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")
