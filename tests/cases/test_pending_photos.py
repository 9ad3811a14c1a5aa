"""A photo chosen before a failed submit is not lost (issue 8 item 4): kept for the user, shown, then saved."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Hazard, HazardPhoto
from tests.cases.helpers import jpeg_bytes, photo_upload, png_bytes, publish_plan_with_due_item, record


@pytest.fixture
def inspection(planning, media):
    return record(planning, publish_plan_with_due_item(planning))


# Ten photos per hazard (cases.inspections.MAX_PHOTOS).
MAX_PHOTOS = 10


def pending_rows():
    from cases.models import PendingPhoto

    return PendingPhoto.objects


def deadline(inspection, days=7):
    return (inspection.inspected_on + datetime.timedelta(days=days)).isoformat()


def kept_ids(body):
    return [int(i) for i in re.findall(r'name="keep_photo" value="(\d+)" checked', body)]


def test_a_photo_chosen_before_a_failed_submit_comes_back_and_is_saved(planning, inspection, world, as_, media):
    """GIVEN an officer who chose two photos WHEN the hazard form comes back with an error (no description)
    THEN both photos come back as thumbnails; fixing the text and saving attaches them to the hazard."""
    client = as_(world.people.county_a_officer)
    url = reverse("cases:hazard_create", args=[inspection.pk])
    response = client.post(
        url,
        {
            "description": "",
            "location": "配电房",
            "rectification_deadline": deadline(inspection),
            "photos": [
                photo_upload("配电箱.jpg", jpeg_bytes(), "image/jpeg"),
                photo_upload("接地线.png", png_bytes()),
            ],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="hazard-errors"' in body and 'value="配电房"' in body
    kept = kept_ids(body)
    assert len(kept) == 2 and "配电箱.jpg" in body and "接地线.png" in body
    for pk in kept:
        assert f'src="{reverse("cases:pending_photo", args=[pk])}?size=thumb"' in body
    thumb = client.get(reverse("cases:pending_photo", args=[kept[0]]), {"size": "thumb"})
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert not Hazard.objects.exists() and not HazardPhoto.objects.exists()

    response = client.post(
        url,
        {
            "description": "配电箱未可靠接地",
            "location": "配电房",
            "rectification_deadline": deadline(inspection),
            "keep_photo": kept,
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    photos = list(hazard.photos.order_by("id"))
    assert [p.original_name for p in photos] == ["配电箱.jpg", "接地线.png"]
    assert Path(photos[1].file.path).read_bytes() == png_bytes()
    assert not pending_rows().exists()
    assert "照片 2 张" in client.get(response["Location"]).content.decode()


def test_kept_photos_are_the_choosers_alone_and_can_be_dropped(planning, inspection, world, as_, media):
    url = reverse("cases:hazard_create", args=[inspection.pk])
    client = as_(world.people.county_a_officer)
    body = client.post(
        url, {"description": "", "rectification_deadline": deadline(inspection), "photos": [photo_upload()]}
    ).content.decode()
    (kept,) = kept_ids(body)
    # Another officer (same county) can neither see it nor submit it as theirs.
    other = as_(world.people.county_a_officer2)
    assert other.get(reverse("cases:pending_photo", args=[kept])).status_code == 404
    other.post(url, {"description": "别人的", "rectification_deadline": deadline(inspection), "keep_photo": [kept]})
    assert Hazard.objects.get(description="别人的").photos.count() == 0
    # The chooser unticks it: the hazard is saved without it.
    client = as_(world.people.county_a_officer)
    client.post(url, {"description": "不要照片", "rectification_deadline": deadline(inspection)})
    assert Hazard.objects.get(description="不要照片").photos.count() == 0


def test_sizes_are_bounded(planning, inspection, world, as_, media):
    """At most ten photos per hazard, kept ones included; each photo passes the usual checks."""
    client = as_(world.people.county_a_officer)
    url = reverse("cases:hazard_create", args=[inspection.pk])
    body = client.post(
        url,
        {
            "description": "",
            "rectification_deadline": deadline(inspection),
            "photos": [photo_upload(f"{i}.png") for i in range(MAX_PHOTOS + 2)],
        },
    ).content.decode()
    assert "每条隐患最多10张照片" in body
    assert len(kept_ids(body)) == MAX_PHOTOS
    body = client.post(
        url,
        {
            "description": "再选一张",
            "rectification_deadline": deadline(inspection),
            "keep_photo": kept_ids(body),
            "photos": [photo_upload("第十一张.png")],
        },
    ).content.decode()
    assert "每条隐患最多10张照片" in body and not Hazard.objects.exists()
    assert pending_rows().count() == MAX_PHOTOS


def test_stale_kept_photos_expire_daily(
    planning, inspection, world, as_, media, time_machine, settings, django_capture_on_commit_callbacks
):
    client = as_(world.people.county_a_officer)
    url = reverse("cases:hazard_create", args=[inspection.pk])
    body = client.post(
        url, {"description": "", "rectification_deadline": deadline(inspection), "photos": [photo_upload()]}
    ).content.decode()
    (kept,) = kept_ids(body)
    stored = Path(pending_rows().get().file.path)
    assert stored.exists() and stored.is_relative_to(Path(media).resolve())
    from cases.inspections.tasks import expire_pending_photos

    assert expire_pending_photos() == 0
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=settings.PENDING_PHOTO_MAX_AGE_HOURS + 1))
    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows are gone for good
        assert expire_pending_photos() == 1
    assert not pending_rows().exists() and not stored.exists()
    # Coming back too late (signing in again: the idle session ended long ago): the photo is gone, the
    # hazard is saved without it.
    client.force_login(world.people.county_a_officer)
    client.post(url, {"description": "迟到", "rectification_deadline": deadline(inspection), "keep_photo": [kept]})
    assert Hazard.objects.get().photos.count() == 0
