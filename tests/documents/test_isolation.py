"""Issue 9 item 5: every PDF render has a hard time limit, without a broker too — its process is killed."""

import os
import time

import pytest

from enforcement.documents.isolation import RenderCrashed, RenderTimeout, run_bounded
from enforcement.documents.models import IssuedDocument
from enforcement.documents.tasks import render_document
from tests.documents.helpers import letter_context

RS = IssuedDocument.RenderStatus


def _hang(pid_file):
    with open(pid_file, "w") as fh:
        fh.write(str(os.getpid()))
    while True:
        time.sleep(0.05)


def _die():
    os._exit(9)


def _fail():
    raise ValueError("模板缺失")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead too
        return stat.read().split()[2] != "Z"


def test_a_render_over_its_time_limit_is_killed(tmp_path):
    pid_file = tmp_path / "pid"
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="超过1秒的时间限制"):
        run_bounded(_hang, (str(pid_file),), seconds=1, memory_mb=256)
    assert time.monotonic() - started < 5
    assert not _alive(int(pid_file.read_text()))


def test_the_child_result_and_errors_come_back():
    assert run_bounded(bytes, (b"%PDF-1.7",), seconds=30, memory_mb=256) == b"%PDF-1.7"
    with pytest.raises(ValueError, match="模板缺失"):
        run_bounded(_fail, (), seconds=30, memory_mb=256)
    with pytest.raises(RenderCrashed):
        run_bounded(_die, (), seconds=30, memory_mb=256)


@pytest.mark.django_db
def test_an_in_process_render_over_the_limit_fails_the_document_and_keeps_its_number(
    world, settings, monkeypatch, tmp_path
):
    """GIVEN no broker (the render runs in the web process) WHEN the PDF takes longer than the limit THEN the
    render's process is killed, the document is marked failed with the reason, and its number stays."""
    from enforcement.documents.services import issue_document

    settings.MEDIA_ROOT = tmp_path
    document = issue_document(
        world.people.city_legal, world.orgs.city, "guidance_letter", "意见书", letter_context(), year=2026
    )
    IssuedDocument.objects.filter(pk=document.pk).update(render_status=RS.PENDING, render_attempts=0)
    settings.DOCUMENT_RENDER_SOFT_TIME_LIMIT = 1
    monkeypatch.setattr("enforcement.documents.tasks.html_to_pdf", lambda html: time.sleep(60))
    started = time.monotonic()
    with pytest.raises(RenderTimeout):
        render_document(document.pk)
    assert time.monotonic() - started < 5
    document.refresh_from_db()
    assert document.render_status == RS.FAILED and "超过1秒的时间限制" in document.render_error
    assert document.number == "（川）应急指导〔2026〕1号"


def _render_in_pool_child(queue):
    try:
        queue.put(run_bounded(bytes, (b"%PDF-1.7",), seconds=30, memory_mb=256))
    except BaseException as exc:
        queue.put(repr(exc))


def test_a_celery_prefork_child_may_run_a_bounded_render():
    """A prefork pool child is daemonic, and multiprocessing refuses children to daemonic processes: the render's
    child is forked directly."""
    import billiard

    queue = billiard.Queue()
    pool_child = billiard.Process(target=_render_in_pool_child, args=(queue,), daemon=True)
    pool_child.start()
    try:
        assert queue.get(timeout=30) == b"%PDF-1.7"
    finally:
        pool_child.join(timeout=10)
