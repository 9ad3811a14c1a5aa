"""Issue 9 item 8 for imports: a batch whose task was lost or whose worker was killed is recovered.

Before: a batch killed mid-apply stayed "applying" for ever and refused re-confirmation; a queued batch
lost with a non-persistent broker stayed queued for ever. Now the task's claim carries its time, worker and
attempt count; ``resume_imports`` (beat, every minute) queues stale or lost batches again (the claim
decides, so never twice) and fails those out of attempts, whose page then offers a retry.
(The same with a real worker killed by SIGKILL: test_import_worker_killed.py.)
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.enterprises import import_claims, importing, tasks
from enforcement.enterprises.models import Enterprise, ImportBatch
from tests.enterprises.county_sheet import code
from tests.enterprises.test_import_support import post_workbook, registrar, row, upload, workbook_bytes

S = ImportBatch.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True


def rows(n=3):
    return [row(code(200 + i), f"恢复测试{i}有限公司", "城关镇") for i in range(n)]


def confirmed_batch(user, n=3):
    batch = importing.create_preview(user, upload(workbook_bytes(rows(n))))
    ImportBatch.objects.filter(pk=batch.pk).update(confirmed_at=timezone.now())
    return batch


def long_ago(settings):
    return timezone.now() - timedelta(seconds=settings.ENTERPRISE_IMPORT_APPLY_TIME_LIMIT + 120)


class BrokerDown(Exception):
    pass


def broker_down(*args, **kwargs):
    raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_an_upload_is_parsed_by_a_task_and_its_page_says_parsing_until_then(client, world, monkeypatch):
    """GIVEN the broker is down WHEN a workbook is uploaded THEN it is kept, the page says 解析中 (refreshing)
    and that the queue is down; once the broker is back the sweep has it parsed."""
    client.force_login(registrar(world))
    monkeypatch.setattr(tasks.parse_enterprise_import, "delay", broker_down)
    response = post_workbook(client, workbook_bytes(rows()), name="名录.xlsx")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == S.PARSING and batch.rows == []
    page = client.get(response.url)
    html = page.content.decode()
    assert "解析中" in html and page["Refresh"] == "2"
    assert "任务队列暂时不可用，文件已保存但尚未解析" in html

    monkeypatch.undo()
    assert tasks.resume_enterprise_imports()["parse"] == 0  # just queued: its own message may be on the way
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    assert tasks.resume_enterprise_imports()["parse"] == 1
    batch.refresh_from_db()
    assert (batch.status, batch.create_count, batch.attempts) == (S.PREVIEWED, 3, 1)


def test_a_batch_killed_mid_apply_is_queued_again_once_its_claim_is_stale(world, settings):
    batch = confirmed_batch(registrar(world))
    # What a worker child killed mid-apply leaves: the claim, nothing written.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=S.APPLYING, claimed_at=timezone.now(), claimed_by="worker:123", attempts=1
    )
    assert tasks.resume_enterprise_imports() == {"given_up": 0, "parse": 0, "apply": 0}  # it may still run
    batch.refresh_from_db()
    assert not import_claims.stalled(batch)
    assert tasks.apply_enterprise_import(batch.pk) is None  # a duplicate delivery finds it claimed

    ImportBatch.objects.filter(pk=batch.pk).update(claimed_at=long_ago(settings))
    batch.refresh_from_db()
    assert import_claims.stalled(batch)  # the page no longer says 正在导入 but that it will be tried again
    assert tasks.resume_enterprise_imports()["apply"] == 1
    batch.refresh_from_db()
    assert (batch.status, batch.create_count, batch.attempts) == (S.APPLIED, 3, 2)
    assert Enterprise.objects.filter(name__startswith="恢复测试").count() == 3
    assert tasks.resume_enterprise_imports() == {"given_up": 0, "parse": 0, "apply": 0}


def test_a_confirmed_batch_whose_message_was_lost_is_queued_again(world):
    batch = confirmed_batch(registrar(world))
    ImportBatch.objects.filter(pk=batch.pk).update(confirmed_at=timezone.now() - timedelta(minutes=2))
    assert tasks.resume_enterprise_imports()["apply"] == 1
    batch.refresh_from_db()
    assert batch.status == S.APPLIED


def test_the_last_attempt_shows_as_failed_with_a_retry(client, world, settings):
    user = registrar(world)
    batch = confirmed_batch(user)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=S.APPLYING, claimed_at=long_ago(settings), attempts=settings.ENTERPRISE_IMPORT_MAX_ATTEMPTS
    )
    assert tasks.resume_enterprise_imports() == {"given_up": 1, "parse": 0, "apply": 0}
    batch.refresh_from_db()
    assert batch.status == S.FAILED
    client.force_login(user)
    url = reverse("enterprises:import_batch", args=[batch.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "后台任务已中断3次" in html and 'id="btn-retry"' in html
    assert "Refresh" not in page  # a failed batch no longer refreshes

    response = client.post(reverse("enterprises:import_retry", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.create_count, batch.attempts) == (S.APPLIED, 3, 1)
    response = client.post(reverse("enterprises:import_retry", args=[batch.pk]), follow=True)
    assert "该批次不是失败状态，无需重试。" in response.content.decode()


def test_a_retry_with_the_broker_down_says_so_and_the_sweep_takes_over(client, world, settings, monkeypatch):
    user = registrar(world)
    batch = confirmed_batch(user)
    ImportBatch.objects.filter(pk=batch.pk).update(status=S.FAILED, error_message="x")
    client.force_login(user)
    monkeypatch.setattr(tasks.apply_enterprise_import, "delay", broker_down)
    response = client.post(reverse("enterprises:import_retry", args=[batch.pk]), follow=True)
    assert "任务队列暂时不可用，队列恢复后将自动重试" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == S.PREVIEWED and batch.confirmed_at is not None


def test_only_the_owner_may_retry(client, world):
    batch = confirmed_batch(registrar(world))
    ImportBatch.objects.filter(pk=batch.pk).update(status=S.FAILED)
    client.force_login(world.people.county_a_officer2)
    assert client.post(reverse("enterprises:import_retry", args=[batch.pk])).status_code == 404


def test_the_claim_records_time_worker_and_attempt(world):
    batch = confirmed_batch(registrar(world))
    assert import_claims.claim_apply(batch.pk)
    batch.refresh_from_db()
    assert batch.status == S.APPLYING and batch.attempts == 1 and batch.claimed_at is not None
    assert batch.claimed_by == import_claims.worker_id()
    assert not import_claims.claim_apply(batch.pk)  # a second claim finds nothing


def test_the_page_of_a_stalled_batch_says_it_will_be_tried_again(client, world, settings):
    user = world.people.county_a_officer
    batch = confirmed_batch(user)
    ImportBatch.objects.filter(pk=batch.pk).update(status=S.APPLYING, claimed_at=long_ago(settings), attempts=1)
    client.force_login(user)
    html = client.get(reverse("enterprises:import_batch", args=[batch.pk])).content.decode()
    assert "后台任务已中断（第1次尝试），所有更改均未写入；系统将在一分钟内自动重试。" in html
    assert "正在导入，请稍候" not in html
