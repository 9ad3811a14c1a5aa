"""Import (preview → confirm) and export pages of the enterprise register.

A batch belongs to the user who uploaded it, an export job to the user who asked for it: anyone else
gets 404. The export goes through the same ``EnterpriseFilter`` and ``Enterprise.objects.restrict(user,
"view")`` as the list page; up to ENTERPRISE_EXPORT_INLINE_MAX rows it is written in the request, larger
ones by a Celery task (export_jobs).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.audit.services import downloaded, exported
from enforcement.enterprises import export_jobs, exporting, import_claims, import_flow, importing
from enforcement.enterprises.import_forms import ImportConfirmForm, ImportUploadForm
from enforcement.enterprises.models import ExportJob, ImportBatch
from enforcement.enterprises.tasks import export_enterprises
from enforcement.uploads import serve_scoped_file

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABS = ("error", "warning", "create", "update", "unchanged")
ROWS_PER_PAGE = 200
REFRESH_SECONDS = 2
RECENT_EXPORTS = 10
BROKER_DOWN_PARSE = gettext_lazy("任务队列暂时不可用，文件已保存但尚未解析；队列恢复后将自动解析，本页会自动刷新。")
BROKER_DOWN_APPLY = gettext_lazy("任务队列暂时不可用，导入尚未开始，请稍后重试。")
BROKER_DOWN_RETRY = gettext_lazy("任务队列暂时不可用，队列恢复后将自动重试，本页会自动刷新。")


def _require_import_permission(user):
    if not importing.can_import(user):
        raise PermissionDenied(_("您没有导入生产经营单位的权限。"))


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    """Upload page: choose a workbook; the preview follows. Also lists the user's recent batches."""
    _require_import_permission(request.user)
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            # Parsed by a task, never here: the batch page shows 解析中 and refreshes until the preview is ready.
            batch, outcome = import_flow.upload(request.user, form.cleaned_data["file"])
            if outcome == import_flow.Outcome.REJECTED:
                form.add_error("file", batch.error_message)
            else:
                if outcome == import_flow.Outcome.BROKER_DOWN:
                    messages.error(request, BROKER_DOWN_PARSE)
                return redirect("enterprises:import_batch", pk=batch.pk)
    recent = ImportBatch.objects.owned_by(request.user).defer("rows", "report")[:10]
    status = 400 if form.errors else 200
    return render(
        request,
        "enterprises/import/start.html",
        {
            "form": form,
            "recent": recent,
            "columns": importing.COLUMNS,
            "max_rows": settings.ENTERPRISE_IMPORT_MAX_ROWS,
            "max_bytes": settings.ENTERPRISE_IMPORT_MAX_BYTES,
        },
        status=status,
    )


@login_required
@require_GET
def import_batch(request, pk):
    """Preview of a batch before confirmation, then its progress and result."""
    batch = get_object_or_404(ImportBatch.objects.owned_by(request.user), pk=pk)
    rows_by_tab = {tab: [r for r in batch.report if r["status"] == tab] for tab in TABS}
    rows_by_tab["warning"] = [r for r in batch.report if r.get("warnings")]
    tab = request.GET.get("tab")
    if tab not in TABS:
        tab = next((t for t in TABS if rows_by_tab[t]), "create")
    page = Paginator(rows_by_tab[tab], ROWS_PER_PAGE).get_page(request.GET.get("page"))
    response = render(
        request,
        "enterprises/import/batch.html",
        {
            "batch": batch,
            "tab": tab,
            "tabs": [(t, len(rows_by_tab[t])) for t in TABS],
            "page": page,
            "refresh": REFRESH_SECONDS if batch.is_in_progress else None,
            "stalled": import_claims.stalled(batch),
            "can_confirm": batch.status == ImportBatch.Status.PREVIEWED and batch.confirmed_at is None,
            "confirm_form": ImportConfirmForm(),
            "column_map": importing.column_mapping(batch),
            "ignored": batch.columns.get("ignored", []),
            "footer": batch.columns.get("footer", []),
            "sector_aliases": sorted(batch.columns.get("sector_aliases", {}).items()),
            "unknown_sectors": batch.columns.get("unknown_sectors", []),
            "warning_rows": rows_by_tab["warning"],
            "can_add_alias": request.user.has_perm("enterprises.add_sectoralias"),
            "needs_key_reason": bool(rows_by_tab["warning"]),
        },
    )
    if batch.is_in_progress:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@login_required
@require_POST
def import_confirm(request, pk):
    """Queue the batch for writing. Only its owner, only once."""
    batch = get_object_or_404(ImportBatch.objects.owned_by(request.user), pk=pk)
    _require_import_permission(request.user)
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("key_reason", []):
            messages.error(request, error)
        return redirect("enterprises:import_batch", pk=batch.pk)
    outcome = import_flow.confirm(batch, form.cleaned_data["key_reason"])
    if outcome == import_flow.Outcome.NOT_ALLOWED:
        messages.warning(request, _("该批次已经确认过，不能重复导入。"))
    elif outcome == import_flow.Outcome.BROKER_DOWN:
        messages.error(request, BROKER_DOWN_APPLY)
    else:
        batch.refresh_from_db(fields=["status"])
        if batch.status == ImportBatch.Status.APPLIED:
            messages.success(request, _("导入完成。"))
    return redirect("enterprises:import_batch", pk=batch.pk)


@login_required
@require_POST
def import_retry(request, pk):
    """A failed batch (its worker was killed, or the queue lost it) is tried again by its owner."""
    batch = get_object_or_404(ImportBatch.objects.owned_by(request.user), pk=pk)
    _require_import_permission(request.user)
    outcome = import_flow.retry(batch)
    if outcome == import_flow.Outcome.NOT_ALLOWED:
        messages.warning(request, _("该批次不是失败状态，无需重试。"))
    elif outcome == import_flow.Outcome.BROKER_DOWN:
        messages.error(request, BROKER_DOWN_RETRY)
    return redirect("enterprises:import_batch", pk=batch.pk)


@login_required
@require_GET
def import_template(request):
    """The empty template workbook: the header row and one example row."""
    _require_import_permission(request.user)
    return FileResponse(
        exporting.write_template(request.user),
        as_attachment=True,
        filename=_("生产经营单位导入模板.xlsx"),
        content_type=XLSX,
    )


@login_required
@require_GET
def export(request):
    """The register as .xlsx, with the list page's filters and the user's scope.

    Up to ENTERPRISE_EXPORT_INLINE_MAX rows the file is the response; a larger export (a minute for the
    whole city) would time out behind a proxy, so it becomes a job and the user waits on its page.
    """
    filterset = export_jobs.filter_for(request.user, request.GET, request=request)
    if not filterset.is_valid():
        # An organisation outside the scope is not a valid choice: refuse rather than export everything.
        return render(
            request,
            "enterprises/import/export_error.html",
            {"form": filterset.form},
            status=400,
        )
    count = filterset.qs.count()
    query = export_jobs.filter_query(request.GET)
    # Audited when asked for, inline or as a job: what left (or will leave) the system, under which filter.
    conditions = {"query": query, **dict(export_jobs.describe(filterset))}
    exported(request, _("生产经营单位名录"), count, conditions)
    if count > settings.ENTERPRISE_EXPORT_INLINE_MAX:
        return _queue_export(request, query)
    return FileResponse(
        exporting.write_workbook(request.user, filterset.qs),
        as_attachment=True,
        filename=export_jobs.download_name(timezone.localdate()),
        content_type=XLSX,
    )


def _queue_export(request, query):
    job, created = export_jobs.create_job(request.user, query)
    if created:
        try:
            export_enterprises.delay(job.pk)
        except Exception:
            # The broker is down: the job page says so, and the user can try again later.
            logger.exception("could not queue export job %s", job.pk)
            export_jobs.fail_job(job.pk, _("任务队列暂时不可用，导出尚未开始，请稍后重试。"))
    return redirect("enterprises:export_job", pk=job.pk)


@login_required
@require_GET
def export_job(request, pk):
    """One export job: refreshes while it is queued or running, then offers the file. Lists the user's recent jobs."""
    job = get_object_or_404(ExportJob.objects.owned_by(request.user), pk=pk)
    response = render(
        request,
        "enterprises/import/export_job.html",
        {
            "job": job,
            "conditions": export_jobs.filter_summary(request.user, job.query),
            "recent": ExportJob.objects.owned_by(request.user)[:RECENT_EXPORTS],
            "refresh": REFRESH_SECONDS if job.is_in_progress else None,
            "keep_days": export_jobs.EXPORT_KEEP.days,
        },
    )
    if job.is_in_progress:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


@login_required
@require_GET
def export_job_download(request, pk):
    """The finished workbook of one export job, to its owner only."""
    job = get_object_or_404(ExportJob.objects.owned_by(request.user), pk=pk, status=ExportJob.Status.DONE)
    if not job.file:
        raise Http404
    try:
        response = serve_scoped_file(job.file, download_name=export_jobs.job_download_name(job))
    except FileNotFoundError as exc:
        raise Http404 from exc
    downloaded(request, job, _("导出文件"), export_jobs.job_download_name(job))
    return response
