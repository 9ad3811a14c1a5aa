"""Issued documents pages: the user's list and the scoped PDF download.

Both read ``IssuedDocument.objects.restrict(user, "view")``: a document outside the user's scope is not
found (404), the same answer as for one that never existed.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from enforcement.documents.models import DocumentType, IssuedDocument
from enforcement.documents.tasks import needs_resuming, queue_render
from enforcement.uploads import serve_scoped_file

PAGE_SIZE = 50
# How often the "being generated" page reloads itself, in seconds.
PENDING_REFRESH_SECONDS = 3


def _visible(user):
    return IssuedDocument.objects.restrict(user, "view").select_related("doc_type", "organisation", "replaces")


@login_required
@require_GET
def document_list(request):
    documents = _visible(request.user)
    doc_type = request.GET.get("type", "")
    if doc_type:
        documents = documents.filter(doc_type__key=doc_type)
    year = request.GET.get("year", "")
    if year.isdigit():
        documents = documents.filter(year=int(year))
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/pages/list.html",
        {
            "page": page,
            "types": DocumentType.objects.filter(is_active=True),
            "selected_type": doc_type,
            "selected_year": year,
        },
    )


def _resume(document):
    """Queue the render again if it failed with attempts left or its worker vanished. True if queued."""
    if not needs_resuming(IssuedDocument.objects.filter(pk=document.pk), timezone.now()).exists():
        return False
    queue_render(document.pk)
    return True


@login_required
@require_GET
def document_pdf(request, pk):
    document = get_object_or_404(_visible(request.user), pk=pk)
    if document.render_status != IssuedDocument.RenderStatus.RENDERED and _resume(document):
        document.refresh_from_db()  # rendered in-process just now, or queued again
    if document.render_status != IssuedDocument.RenderStatus.RENDERED or not document.pdf:
        if document.render_given_up:
            return render(request, "documents/pages/pending.html", {"document": document}, status=500)
        response = render(
            request,
            "documents/pages/pending.html",
            {"document": document, "refresh": PENDING_REFRESH_SECONDS},
            status=202,
        )
        response["Refresh"] = str(PENDING_REFRESH_SECONDS)
        return response
    return serve_scoped_file(document.pdf, download_name=f"{document.number}.pdf")
