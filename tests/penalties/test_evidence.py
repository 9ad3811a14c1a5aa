"""The evidence store (R-20): resumable uploads in chunks, type by content, size limits, SHA-256, scoped and
audited downloads, and evidence kept once the decision is issued (行政处罚法 第47条)."""

import datetime
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from cases.penalties import evidence as store
from cases.penalties.evidence_tasks import sweep_evidence_uploads
from cases.penalties.models import Evidence, EvidenceUpload, PenaltyCase
from enforcement import chunked_uploads
from enforcement.audit.models import AuditEvent
from tests.penalties.evidence_helpers import PDF_HEAD, add_party, make_case, set_state, video_bytes

MB = 1024 * 1024
API = "/api/penalty-evidence-uploads/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_CHUNK_MB = 1


@pytest.fixture
def complete(client, django_capture_on_commit_callbacks):
    """POST …/complete/ and run what it queues after commit (the assembly runs in-process without a broker)."""

    def call(upload_id, payload=None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"{API}{upload_id}/complete/", payload or {}, "application/json")

    return call


@pytest.fixture
def case(world):
    return make_case(world.orgs.county_a, world.people.county_a_officer)


def _start(client, case, size, kind="video", filename="现场录像.mp4", **extra):
    payload = {
        "case": case.pk,
        "kind": kind,
        "filename": filename,
        "size": size,
        "title": "现场检查录像",
        "collected_on": timezone.localdate().isoformat(),
        **extra,
    }
    return client.post(API, payload, content_type="application/json")


def _put(client, upload_id, offset, data, header=False):
    if header:
        end = offset + len(data) - 1
        return client.put(
            f"{API}{upload_id}/chunk/",
            data,
            content_type="application/octet-stream",
            headers={"Content-Range": f"bytes {offset}-{end}/*"},
        )
    return client.put(f"{API}{upload_id}/chunk/?offset={offset}", data, content_type="application/octet-stream")


def _upload(client, case, data, chunk=MB, **extra):
    response = _start(client, case, len(data), **extra)
    assert response.status_code == 201, response.content
    upload_id = response.json()["id"]
    for offset in range(0, len(data), chunk):
        assert _put(client, upload_id, offset, data[offset : offset + chunk]).status_code == 200
    return upload_id


def test_upload_in_chunks_drops_resumes_and_completes_with_its_hash(client, world, case, complete):
    """GIVEN a 2.5 MB video sent in 1 MB chunks by county A's officer
    WHEN the connection drops after the first chunk (the second never arrives), the client asks where the upload
         stands, a chunk sent from a wrong offset is refused with the offset to resume from, and the rest follows
    THEN completing stores one Evidence whose SHA-256 and bytes are the file's, and the chunks are gone."""
    data = video_bytes(int(2.5 * MB))
    client.force_login(world.people.county_a_officer)
    started = _start(client, case, len(data))
    assert started.status_code == 201, started.content
    upload_id = started.json()["id"]
    assert started.json()["received"] == 0 and started.json()["chunk_size"] == MB

    first = _put(client, upload_id, 0, data[:MB])
    assert first.status_code == 200 and first.json()["received"] == MB
    # The connection dropped: the second chunk never arrived. The client asks where to go on from.
    state = client.get(f"{API}{upload_id}/")
    assert state.status_code == 200 and state.json()["received"] == MB and state.json()["status"] == "receiving"
    # A chunk from the wrong offset (the client thought the second had arrived) is refused, naming the offset.
    wrong = _put(client, upload_id, 2 * MB, data[2 * MB :])
    assert wrong.status_code == 409 and wrong.json()["received"] == MB
    # Resume from the reported offset (this time with Content-Range, the other way to name it).
    assert _put(client, upload_id, MB, data[MB : 2 * MB], header=True).json()["received"] == 2 * MB
    assert _put(client, upload_id, 2 * MB, data[2 * MB :]).json()["received"] == len(data)

    done = complete(upload_id, {"sha256": hashlib.sha256(data).hexdigest()})
    assert done.status_code == 202, done.content
    upload = EvidenceUpload.objects.get(pk=upload_id)
    assert upload.status == "complete", upload.error  # in-process without a broker
    evidence = upload.evidence
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data) and evidence.kind == "video" and evidence.case_id == case.pk
    with evidence.file.open("rb") as handle:
        assert handle.read() == data
    assert not default_storage.exists(chunked_uploads.chunk_name(upload.chunk_prefix, 0))
    assert AuditEvent.objects.filter(action="create", target_id=str(evidence.pk), changes__sha256__1=evidence.sha256)


def test_a_chunk_sent_twice_after_a_lost_answer_is_not_stored_twice(client, world, case, complete):
    """GIVEN a chunk that arrived but whose answer was lost
    WHEN the client sends it again from the same offset
    THEN it is refused with the next offset and the file is still whole once completed."""
    data = video_bytes(2 * MB)
    client.force_login(world.people.county_a_officer)
    upload_id = _start(client, case, len(data)).json()["id"]
    _put(client, upload_id, 0, data[:MB])
    again = _put(client, upload_id, 0, data[:MB])
    assert again.status_code == 409 and again.json()["received"] == MB
    _put(client, upload_id, MB, data[MB:])
    complete(upload_id)
    evidence = EvidenceUpload.objects.get(pk=upload_id).evidence
    assert evidence.size == len(data) and evidence.sha256 == hashlib.sha256(data).hexdigest()


def test_wrong_type_by_content_is_refused(client, world, case):
    """GIVEN a file named .mp4 whose bytes are a PDF
    WHEN its first chunk arrives
    THEN it is refused in Chinese and nothing is stored."""
    client.force_login(world.people.county_a_officer)
    data = PDF_HEAD + b"x" * 1000
    upload_id = _start(client, case, len(data)).json()["id"]
    response = _put(client, upload_id, 0, data)
    assert response.status_code == 400
    assert "内容与文件类型不符" in response.content.decode()
    assert EvidenceUpload.objects.get(pk=upload_id).received == 0
    # A name the kind does not take is refused before any byte is sent.
    refused = _start(client, case, 100, filename="录像.exe")
    assert refused.status_code == 400 and "格式不支持" in refused.content.decode()


def test_oversize_is_refused(client, world, case, settings):
    """GIVEN a video limit of 2 MB (configurable per kind)
    WHEN an upload of 3 MB starts, or a client sends more than it declared, or a chunk over the chunk size
    THEN each is refused."""
    settings.EVIDENCE_VIDEO_MAX_MB = 2
    client.force_login(world.people.county_a_officer)
    too_big = _start(client, case, 3 * MB)
    assert too_big.status_code == 400 and "超过录像2MB的上限" in too_big.content.decode()

    upload_id = _start(client, case, MB).json()["id"]
    more = _put(client, upload_id, 0, video_bytes(MB + 10)[: MB + 10])
    assert more.status_code in (400, 413)
    assert EvidenceUpload.objects.get(pk=upload_id).received == 0
    # The body limit refuses a chunk over the chunk size before the view reads it.
    big_chunk = _put(client, upload_id, 0, video_bytes(MB + 100))
    assert big_chunk.status_code == 413


def test_hash_mismatch_fails_the_upload(client, world, case, complete):
    """GIVEN a client whose own SHA-256 differs from what arrived
    WHEN the upload completes
    THEN it fails with the reason, no Evidence is stored."""
    data = video_bytes(MB + 5)
    client.force_login(world.people.county_a_officer)
    upload_id = _upload(client, case, data)
    complete(upload_id, {"sha256": "0" * 64})
    upload = EvidenceUpload.objects.get(pk=upload_id)
    assert upload.status == "failed" and "SHA-256" in upload.error
    assert not Evidence.objects.filter(case=case).exists()


def test_after_the_decision_evidence_cannot_be_deleted(client, world, case, complete):
    """GIVEN a piece of evidence uploaded by county A's officer
    WHEN someone else tries to delete it, THEN refused (only the uploader);
    WHEN the uploader deletes without a reason, THEN refused;
    WHEN a decision has been issued, THEN refused naming 第四十七条, even for the uploader;
    and before that the uploader deletes it with a reason that the audit log keeps."""
    officer, other = world.people.county_a_officer, world.people.county_a_officer2
    client.force_login(officer)
    first = _upload(client, case, video_bytes(MB // 2))
    complete(first)
    evidence = EvidenceUpload.objects.get(pk=first).evidence

    client.force_login(other)
    refused = client.post(f"/api/penalty-evidence-files/{evidence.pk}/remove/", {"reason": "重复"}, "application/json")
    assert refused.status_code == 403
    client.force_login(officer)
    assert client.post(f"/api/penalty-evidence-files/{evidence.pk}/remove/", {}, "application/json").status_code == 400

    party = add_party(case)
    decided = set_state(case, PenaltyCase.State.DECIDED, decided_on=timezone.localdate())
    response = client.post(
        f"/api/penalty-evidence-files/{evidence.pk}/remove/", {"reason": "拍错了"}, "application/json"
    )
    assert response.status_code == 400 and "第四十七条" in response.content.decode()
    assert Evidence.objects.filter(pk=evidence.pk).exists()

    # One party decided in a 一案双罚 case is enough, whatever the case's state says.
    set_state(decided, PenaltyCase.State.NOTIFIED, decided_on=None)
    from enforcement.documents.models import DocumentType, IssuedDocument

    doc = IssuedDocument.objects.create(
        organisation=case.organisation,
        doc_type=DocumentType.objects.get(key="case_file_cover"),
        year=2026,
        serial=1,
        number="x",
        title="决定书",
        context={},
        context_sha256="",
        issued_by=officer,
    )
    party.decision = doc
    party.save(update_fields=["decision"])
    assert store.decision_issued(PenaltyCase.objects.get(pk=case.pk))
    party.decision = None
    party.save(update_fields=["decision"])

    page = client.post(reverse("cases:penalty_evidence_delete", args=[evidence.pk]), {"reason": "拍错了，重新拍摄"})
    assert page.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    deletion = AuditEvent.objects.get(action="delete", target_id=str(evidence.pk))
    assert deletion.changes["reason"] == [None, "拍错了，重新拍摄"] and deletion.actor_id == officer.pk


def test_another_county_gets_404_the_city_reads_but_cannot_upload(client, world, case, complete):
    """GIVEN county A's evidence and an upload in progress
    WHEN county B's officer asks for the file, the evidence page, the upload or sends a chunk to it
    THEN 404 every time; the city's legal section downloads the file (audited) but cannot start an upload."""
    officer = world.people.county_a_officer
    client.force_login(officer)
    done = _upload(client, case, video_bytes(MB // 2))
    complete(done)
    evidence = EvidenceUpload.objects.get(pk=done).evidence
    pending = _start(client, case, MB).json()["id"]

    client.force_login(world.people.county_b_officer)
    assert client.get(reverse("cases:penalty_evidence_file", args=[evidence.pk])).status_code == 404
    assert client.get(f"/api/penalty-evidence-files/{evidence.pk}/download/").status_code == 404
    assert client.get(reverse("cases:penalty_evidence", args=[case.pk])).status_code == 404
    assert client.get(f"{API}{pending}/").status_code == 404
    assert _put(client, pending, 0, video_bytes(100)).status_code == 404
    assert complete(pending).status_code == 404
    assert _start(client, case, MB).status_code == 404  # their case id does not exist for them

    city = world.people.city_legal
    client.force_login(city)
    response = client.get(reverse("cases:penalty_evidence_file", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:8] == video_bytes(16)[:8]
    assert AuditEvent.objects.filter(action="download", actor=city, target_id=str(evidence.pk)).exists()
    assert _start(client, case, MB).status_code == 403
    assert client.get(f"{API}{pending}/").status_code in (403, 404)  # another's upload: never shown


def test_the_evidence_page_lists_and_offers_the_uploader(client, world, case, complete):
    """GIVEN a case with one piece of evidence
    WHEN its officer opens the evidence page
    THEN it lists the evidence with its short hash and offers the chunked uploader (a static script, no inline JS)."""
    officer = world.people.county_a_officer
    client.force_login(officer)
    upload_id = _upload(client, case, video_bytes(MB // 4))
    complete(upload_id)
    evidence = Evidence.objects.get(case=case)
    page = client.get(reverse("cases:penalty_evidence", args=[case.pk])).content.decode()
    assert "现场检查录像" in page and evidence.sha256[:12] in page
    assert 'id="evidence-upload"' in page and "js/evidence-upload.js" in page and "<script>" not in page


def test_the_sweep_deletes_abandoned_uploads_with_their_chunks(client, world, case):
    """GIVEN an upload left half-way past its expiry, and one still in time
    WHEN the sweep runs
    THEN the abandoned one and its chunk are gone, the other stays."""
    client.force_login(world.people.county_a_officer)
    old = _start(client, case, 2 * MB).json()["id"]
    _put(client, old, 0, video_bytes(MB))
    fresh = _start(client, case, 2 * MB).json()["id"]
    EvidenceUpload.objects.filter(pk=old).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    prefix = EvidenceUpload.objects.get(pk=old).chunk_prefix
    assert default_storage.exists(chunked_uploads.chunk_name(prefix, 0))
    result = sweep_evidence_uploads()
    assert result["removed"] == 1
    assert not EvidenceUpload.objects.filter(pk=old).exists() and EvidenceUpload.objects.filter(pk=fresh).exists()
    assert not default_storage.exists(chunked_uploads.chunk_name(prefix, 0))


def test_archived_case_takes_no_evidence(client, world, case):
    """GIVEN an archived case WHEN its officer starts an upload THEN refused: the case is locked (R-22)."""
    set_state(case, PenaltyCase.State.ARCHIVED)
    client.force_login(world.people.county_a_officer)
    response = _start(client, case, MB)
    assert response.status_code == 400 and "案件已归档" in response.content.decode()
