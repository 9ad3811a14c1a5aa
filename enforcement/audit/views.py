"""The auditors' page: search the audit log and export what was found (itself audited)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from enforcement.audit import exporting
from enforcement.audit.display import change_rows
from enforcement.audit.models import AuditEvent
from enforcement.audit.search import AuditSearchForm
from enforcement.audit.services import exported
from enforcement.web.querystring import querystring

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50


def _require(user, perm):
    # 等保2.0 8.1.4.2 访问控制 / 8.1.4.3: only auditors read the log; administrators do not audit themselves.
    if not user.has_perm(perm):
        raise PermissionDenied(_("只有审计员可以查看操作日志。"))


def _searched(request):
    form = AuditSearchForm(request.GET or None)
    events = AuditEvent.objects.restrict(request.user, "view").select_related("target_type")
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    return form, events.order_by("-created_at", "-id")


@login_required
@require_GET
def log(request):
    _require(request.user, "audit.view_auditevent")
    form, events = _searched(request)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    for event in page:
        event.change_rows = change_rows(event)
    context = {
        "form": form,
        "page": page,
        "page_query": querystring(request, "page"),
        "export_query": querystring(request, "page"),
        "filtered": bool(request.GET.dict().keys() - {"page"}),
        "may_export": request.user.has_perm("audit.export_auditevent"),
    }
    return render(request, "audit/log.html", context)


@login_required
@require_GET
def export(request):
    _require(request.user, "audit.view_auditevent")
    _require(request.user, "audit.export_auditevent")
    form, events = _searched(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("筛选条件有误，请修改后重新导出。"))
        return redirect(f"{reverse('audit:log')}?{querystring(request)}")
    conditions = form.summary() if form.is_bound else {}
    count = events.count()
    if count > settings.AUDIT_EXPORT_MAX_ROWS:
        messages.error(
            request,
            _("符合条件的日志有%(count)d条，超过单次导出上限%(max)d条，请缩小时间范围或增加条件。")
            % {"count": count, "max": settings.AUDIT_EXPORT_MAX_ROWS},
        )
        return redirect(f"{reverse('audit:log')}?{querystring(request)}")
    workbook = exporting.write_workbook(events.iterator(chunk_size=2000), conditions)
    # The export of the audit log is itself audited, with its conditions and row count.
    exported(request, _("操作日志"), count, conditions)
    name = _("操作日志_%(day)s.xlsx") % {"day": f"{timezone.localdate():%Y%m%d}"}
    return FileResponse(workbook, as_attachment=True, filename=name, content_type=XLSX)
