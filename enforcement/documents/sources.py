"""Documents issued for a business record (their source): the source's key, the document in force for it,
issuing one number per source, the context rows the domain apps' documents share, and the page glue of
an "出具文书" button.

Contexts are stored as JSON with the issued document: plain strings, numbers and ISO dates only, so the
PDF can be rendered again from the record alone. The domain apps (plans, cases, supervision) use these;
this module imports none of them.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from enforcement.documents.models import IssuedDocument
from enforcement.documents.services import issue_document
from enforcement.orgs.models import EnforcementCertificate


def source_key(obj) -> str:
    """ "app.model:pk", the issued document's link back to the business record."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}:{obj.pk}"


def current_document(key, doc_type_key):
    """The document in force for a source and type (one that no correction has replaced), or None."""
    return (
        IssuedDocument.objects.filter(source_key=key, doc_type__key=doc_type_key, replaced_by__isnull=True)
        .select_related("doc_type")
        .order_by("-pk")
        .first()
    )


def issue_once(user, locked_queryset, pk, organisation_of, doc_type_key, title, build_context):
    """Issue a document for one source record, or return the one already in force.

    The source row is locked first, so two clicks on "出具文书" queue and the second finds the first's
    document: one number per source, never two.
    """
    with transaction.atomic():
        source = locked_queryset.select_for_update(of=("self",)).get(pk=pk)
        organisation = organisation_of(source)
        if user.organisation_id != organisation.pk and not user.is_superuser:
            # A document carries the issuing bureau's number: only that bureau's people issue it.
            raise PermissionDenied(_("只能由本单位人员出具本单位的文书。"))
        key = source_key(source)
        existing = current_document(key, doc_type_key)
        if existing is not None:
            existing.newly_issued = False
            return existing
        context = build_context(source)
        document = issue_document(user, organisation, doc_type_key, title(source), context, source_key=key)
        document.newly_issued = True
        return document


def officer_rows(users, on_date):
    """Officers with the number of the enforcement certificate valid on ``on_date`` (R-50)."""
    users = list(users)
    certificates = {}
    for cert in (
        EnforcementCertificate.objects.valid_on(on_date)
        .filter(holder__in=[u.pk for u in users])
        .order_by("valid_until")
    ):
        certificates[cert.holder_id] = cert.number
    return [
        {"name": u.full_name or u.username, "certificate": certificates.get(u.pk, "")}
        for u in sorted(users, key=lambda u: (u.full_name or u.username, u.pk))
    ]


def enterprise_context(enterprise):
    return {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "address": enterprise.address,
        "principal_person": enterprise.principal_person,
        "principal_phone": enterprise.principal_phone,
        "contact_person": enterprise.contact_person,
        "contact_phone": enterprise.contact_phone,
    }


def pdf_url(document):
    try:
        return reverse("documents:pdf", args=[document.pk])
    except NoReverseMatch:
        return f"/documents/{document.pk}/pdf/"


def documents_for(user, keys):
    """Issued documents of these sources the user may see, newest first, with their PDF links."""
    documents = list(
        IssuedDocument.objects.restrict(user, "view")
        .filter(source_key__in=list(keys))
        .select_related("doc_type", "replaces")
        .order_by("-issued_at", "-pk")
    )
    for document in documents:
        document.pdf_url = pdf_url(document)
    return documents


# --- pages ------------------------------------------------------------------------------------------


def issue_from_page(request, issue, pk, back):
    """Run an issue_* service for a page's "出具文书" button and go back with a message.

    Out of scope → 404 (the same answer as the page itself); no right to issue → 403; a refusal from
    the service (nothing to order, issuer without a short name…) → an error message on the page.
    """
    from django.contrib import messages
    from django.core.exceptions import ObjectDoesNotExist, ValidationError
    from django.http import Http404
    from django.shortcuts import redirect

    try:
        document = issue(request.user, pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(back)
    names = {"name": document.doc_type.name, "number": document.number}
    if getattr(document, "newly_issued", False):
        messages.success(request, _("已出具%(name)s，文号 %(number)s，PDF 正在生成。") % names)
    else:
        messages.info(request, _("该%(name)s已出具（%(number)s），不重复编号。") % names)
    return redirect(back)
