"""The import confirm through a real Celery worker process (runs in .ci/run with PostgreSQL + Redis)."""

import pytest
from django.urls import reverse

from enforcement.audit.models import AuditEvent
from enforcement.enterprises.credit_code import make_code
from enforcement.enterprises.models import Enterprise, ImportBatch
from enforcement.enterprises.tasks import apply_enterprise_import
from tests.celery_fixture import wait_until
from tests.enterprises.test_import_support import post_workbook, registrar, row, workbook_bytes

CODES = [make_code(f"9141990120000000{i}") for i in range(3)]


def finished_tasks(worker):
    return sum(1 for line in worker.log().splitlines() if "apply_enterprise_import[" in line and "succeeded" in line)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_confirm_is_applied_by_a_real_worker(client, world, celery_worker, settings, tmp_path):
    """GIVEN a previewed workbook WHEN its owner confirms THEN the view only queues the task, the worker
    process writes the rows, and the result page stops refreshing once the batch is applied."""
    settings.MEDIA_ROOT = celery_worker.media_root  # the worker reads the uploaded workbook from there
    client.force_login(registrar(world))
    rows = [row(code, f"工人进程测试{i}有限公司", "东城区应急管理局") for i, code in enumerate(CODES)]
    rows.append(row(make_code("91419901300000001")[:17] + "0", "校验位错误公司", "东城区应急管理局"))
    assert post_workbook(client, workbook_bytes(rows)).status_code == 302
    batch = ImportBatch.objects.get()

    # Issue 9: the workbook is parsed by the worker too, never in the request; the page says 解析中 meanwhile.
    def parsed():
        batch.refresh_from_db()
        return batch.status != ImportBatch.Status.PARSING

    assert wait_until(parsed, timeout=30), f"worker did not parse; log:\n{celery_worker.log()[-3000:]}"
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.error_message
    assert (batch.create_count, batch.error_count) == (3, 1)
    assert "enterprises.parse_import[" in celery_worker.log()

    response = client.post(reverse("enterprises:import_confirm", args=[batch.pk]))
    assert response.status_code == 302

    def applied():
        batch.refresh_from_db()
        return batch.status in (ImportBatch.Status.APPLIED, ImportBatch.Status.FAILED)

    assert wait_until(applied, timeout=30), f"worker did not finish; log:\n{celery_worker.log()[-3000:]}"
    assert batch.status == ImportBatch.Status.APPLIED, batch.error_message
    assert (batch.create_count, batch.error_count) == (3, 1)
    assert set(Enterprise.objects.filter(credit_code__in=CODES).values_list("name", flat=True)) == {
        "工人进程测试0有限公司",
        "工人进程测试1有限公司",
        "工人进程测试2有限公司",
    }
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 3
    assert finished_tasks(celery_worker) == 1  # it ran in the worker, not in the test process
    page = client.get(reverse("enterprises:import_batch", args=[batch.pk])).content.decode()
    assert "导入完成：新增 3 家" in page and "http-equiv" not in page

    # A duplicated delivery of the same task is a no-op: the batch was claimed once.
    apply_enterprise_import.delay(batch.pk)
    assert wait_until(lambda: finished_tasks(celery_worker) == 2, timeout=30)
    assert Enterprise.objects.filter(credit_code__in=CODES).count() == 3
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 3
