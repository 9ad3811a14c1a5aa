"""Import (preview → confirm) and export pages of the enterprise register.

A batch belongs to the user who uploaded it: anyone else gets 404. The export goes through the same
``EnterpriseFilter`` and ``Enterprise.objects.restrict(user, "view")`` as the list page.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from enforcement.enterprises import exporting, importing
from enforcement.enterprises.filters import EnterpriseFilter
from enforcement.enterprises.import_forms import ImportUploadForm
from enforcement.enterprises.models import Enterprise, ImportBatch
from enforcement.enterprises.tasks import apply_enterprise_import

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABS = ("error", "create", "update", "unchanged")
ROWS_PER_PAGE = 200
REFRESH_SECONDS = 2


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
            try:
                batch = importing.create_preview(request.user, form.cleaned_data["file"])
            except importing.WorkbookError as exc:
                form.add_error("file", exc.message)
            else:
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
            "can_confirm": batch.status == ImportBatch.Status.PREVIEWED and batch.confirmed_at is None,
            "columns": batch.columns.get("fields", {}),
            "ignored": batch.columns.get("ignored", []),
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
    # Conditional update: a double click or a second tab cannot queue the batch twice.
    queued = ImportBatch.objects.filter(
        pk=batch.pk, owner=request.user, status=ImportBatch.Status.PREVIEWED, confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    if not queued:
        messages.warning(request, _("该批次已经确认过，不能重复导入。"))
        return redirect("enterprises:import_batch", pk=batch.pk)
    try:
        apply_enterprise_import.delay(batch.pk)
    except Exception:
        # The broker is down: un-queue so that the user can try again later.
        logger.exception("could not queue import batch %s", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(confirmed_at=None)
        messages.error(request, _("任务队列暂时不可用，导入尚未开始，请稍后重试。"))
        return redirect("enterprises:import_batch", pk=batch.pk)
    batch.refresh_from_db(fields=["status"])
    if batch.status == ImportBatch.Status.APPLIED:
        messages.success(request, _("导入完成。"))
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
    """The register as .xlsx, with the list page's filters and the user's scope."""
    base = Enterprise.objects.restrict(request.user, "view")
    filterset = EnterpriseFilter(request.GET, queryset=base, request=request)
    if not filterset.is_valid():
        # An organisation outside the scope is not a valid choice: refuse rather than export everything.
        return render(
            request,
            "enterprises/import/export_error.html",
            {"form": filterset.form},
            status=400,
        )
    filename = _("生产经营单位名录_%(date)s.xlsx") % {"date": timezone.localdate().strftime("%Y%m%d")}
    return FileResponse(
        exporting.write_workbook(request.user, filterset.qs),
        as_attachment=True,
        filename=filename,
        content_type=XLSX,
    )
