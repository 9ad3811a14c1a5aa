"""Pages of the evidence store and the case file: a case's evidence (list, upload, delete), evidence downloads
and the case file (案卷) download. Every file is found through restrict() first (404 otherwise) and every
download is audited. The upload itself goes through the API (static/js/evidence-upload.js)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.penalties import casefile
from cases.penalties import evidence as store
from cases.penalties.models import Evidence, PenaltyCase
from enforcement.audit.services import downloaded
from enforcement.uploads import serve_scoped_file


def evidence_response(request, item):
    """The file of an Evidence the caller fetched through restrict() (pages and API alike), audited."""
    if not item.file or not item.file.storage.exists(item.file.name):
        raise Http404
    downloaded(request, item, _("证据"), item.original_name)
    response = serve_scoped_file(item.file, download_name=item.original_name or None)
    # Evidence never changes once stored; only this user's browser may keep it.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_GET
def case_evidence(request, pk):
    """The case's evidence with the upload form (the case page includes the same partial)."""
    case = get_object_or_404(PenaltyCase.objects.restrict(request.user, "view"), pk=pk)
    return render(
        request, "cases/penalties/evidence.html", {"case": case, **store.evidence_context(request.user, case)}
    )


@login_required
@require_GET
def evidence_file(request, pk):
    item = get_object_or_404(Evidence.objects.restrict(request.user, "view").select_related("case"), pk=pk)
    return evidence_response(request, item)


@login_required
@require_POST
def evidence_delete(request, pk):
    item = get_object_or_404(Evidence.objects.restrict(request.user, "view"), pk=pk)
    back = reverse("cases:penalty_evidence", args=[item.case_id]) + "#evidence"
    try:
        store.delete_evidence(request.user, item.pk, request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect(back)
    messages.success(request, _("已删除证据“%(title)s”，删除原因已记入操作日志。") % {"title": item.title})
    return redirect(back)


@login_required
@require_GET
def case_file(request, pk):
    """The case file (案卷) PDF of an archived case: scoped (404), audited."""
    case = get_object_or_404(PenaltyCase.objects.restrict(request.user, "view"), pk=pk)
    document = casefile.current_case_file(case)
    if document is None or not document.pdf:
        raise Http404
    name = f"{document.number}.pdf"
    downloaded(request, document, _("案卷PDF"), name)
    return serve_scoped_file(document.pdf, download_name=name)
