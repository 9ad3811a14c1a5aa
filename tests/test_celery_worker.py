"""A real Celery worker process applies a confirmed enterprise import.

Runs in the PostgreSQL + Redis pass of .ci/run (CELERY_BROKER_URL set); skipped, with the reason, otherwise.
"""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enforcement.celery import app
from enforcement.enterprises import importing
from enforcement.enterprises.credit_code import make_code
from enforcement.enterprises.models import Enterprise, ImportBatch
from enforcement.enterprises.tasks import apply_enterprise_import
from tests.celery_fixture import wait_until
from tests.enterprises.test_import_support import registrar

pytestmark = pytest.mark.celery_worker

NEW = {
    make_code("91419901MA0000101"): "东城新能源科技有限公司",
    make_code("91419901MA0000102"): "城关粮油食品厂",
}


def workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["统一社会信用代码", "单位名称", "属地", "行业领域"])
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "名录.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_worker_answers_a_ping(celery_worker):
    assert celery_worker.ping(timeout=2.0) == [{celery_worker.hostname: {"ok": "pong"}}]


@pytest.mark.django_db(transaction=True)
def test_confirmed_import_is_written_by_the_worker_process(celery_worker, world, settings, tmp_path):
    """GIVEN a previewed workbook of a county A officer with two new enterprises
    WHEN the apply task is queued
    THEN the worker process (not this one) writes both rows and marks the batch applied."""
    settings.MEDIA_ROOT = tmp_path
    assert not app.conf.task_always_eager
    officer = registrar(world)
    upload = workbook([[code, name, "东城区应急管理局", "机械"] for code, name in NEW.items()])
    batch = importing.create_preview(officer, upload)
    assert (batch.status, batch.create_count, batch.error_count) == (ImportBatch.Status.PREVIEWED, 2, 0)
    assert not Enterprise.objects.filter(credit_code__in=NEW).exists()
    # What the confirm view does first: the task claims only a confirmed batch (issue 9).
    ImportBatch.objects.filter(pk=batch.pk).update(confirmed_at=timezone.now())

    result = apply_enterprise_import.delay(batch.pk)

    applied = wait_until(lambda: ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.APPLIED).exists())
    assert applied, celery_worker.log()[-3000:]
    written = Enterprise.objects.filter(credit_code__in=NEW).select_related("organisation")
    assert {e.credit_code: e.name for e in written} == NEW
    assert {e.organisation for e in written} == {world.orgs.county_a}
    # The task ran in the worker: its log records this very task id.
    assert wait_until(lambda: f"apply_enterprise_import[{result.id}] succeeded" in celery_worker.log(), timeout=10)
