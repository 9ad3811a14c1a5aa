"""Large register exports: an ExportJob written by a Celery task (in-process here), owner-only, cleaned up."""

import datetime
from urllib.parse import quote

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from enforcement.celery import app
from enforcement.enterprises import export_jobs, exporting, tasks
from enforcement.enterprises.models import ExportJob, ImportBatch
from tests.enterprises.test_import_support import HEADERS, read_sheet
from tests.factories import EnterpriseFactory

NAME_COL = HEADERS.index("单位名称")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def threshold(settings):
    settings.ENTERPRISE_EXPORT_INLINE_MAX = 3


@pytest.fixture
def batch_firms(world):
    """Five 批量 firms in county A (one in its township) and one in county B, outside county A's scope."""
    names = [f"批量机械{i}有限公司" for i in range(4)]
    for name in names:
        EnterpriseFactory(name=name, organisation=world.orgs.county_a)
    EnterpriseFactory(name="批量纺织有限公司", organisation=world.orgs.township_a, responsible_org=world.orgs.county_a)
    EnterpriseFactory(name="批量西山有限公司", organisation=world.orgs.county_b)
    return {*names, "批量纺织有限公司"}


def start(client, **params):
    response = client.get(reverse("enterprises:export"), params)
    assert response.status_code == 302, response.content[:300]
    return ExportJob.objects.get(), response["Location"]


def download(client, job):
    response = client.get(reverse("enterprises:export_job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response, b"".join(response.streaming_content)


def test_an_export_up_to_the_threshold_is_still_written_in_the_request(client, world, settings):
    settings.ENTERPRISE_EXPORT_INLINE_MAX = 4  # county A has exactly 4
    client.force_login(world.people.county_a_officer)
    response = client.get(reverse("enterprises:export"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert len(read_sheet(b"".join(response.streaming_content))) == 5
    assert not ExportJob.objects.exists()


def test_a_large_export_becomes_a_job_the_owner_downloads_with_the_filter_applied(
    client, world, threshold, batch_firms
):
    """GIVEN more matching rows than the threshold WHEN county A exports "批量" THEN a job is queued and run,
    its page offers the file, and the file holds exactly county A's matching firms."""
    owner = world.people.county_a_officer
    client.force_login(owner)
    job, location = start(client, q="批量", page="2", per_page="50")
    assert location == reverse("enterprises:export_job", args=[job.pk])
    assert (job.owner, job.organisation, job.query) == (owner, world.orgs.county_a, "q=%E6%89%B9%E9%87%8F")
    assert (job.status, job.row_count, job.error) == (ExportJob.Status.DONE, 5, "")
    assert job.file.name.startswith("enterprise_exports/") and job.finished_at is not None

    page = client.get(location)
    assert page.status_code == 200 and "Refresh" not in page
    html = page.content.decode()
    assert "导出文件已生成，共 5 家" in html and "http-equiv" not in html
    assert "名称或信用代码" in html and "批量" in html  # the condition, for people
    assert reverse("enterprises:export_job_download", args=[job.pk]) in html
    assert "我的导出" in html

    response, content = download(client, job)
    assert quote("生产经营单位名录_") in response["Content-Disposition"]
    rows = read_sheet(content)
    assert rows[0] == HEADERS
    assert {r[NAME_COL] for r in rows[1:]} == batch_firms


def test_the_job_sees_the_register_as_its_owner_does(client, world, threshold, batch_firms):
    client.force_login(world.people.city_legal)
    job, _location = start(client, q="批量")
    _response, content = download(client, job)
    assert {r[NAME_COL] for r in read_sheet(content)[1:]} == {*batch_firms, "批量西山有限公司"}


@pytest.mark.parametrize("persona", ["county_a_officer2", "city_admin", "county_b_officer"])
def test_nobody_but_the_owner_sees_the_job_or_its_file(client, world, threshold, batch_firms, persona):
    client.force_login(world.people.county_a_officer)
    job, location = start(client)
    client.force_login(getattr(world.people, persona))
    assert client.get(location).status_code == 404
    assert client.get(reverse("enterprises:export_job_download", args=[job.pk])).status_code == 404


def test_pages_need_a_login(client, world, threshold):
    job = ExportJob.objects.create(owner=world.people.county_a_officer, status=ExportJob.Status.DONE)
    for name in ("export_job", "export_job_download"):
        response = client.get(reverse(f"enterprises:{name}", args=[job.pk]))
        assert response.status_code == 302 and "/login" in response["Location"]


def test_a_job_still_running_refreshes_and_offers_no_file(client, world):
    owner = world.people.county_a_officer
    job = ExportJob.objects.create(owner=owner, status=ExportJob.Status.RUNNING, query="supervision_class=key")
    client.force_login(owner)
    response = client.get(reverse("enterprises:export_job", args=[job.pk]))
    assert response["Refresh"] == "2"
    html = response.content.decode()
    assert "http-equiv" in html and "正在后台生成导出文件" in html
    assert "监管类别" in html and "重点" in html
    assert reverse("enterprises:export_job_download", args=[job.pk]) not in html
    assert client.get(reverse("enterprises:export_job_download", args=[job.pk])).status_code == 404


def test_a_failing_export_shows_a_chinese_error(client, world, threshold, monkeypatch):
    def broken(user, queryset):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exporting, "write_workbook", broken)
    client.force_login(world.people.county_a_officer)
    job, location = start(client)
    assert job.status == ExportJob.Status.FAILED and not job.file
    html = client.get(location).content.decode()
    assert "导出过程中发生错误，未生成文件" in html and "disk full" not in html
    assert client.get(reverse("enterprises:export_job_download", args=[job.pk])).status_code == 404


def test_a_timed_out_export_says_so(world, monkeypatch):
    def slow(user, queryset):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(exporting, "write_workbook", slow)
    job = ExportJob.objects.create(owner=world.people.county_a_officer)
    assert tasks.export_enterprises(job.pk) == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert "导出超时" in job.error


def test_a_filter_that_left_the_owners_scope_fails_instead_of_exporting_everything(world):
    """GIVEN a job whose organisation filter the owner can no longer reach THEN it fails, naming the reason."""
    job = ExportJob.objects.create(owner=world.people.county_a_officer, query=f"organisation={world.orgs.county_b.pk}")
    tasks.export_enterprises(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file
    assert job.error.startswith("导出条件已失效，未生成文件")


def test_the_task_is_idempotent(world, media):
    job = ExportJob.objects.create(owner=world.people.county_a_officer)
    assert tasks.export_enterprises(job.pk) == ExportJob.Status.DONE
    job.refresh_from_db()
    first = job.file.name
    assert tasks.export_enterprises(job.pk) is None  # a duplicated delivery: nothing to claim
    job.refresh_from_db()
    assert job.file.name == first
    assert len(list((media / "enterprise_exports").rglob("*.xlsx"))) == 1
    assert tasks.export_enterprises(job.pk + 1000) is None  # gone


def test_a_running_job_abandoned_past_the_time_limit_is_claimed_again(world, settings):
    stale = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    job = ExportJob.objects.create(owner=world.people.county_a_officer, status=ExportJob.Status.RUNNING)
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
    assert tasks.export_enterprises(job.pk) is None  # a live claim is left alone
    ExportJob.objects.filter(pk=job.pk).update(started_at=stale)
    assert tasks.export_enterprises(job.pk) == ExportJob.Status.DONE


def test_a_second_click_waits_on_the_same_job(client, world, threshold, batch_firms, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.export_enterprises, "delay", queued.append)
    client.force_login(world.people.county_a_officer)
    first, _ = start(client, q="批量")
    response = client.get(reverse("enterprises:export"), {"q": "批量", "page": "2"})
    assert response["Location"] == reverse("enterprises:export_job", args=[first.pk])
    assert ExportJob.objects.count() == 1 and queued == [first.pk]
    assert first.status == ExportJob.Status.QUEUED


def test_a_broker_outage_fails_the_job_with_a_message(client, world, threshold, monkeypatch):
    def down(job_id):
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks.export_enterprises, "delay", down)
    client.force_login(world.people.county_a_officer)
    job, location = start(client)
    assert job.status == ExportJob.Status.FAILED
    assert "任务队列暂时不可用" in client.get(location).content.decode()


# --- Clean-up (beat) ---------------------------------------------------------------------------------


def _age(model, obj, **fields):
    model.objects.filter(pk=obj.pk).update(**fields)


def _export_job(owner, days_old):
    job = ExportJob.objects.create(owner=owner, status=ExportJob.Status.DONE)
    job.file.save("export.xlsx", ContentFile(b"PK..."), save=True)
    _age(ExportJob, job, created_at=timezone.now() - datetime.timedelta(days=days_old))
    return job


def _import_batch(owner, days_old, **fields):
    batch = ImportBatch(owner=owner, original_name="名录.xlsx", **fields)
    batch.file.save("upload.xlsx", ContentFile(b"PK..."), save=True)
    when = timezone.now() - datetime.timedelta(days=days_old)
    _age(ImportBatch, batch, created_at=when, finished_at=when if batch.finished_at else None)
    batch.refresh_from_db()
    return batch


def test_cleanup_deletes_week_old_jobs_with_their_files_and_keeps_recent_ones(world, media):
    owner = world.people.county_a_officer
    old, recent = _export_job(owner, days_old=8), _export_job(owner, days_old=6)
    old_path, recent_path = media / old.file.name, media / recent.file.name
    assert old_path.exists() and recent_path.exists()

    deleted_jobs, _files = tasks.cleanup_enterprise_files()

    assert deleted_jobs == 1
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not old_path.exists() and recent_path.exists()


def test_cleanup_deletes_month_old_import_uploads_but_keeps_the_batches(world, media):
    owner = world.people.county_a_officer
    S = ImportBatch.Status
    now = timezone.now()
    applied_old = _import_batch(owner, 31, status=S.APPLIED, finished_at=now)
    failed_old = _import_batch(owner, 31, status=S.FAILED, finished_at=now)
    rejected_old = _import_batch(owner, 31, status=S.REJECTED, finished_at=now)  # issue 9: refused workbooks
    parsing_old = _import_batch(owner, 31, status=S.PARSING)
    abandoned_old = _import_batch(owner, 31, status=S.PREVIEWED)
    applied_recent = _import_batch(owner, 10, status=S.APPLIED, finished_at=now)
    queued_old = _import_batch(owner, 31, status=S.PREVIEWED, confirmed_at=now)
    applying_old = _import_batch(owner, 31, status=S.APPLYING)
    paths = {b.pk: media / b.file.name for b in ImportBatch.objects.all()}

    _jobs, cleared = tasks.cleanup_enterprise_files()

    assert cleared == 4
    assert ImportBatch.objects.count() == 8  # the rows are the import history
    for batch in (applied_old, failed_old, rejected_old, abandoned_old):
        batch.refresh_from_db()
        assert not batch.file and not paths[batch.pk].exists()
    for batch in (applied_recent, queued_old, applying_old, parsing_old):
        batch.refresh_from_db()
        assert batch.file and paths[batch.pk].exists()
    assert tasks.cleanup_enterprise_files() == (0, 0)  # nothing left to do


def test_cleanup_runs_daily_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["cleanup-enterprise-files"]
    assert entry["task"] == "enterprises.cleanup_files" and entry["task"] in app.tasks
    assert "enterprises.export" in app.tasks
    assert entry["options"]["expires"] < 24 * 3600  # expires before the next run


def test_filter_query_keeps_only_the_filter_in_a_stable_order():
    from django.http import QueryDict

    data = QueryDict("per_page=50&sector=&supervision_class=key&q=%E6%9C%BA&page=3")
    assert export_jobs.filter_query(data) == "q=%E6%9C%BA&supervision_class=key"


def test_a_done_job_whose_file_is_gone_answers_404(client, world, media):
    owner = world.people.county_a_officer
    job = ExportJob.objects.create(owner=owner)
    tasks.export_enterprises(job.pk)
    job.refresh_from_db()
    (media / job.file.name).unlink()
    client.force_login(owner)
    assert client.get(reverse("enterprises:export_job_download", args=[job.pk])).status_code == 404
