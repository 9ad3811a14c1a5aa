"""Issued documents pages: the register, one document's record (versions, void, actions), re-issue, void,
re-open, and the scoped PDF download.

All read ``IssuedDocument.objects.restrict(user, "view")``: a document outside the user's scope is not
found (404), the same answer as for one that never existed. The actions go through enforcement.documents
services (who may, reasons, one transaction, audit).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enforcement.audit.services import downloaded
from enforcement.documents import sources
from enforcement.documents.forms import RegisterFilterForm, reissue_form, void_form
from enforcement.documents.models import IssuedDocument
from enforcement.documents.services import may_void, retry_render, void_document
from enforcement.documents.tasks import needs_resuming, queue_render, queue_voided_copy
from enforcement.uploads import serve_scoped_file
from enforcement.web.service_errors import permission_message, refusals_on

PAGE_SIZE = 50
# How often the "being generated" page reloads itself, in seconds.
PENDING_REFRESH_SECONDS = 3
Status = IssuedDocument.Status


def _visible(user):
    return IssuedDocument.objects.restrict(user, "view").select_related(
        "doc_type", "organisation", "replaces", "voided_by", "issued_by"
    )


@login_required
@require_GET
def document_list(request):
    form = RegisterFilterForm(request.GET)
    documents = form.apply(_visible(request.user))
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "documents/pages/list.html",
        {
            "page": page,
            "form": form,
            "filtered": any(request.GET.get(name) for name in form.fields),
            "page_query": params.urlencode(),
        },
    )


# --- one document's record -----------------------------------------------------------------------------


def _safe_next(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _detail(request, document, status=200, reissue=None, void=None):
    user = request.user
    versions = list(
        _visible(user)
        .filter(
            organisation_id=document.organisation_id,
            doc_type_id=document.doc_type_id,
            year=document.year,
            serial=document.serial,
        )
        .order_by("version")
    )
    # Other numbers of the same record: an earlier voided one, or the one issued after this was voided.
    related = (
        [d for d in sources.documents_for(user, [document.source_key], states=False) if d.serial != document.serial]
        if document.source_key
        else []
    )
    changed = sources.changes(user, document)
    may_act = sources.may_reissue(user, document)
    reopenable = (
        document.status == Status.VOIDED
        and may_act
        and sources.registered_source(document) is not None
        and sources.current_document(document.source_key, document.doc_type.key) is None
    )
    return render(
        request,
        "documents/pages/detail.html",
        {
            "document": document,
            "versions": versions,
            "related": related,
            "source_url": sources.source_url(user, document),
            "changes": changed,
            "may_reissue": bool(changed) and may_act,
            "may_void": may_void(user, document),
            "reopenable": reopenable,
            "reopen_offer": sources.registered_source(document) is not None,
            "reissue_form": reissue or reissue_form(),
            "void_form": void or void_form(),
            "next_version": document.version + 1,
        },
        status=status,
    )


@login_required
@require_GET
def document_detail(request, pk):
    return _detail(request, get_object_or_404(_visible(request.user), pk=pk))


def _with_reason(form, action):
    """Run ``action(reason)`` for a valid reason form. A refusal goes onto the form, so the page comes back with
    what was typed; returns the action's result, or None if the form or the service refused."""
    if not form.is_valid():
        return None
    with refusals_on(form, not_found=(ObjectDoesNotExist,), default_field="reason"):
        return action(form.cleaned_data["reason"])
    return None


@login_required
@require_POST
def document_reissue(request, pk):
    """重新出具（第n版）: a new version from the source's current data, with the reason."""
    user = request.user
    document = get_object_or_404(_visible(user), pk=pk)
    form = reissue_form(request.POST)
    new = _with_reason(form, lambda reason: sources.reissue(user, document.pk, reason))
    if new is None:
        return _detail(request, document, status=400, reissue=form)
    messages.success(
        request,
        _("已重新出具%(name)s %(number)s（第%(n)d版），PDF 正在生成。")
        % {"name": new.doc_type.name, "number": new.number, "n": new.version},
    )
    return redirect(_safe_next(request) or reverse("documents:detail", args=[new.pk]))


@login_required
@require_POST
def document_void(request, pk):
    """作废, with the reason; with ``then=reopen`` the source issues a fresh number at once (重开)."""
    user = request.user
    document = get_object_or_404(_visible(user), pk=pk)
    form = void_form(request.POST)
    if _with_reason(form, lambda reason: void_document(user, document.pk, reason)) is None:
        return _detail(request, document, status=400, void=form)
    messages.success(request, _("已作废 %(number)s。") % {"number": document.number})
    if request.POST.get("then") == "reopen":
        return _reopen(request, document)
    return redirect(_safe_next(request) or reverse("documents:detail", args=[document.pk]))


def _reopen(request, document):
    back = _safe_next(request) or reverse("documents:detail", args=[document.pk])
    try:
        fresh = sources.reopen(request.user, document.pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", None) or [permission_message(exc)]:
            messages.error(request, message)
        return redirect(back)
    messages.success(
        request,
        _("已重开：%(name)s新文号 %(number)s，PDF 正在生成。") % {"name": fresh.doc_type.name, "number": fresh.number},
    )
    return redirect(_safe_next(request) or reverse("documents:detail", args=[fresh.pk]))


@login_required
@require_POST
def document_reopen(request, pk):
    """重开: after a void, the source issues a fresh document (a new number; the voided one is never reused)."""
    return _reopen(request, get_object_or_404(_visible(request.user), pk=pk))


# --- PDF ---------------------------------------------------------------------------------------------------


def _resume(document):
    """Queue the render again if it failed with attempts left or its worker vanished. True if queued."""
    if not needs_resuming(IssuedDocument.objects.filter(pk=document.pk), timezone.now()).exists():
        return False
    queue_render(document.pk)
    return True


def _pending(request, document):
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


@login_required
@require_GET
def document_pdf(request, pk):
    return pdf_response(request, get_object_or_404(_visible(request.user), pk=pk))


def pdf_response(request, document):
    """The PDF of a document the caller fetched through a scoped query (here, or a source page such as the
    guidance letter's): rendered as issued, with the 作废 mark once voided, or the "being generated" page."""
    if document.status == Status.VOIDED:
        # The voided document is shown with its 作废 mark; the PDF as issued stays stored beside it.
        if not document.voided_pdf:
            queue_voided_copy(document.pk)  # in-process without a broker: rendered now
            document.refresh_from_db()
        if not document.voided_pdf:
            return _pending(request, document)
        name = f"{document.file_stem}（作废）.pdf"
        downloaded(request, document, _("文书PDF"), name)
        return serve_scoped_file(document.voided_pdf, download_name=name)
    if document.render_status != IssuedDocument.RenderStatus.RENDERED and _resume(document):
        document.refresh_from_db()  # rendered in-process just now, or queued again
    if document.render_status != IssuedDocument.RenderStatus.RENDERED or not document.pdf:
        return _pending(request, document)
    suffix = f"（第{document.version}版）" if document.version > 1 else ""
    name = f"{document.file_stem}{suffix}.pdf"
    downloaded(request, document, _("文书PDF"), name)
    return serve_scoped_file(document.pdf, download_name=name)


@login_required
@require_POST
def document_retry_render(request, pk):
    """重新生成 a document whose render attempts all failed; back to its PDF page, which shows the progress."""
    document = get_object_or_404(_visible(request.user), pk=pk)
    try:
        retry_render(request.user, document.pk)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已重新提交生成，请稍候。"))
    return redirect("documents:pdf", pk=document.pk)
