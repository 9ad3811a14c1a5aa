"""Evidence on S3-compatible object storage (several web and worker machines share the files): the chunks are
objects of the bucket, assembled into the evidence object; moto stands in for MinIO or the cloud's service."""

import hashlib

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from cases.penalties.models import EvidenceUpload
from enforcement import chunked_uploads
from tests.penalties.evidence_helpers import make_case, video_bytes

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

MB = 1024 * 1024
BUCKET = "enforcement-evidence"


@pytest.fixture
def s3(settings, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        client.create_bucket(Bucket=BUCKET)
        settings.EVIDENCE_CHUNK_MB = 1
        # What enforcement/settings.py builds from S3_BUCKET, S3_ACCESS_KEY_ID … (docker-compose: MinIO).
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "access_key": "k",
                    "secret_key": "s",
                    "region_name": "us-east-1",
                    "addressing_style": "path",
                    "default_acl": None,
                    "file_overwrite": False,
                },
            },
        }
        yield client


def test_chunked_upload_to_object_storage_and_download(client, world, s3, django_capture_on_commit_callbacks):
    """GIVEN the default storage is an S3 bucket
    WHEN a 2.2 MB video is uploaded in 1 MB chunks (each an object of the bucket) and completed
    THEN the evidence is one object of the bucket with the file's bytes and SHA-256, the chunk objects are gone,
         and the scoped download streams it from the bucket."""
    assert type(storages["default"]).__name__ == "S3Storage"
    case = make_case(world.orgs.county_a, world.people.county_a_officer)
    data = video_bytes(int(2.2 * MB))
    client.force_login(world.people.county_a_officer)
    started = client.post(
        "/api/penalty-evidence-uploads/",
        {
            "case": case.pk,
            "kind": "video",
            "filename": "执法记录仪.mp4",
            "size": len(data),
            "title": "执法记录仪录像",
            "collected_on": "2026-11-20",
        },
        content_type="application/json",
    )
    upload_id = started.json()["id"]
    upload = EvidenceUpload.objects.get(pk=upload_id)
    for offset in range(0, len(data), MB):
        response = client.put(
            f"/api/penalty-evidence-uploads/{upload_id}/chunk/?offset={offset}",
            data[offset : offset + MB],
            content_type="application/octet-stream",
        )
        assert response.status_code == 200, response.content
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {chunked_uploads.chunk_name(upload.chunk_prefix, o) for o in (0, MB, 2 * MB)} <= keys

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/penalty-evidence-uploads/{upload_id}/complete/", {}, "application/json")
    upload.refresh_from_db()
    assert upload.status == "complete", upload.error
    evidence = upload.evidence
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    stored = s3.get_object(Bucket=BUCKET, Key=evidence.file.name)["Body"].read()
    assert stored == data
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert not any(key.startswith(upload.chunk_prefix) for key in keys)

    response = client.get(reverse("cases:penalty_evidence_file", args=[evidence.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
