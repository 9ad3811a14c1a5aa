"""Issue 9 item 5: decompression bombs are refused at upload from their header, and thumbnails are made once."""

import datetime
import functools
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.inspections import thumbnails
from cases.models import Hazard, HazardPhoto, PendingPhoto
from enforcement.uploads import PHOTO, validate_upload
from tests.bounds.bombs import png_bomb
from tests.cases.helpers import add_hazard, jpeg_bytes, photo_upload, publish_plan_with_due_item, record

bomb = functools.cache(png_bomb)  # 13,300 × 13,300 px in ~0.5 MB


@pytest.fixture
def inspection(planning, media):
    return record(planning, publish_plan_with_due_item(planning))


def test_a_png_bomb_is_refused_from_its_header_in_chinese():
    started = time.perf_counter()
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("巡查.png", bomb()), PHOTO)
    assert time.perf_counter() - started < 1  # the header only: decoding it took 15 s
    assert refused.value.messages == ["“巡查.png”的尺寸超过5000万像素的上限，请压缩或缩小后再上传。"]


def test_an_image_just_over_the_limit_is_refused_naming_its_size():
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("全景.png", png_bomb(10_000, 6_000, mode="grey")), PHOTO)
    assert refused.value.messages == ["“全景.png”的尺寸为10000×6000像素，超过5000万像素的上限，请压缩或缩小后再上传。"]


def test_a_photo_of_a_phone_full_resolution_mode_is_accepted():
    upload = SimpleUploadedFile("现场.png", png_bomb(8160, 6120, mode="grey"))
    assert validate_upload(upload, PHOTO) is upload


def test_a_bomb_among_good_photos_refuses_the_submit_and_keeps_the_rest_of_the_form(
    planning, inspection, world, as_, media
):
    """GIVEN an officer who chose a good photo and a bomb WHEN the hazard form is submitted THEN it comes back
    saying which photo is too large, with the text typed and the good photo kept for the next submit."""
    client = as_(world.people.county_a_officer)
    deadline = (inspection.inspected_on + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        reverse("cases:hazard_create", args=[inspection.pk]),
        {
            "description": "配电箱未可靠接地",
            "location": "配电房",
            "rectification_deadline": deadline,
            "photos": [
                photo_upload("配电箱.jpg", jpeg_bytes(), "image/jpeg"),
                photo_upload("航拍.png", bomb(), "image/png"),
            ],
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "“航拍.png”的尺寸超过5000万像素的上限，请压缩或缩小后再上传。" in body
    assert "配电箱未可靠接地" in body and 'value="配电房"' in body
    assert list(PendingPhoto.objects.values_list("original_name", flat=True)) == ["配电箱.jpg"]
    assert not Hazard.objects.exists()


def test_a_thumbnail_is_made_once_and_then_served_from_storage(planning, inspection, world, as_, media):
    photo = add_hazard(planning, inspection).photos.get()
    url = reverse("cases:photo", args=[photo.pk])
    client = as_(world.people.county_a_officer)
    first = client.get(url, {"size": "thumb"})
    assert first.status_code == 200 and first.content[:3] == b"\xff\xd8\xff"
    assert photo.file.storage.exists(thumbnails.thumbnail_name(photo.file.name))
    with mock.patch.object(thumbnails, "make_thumbnail", side_effect=AssertionError("decoded again")):
        again = client.get(url, {"size": "thumb"})
    assert again.status_code == 200 and again.content == first.content


def test_a_bomb_stored_before_the_check_is_never_decoded_for_a_thumbnail(planning, inspection, world, as_, media):
    hazard = add_hazard(planning, inspection, photos=[])
    stored = HazardPhoto(hazard=hazard, uploaded_by=world.people.county_a_officer, original_name="旧.png")
    stored.file.save("old.png", ContentFile(bomb()))
    client = as_(world.people.county_a_officer)
    started = time.perf_counter()
    response = client.get(reverse("cases:photo", args=[stored.pk]), {"size": "thumb"})
    assert time.perf_counter() - started < 2
    assert response.status_code == 200 and response["Content-Type"] == "image/png"  # the file as it is
    assert not stored.file.storage.exists(thumbnails.thumbnail_name(stored.file.name))
