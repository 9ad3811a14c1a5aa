"""Register exports too large for a request: an ExportJob row, written by a Celery task, deleted after a week.

The task applies the stored filter as the job's *owner* sees the register when it runs (the same
``EnterpriseFilter`` over ``Enterprise.objects.restrict(owner, "view")`` as the list page), so a job can
never export more than its owner could export inline.
"""

import datetime
import logging
from types import SimpleNamespace

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from enforcement import jobs
from enforcement.enterprises import exporting
from enforcement.enterprises.filters import EnterpriseFilter
from enforcement.enterprises.models import Enterprise, ExportJob, ImportBatch

logger = logging.getLogger(__name__)

EXPORT_KEEP = datetime.timedelta(days=7)
# Import uploads are only read while previewing (the rows are kept parsed on the batch), so the file is
# dead weight once the batch is finished with; the row stays as the history of the import.
IMPORT_FILE_KEEP = datetime.timedelta(days=30)
CLEANUP_CHUNK = 500


class ExportError(Exception):
    """A job that cannot be written, with a message for its owner."""


def filter_for(user, data, request=None):
    """The list page's filter over the user's scope. ``data``: request.GET or a stored query."""
    # The filter's choices come from choices_in_scope(), which reads only request.user; a task has no
    # request, so it passes a stand-in carrying the owner.
    request = request or SimpleNamespace(user=user)
    return EnterpriseFilter(data, queryset=Enterprise.objects.restrict(user, "view"), request=request)


def filter_query(data):
    """The filter parameters of ``data`` as a canonical query string (page, per_page … dropped)."""
    names = EnterpriseFilter.base_filters
    return urlencode(sorted((name, value) for name in names for value in data.getlist(name) if value))


def filter_summary(user, query):
    """(label, value) pairs describing a stored filter for people, e.g. ("监管类别", "重点")."""
    filterset = filter_for(user, QueryDict(query))
    if not filterset.is_valid():
        return [(_("筛选条件"), _("已失效"))]
    return describe(filterset)


def describe(filterset):
    """(label, value) pairs of a validated filterset's conditions."""
    summary = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = filterset.form.fields[name]
        if isinstance(value, bool):
            text = _("是") if value else _("否")
        elif getattr(field, "choices", None) is not None and not hasattr(value, "pk"):
            text = str(dict(field.choices).get(value, value))
        else:
            text = str(value)
        summary.append((str(field.label), text))
    return summary


def download_name(day):
    return _("生产经营单位名录_%(date)s.xlsx") % {"date": day.strftime("%Y%m%d")}


def job_download_name(job):
    return download_name(timezone.localdate(job.created_at))


EXPORTS = jobs.JobKind(
    ExportJob,
    time_limit=lambda: settings.ENTERPRISE_EXPORT_TIME_LIMIT,
    max_attempts=lambda: settings.JOB_MAX_ATTEMPTS,
)


def create_job(user, query):
    """A queued job for this owner and filter; an identical job still on its way is reused (double clicks).

    Returns (job, created). Queueing the task is the caller's business (see import_views.export). A job
    whose claim was abandoned is not reused: the sweep is bringing it back, the user asked now.
    """
    pending = (
        ExportJob.objects.filter(EXPORTS.in_progress_q(timezone.now()), owner=user, query=query)
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        return pending, False
    job = ExportJob.objects.create(owner=user, organisation=user.organisation, query=query, queued_at=timezone.now())
    return job, True


def send(job_id):
    """Send the job's task; False if the broker refused it. Imported here, not above: the tasks import this."""
    from enforcement.enterprises.tasks import export_enterprises

    return jobs.send(export_enterprises, job_id)


def sweep():
    """Send lost exports again, record those out of attempts as failed. Returns (sent, given up)."""
    return jobs.sweep(EXPORTS, send)


def fail_job(job_id, message):
    """Mark an unfinished job failed with a message for its owner."""
    ExportJob.objects.filter(pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]).update(
        status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def failure_message(exc):
    if isinstance(exc, ExportError):
        return str(exc)
    if isinstance(exc, SoftTimeLimitExceeded):
        return _("导出超时（数据量过大），未生成文件。请缩小筛选范围后重试。")
    return _("导出过程中发生错误，未生成文件。请稍后重试或联系系统管理员。")


def write_job(job):
    """Write the workbook of a claimed (running) job and mark it done. Raises on failure."""
    filterset = filter_for(job.owner, QueryDict(job.query))
    if not filterset.is_valid():
        # E.g. the organisation in the filter has left the owner's scope since the job was queued.
        errors = "；".join(str(e) for field_errors in filterset.form.errors.values() for e in field_errors)
        raise ExportError(_("导出条件已失效，未生成文件：%(errors)s") % {"errors": errors})
    queryset = filterset.qs
    row_count = queryset.count()
    with exporting.write_workbook(job.owner, queryset) as out:
        job.file.save("export.xlsx", File(out), save=False)
    finished = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        status=ExportJob.Status.DONE,
        file=job.file.name,
        row_count=row_count,
        error="",
        finished_at=timezone.now(),
    )
    if not finished:
        # Deleted (or failed) while it was being written: keep no file nobody can reach.
        job.file.storage.delete(job.file.name)
    return finished


def _delete_files(storage, names):
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.exception("could not delete %s; it is no longer referenced", name)


def delete_old_exports(cutoff):
    """Delete export jobs created before ``cutoff`` and their files. Returns how many jobs."""
    storage = ExportJob._meta.get_field("file").storage
    deleted = 0
    while True:
        chunk = list(
            ExportJob.objects.filter(created_at__lt=cutoff).order_by("pk").values_list("pk", "file")[:CLEANUP_CHUNK]
        )
        if not chunk:
            return deleted
        # Rows first: a file that fails to go is only wasted space, a row without its file a broken link.
        ExportJob.objects.filter(pk__in=[pk for pk, _name in chunk]).delete()
        _delete_files(storage, [name for _pk, name in chunk])
        deleted += len(chunk)


def clear_old_import_files(cutoff):
    """Delete the uploaded files of import batches finished with before ``cutoff``; rows stay (history).

    Finished with: applied, failed or rejected (none can be confirmed again), or previewed and never confirmed.
    A batch that is queued or being applied keeps its file whatever its age.
    """
    storage = ImportBatch._meta.get_field("file").storage
    S = ImportBatch.Status
    done = Q(status__in=[S.APPLIED, S.FAILED, S.REJECTED], finished_at__lt=cutoff) | Q(
        status=S.PREVIEWED, confirmed_at__isnull=True, created_at__lt=cutoff
    )
    cleared = 0
    while True:
        rows = ImportBatch.objects.filter(done).exclude(file="").order_by("pk").values_list("pk", "file")
        chunk = list(rows[:CLEANUP_CHUNK])
        if not chunk:
            return cleared
        ImportBatch.objects.filter(pk__in=[pk for pk, _name in chunk]).update(file="")
        _delete_files(storage, [name for _pk, name in chunk])
        cleared += len(chunk)


def cleanup(now):
    """Returns (export jobs deleted, import files deleted)."""
    return delete_old_exports(now - EXPORT_KEEP), clear_old_import_files(now - IMPORT_FILE_KEEP)
