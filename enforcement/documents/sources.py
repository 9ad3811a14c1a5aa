"""Documents issued for a business record (their source): the source's key, the document in force for it,
issuing one number per source, re-issuing a new version when the source's data changed, re-opening a voided
one, the context rows the domain apps' documents share, and the page glue of the document buttons.

The domain apps (plans, cases, supervision) describe each kind of source once, as a ``DocumentSource``
registered in their ``AppConfig.ready()``; this module imports none of them. Contexts are stored as JSON with
the issued document: plain strings, numbers and ISO dates only, so the PDF can be rendered again from the
record alone, and so a source's current context can be compared with the stored one.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.documents.models import IssuedDocument, content_hash
from enforcement.documents.services import issue_document, issue_new_version, may_void
from enforcement.orgs.models import EnforcementCertificate

Status = IssuedDocument.Status
# Context keys that change with the day of issue, not with the source's data.
VOLATILE_KEYS = ("issue_date",)
# Names of the context parts this module builds for every source (a source's own ``labels`` add the rest), for
# telling the user what changed since a document was issued.
SHARED_LABELS = {
    "enterprise": gettext_lazy("被检查单位信息"),
    "officers": gettext_lazy("执法人员及证号"),
    "issuer_name": gettext_lazy("发文机关名称"),
}


def source_key(obj) -> str:
    """ "app.model:pk", the issued document's link back to the business record."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}:{obj.pk}"


def same_organisation(user, source, organisation):
    if user.organisation_id != organisation.pk and not user.is_superuser:
        # A document carries the issuing bureau's number: only that bureau's people issue it.
        raise PermissionDenied(_("只能由本单位人员出具本单位的文书。"))


def _always_ready(source):
    return None


@dataclass(frozen=True)
class DocumentSource:
    """How one document type is issued from its business record.

    ``model`` is the source's model; ``queryset(user, action)`` — the source rows the user may reach
    (``model.objects.restrict(user, action)`` with what the context needs selected); ``issue_action`` is the
    action issuing needs ("change" for records the issuer edits, "view" where ``authorise`` checks more).
    ``check_ready(source)`` raises ValidationError while the step the document records is not finished;
    ``authorise(user, source, organisation)`` raises PermissionDenied; ``on_issued(source, document)`` lets the
    record point at its document (e.g. the guidance letter's FK); ``url(source)`` is the source's page;
    ``labels`` name the context's keys in Chinese, to say what changed; ``issuer_context(source, user)`` adds the
    keys that name the issuing person.
    """

    doc_type_key: str
    model: type
    queryset: Callable
    organisation_of: Callable
    title: Callable
    build_context: Callable
    check_ready: Callable = _always_ready
    authorise: Callable = same_organisation
    issue_action: str = "change"
    url: Callable | None = None
    on_issued: Callable | None = None
    volatile: tuple = field(default=VOLATILE_KEYS)
    # Keys naming the people who issue (签发人, 填报人): added at issue time from the issuing user, and listed in
    # ``volatile`` by the source, since they say who issued, not what the record holds.
    issuer_context: Callable | None = None
    labels: dict = field(default_factory=dict)

    def model_label(self):
        return self.model._meta.label_lower

    def not_ready(self, row):
        """The Chinese reason the source cannot issue yet, or ""."""
        try:
            self.check_ready(row)
        except ValidationError as exc:
            return " ".join(exc.messages)
        return ""


_SOURCES: dict[str, DocumentSource] = {}


def register_source(source: DocumentSource) -> None:
    """Called from a domain app's ``AppConfig.ready()``; the core never imports the app."""
    _SOURCES[source.doc_type_key] = source


def get_source(doc_type_key) -> DocumentSource:
    return _SOURCES[doc_type_key]


def registered_source(document) -> tuple[DocumentSource, int] | None:
    """The registered source description and the source row's pk for ``document``, or None (no source, or a
    document issued from another kind of record, e.g. a per-hazard opinion from before re-inspection visits)."""
    source = _SOURCES.get(document.doc_type.key)
    if source is None or ":" not in document.source_key:
        return None
    label, _sep, pk = document.source_key.rpartition(":")
    if label != source.model_label() or not pk.isdigit():
        return None
    return source, int(pk)


def current_document(key, doc_type_key):
    """The document in force for a source and type (neither superseded nor voided), or None."""
    return (
        IssuedDocument.objects.filter(source_key=key, doc_type__key=doc_type_key, status=Status.ISSUED)
        .select_related("doc_type")
        .order_by("-pk")
        .first()
    )


def first_version(document):
    """Version 1 of ``document``'s number: the day a document was first given is the first version's."""
    if document.version == 1:
        return document
    return IssuedDocument.objects.get(
        organisation_id=document.organisation_id,
        doc_type_id=document.doc_type_id,
        year=document.year,
        serial=document.serial,
        version=1,
    )


def issue_once(user, locked_queryset, pk, organisation_of, doc_type_key, title, build_context, on_issued=None):
    """Issue a document for one source record, or return the one in force.

    The source row is locked first, so two clicks on "出具文书" queue and the second finds the first's
    document: one number per source, never two. A voided document is not in force: the next one takes a
    new number.
    """
    with transaction.atomic():
        source = locked_queryset.select_for_update(of=("self",)).get(pk=pk)
        organisation = organisation_of(source)
        same_organisation(user, source, organisation)
        key = source_key(source)
        existing = current_document(key, doc_type_key)
        if existing is not None:
            existing.newly_issued = False
            return existing
        context = build_context(source)
        document = issue_document(user, organisation, doc_type_key, title(source), context, source_key=key)
        if on_issued is not None:
            on_issued(source, document)
        document.newly_issued = True
        return document


def _prepare(user, source, pk):
    """The source row for issuing, after the scope (404), permission (403) and readiness checks."""
    scoped = source.queryset(user, source.issue_action)
    row = scoped.get(pk=pk)  # out of scope → DoesNotExist → 404, before anything else
    source.authorise(user, row, source.organisation_of(row))
    source.check_ready(row)
    return scoped


def issue_for(user, doc_type_key, pk):
    """Issue the registered document type for source row ``pk`` (idempotent: returns the one in force)."""
    source = _SOURCES[doc_type_key]
    scoped = _prepare(user, source, pk)
    return issue_once(
        user,
        scoped,
        pk,
        source.organisation_of,
        doc_type_key,
        source.title,
        _checked(source, user),
        on_issued=source.on_issued,
    )


def _context_for(source, row, user):
    context = source.build_context(row)
    if source.issuer_context is not None:
        context.update(source.issuer_context(row, user))
    return context


def _checked(source, user):
    """build_context after the readiness check again, under the source's row lock."""

    def build(row):
        source.check_ready(row)
        return _context_for(source, row, user)

    return build


def _plain(context, volatile):
    # Compare as stored: through JSON, so dates, tuples and lazy strings look as they do in the database.
    plain = json.loads(json.dumps(context, ensure_ascii=False, default=str))
    return {k: v for k, v in plain.items() if k not in volatile}


def _comparable(context, volatile):
    return content_hash(_plain(context, volatile))


def changes(user, document):
    """What of the document differs from its source's current data, as Chinese labels ([] = nothing); None when
    it cannot be told (not in force, no registered source, source out of the user's reach or not buildable)."""
    if document.status != Status.ISSUED:
        return None
    found = registered_source(document)
    if found is None:
        return None
    source, pk = found
    row = source.queryset(user, "view").filter(pk=pk).first()
    if row is None:
        return None
    try:
        current = _plain(source.build_context(row), source.volatile)
    except ValidationError:
        return None
    stored = _plain(document.context, source.volatile)
    keys = sorted(k for k in current.keys() | stored.keys() if current.get(k) != stored.get(k))
    labels = {**SHARED_LABELS, **source.labels}
    return list(dict.fromkeys(str(labels.get(k, _("其他内容"))) for k in keys))


def is_stale(user, document):
    """True if the source's current data would give the document another content, False if not, None if it
    cannot be told (see ``changes``)."""
    found = changes(user, document)
    return None if found is None else bool(found)


def reissue(user, document_id, reason):
    """重新出具: version n+1 of a document in force, from its source's current data, with the reason.

    Refused when the data did not change (a new version must say something new) or the source is not ready.
    """
    document = IssuedDocument.objects.restrict(user, "view").select_related("doc_type").get(pk=document_id)
    found = registered_source(document)
    if found is None:
        raise ValidationError(_("该文书没有可重新取数的业务记录，不能重新出具。"))
    source, pk = found
    with transaction.atomic():
        scoped = _prepare(user, source, pk)
        row = scoped.select_for_update(of=("self",)).get(pk=pk)
        context = _context_for(source, row, user)
        if _comparable(context, source.volatile) == _comparable(document.context, source.volatile):
            raise ValidationError(_("文书内容与当前数据一致，无需重新出具。"))
        new = issue_new_version(user, document.pk, context, reason, title=source.title(row))
        if source.on_issued is not None:
            source.on_issued(row, new)
    return new


def reopen(user, document_id):
    """重开: after a document was voided, its source issues a fresh document with a new number."""
    document = IssuedDocument.objects.restrict(user, "view").select_related("doc_type").get(pk=document_id)
    if document.status != Status.VOIDED:
        raise ValidationError(_("只有已作废的文书可以重开。"))
    found = registered_source(document)
    if found is None:
        raise ValidationError(_("该文书没有可重新取数的业务记录，请在业务页面重新出具。"))
    source, pk = found
    return issue_for(user, source.doc_type_key, pk)


def source_url(user, document):
    """The page of the document's source record, if the user can see it."""
    found = registered_source(document)
    if found is None or found[0].url is None:
        return ""
    source, pk = found
    row = source.queryset(user, "view").filter(pk=pk).first()
    return source.url(row) if row is not None else ""


def may_reissue(user, document):
    """Whether the user may re-issue or re-open for this document's source (without raising)."""
    found = registered_source(document)
    if found is None:
        return False
    source, pk = found
    row = source.queryset(user, source.issue_action).filter(pk=pk).first()
    if row is None:
        return False
    try:
        source.authorise(user, row, source.organisation_of(row))
    except PermissionDenied:
        return False
    return True


# --- context rows ----------------------------------------------------------------------------------


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


# --- pages ------------------------------------------------------------------------------------------


def pdf_url(document):
    try:
        return reverse("documents:pdf", args=[document.pk])
    except NoReverseMatch:
        return f"/documents/{document.pk}/pdf/"


def documents_for(user, keys, states=True):
    """Issued documents of these sources the user may see, newest first, with their PDF links.

    With ``states``, each document in force also says whether its source's data changed since (``stale``)
    and what the user may do with it (``may_void``, ``may_reissue``): a few queries per document in force,
    which a source page has one or two of.
    """
    documents = list(
        IssuedDocument.objects.restrict(user, "view")
        .filter(source_key__in=list(keys))
        .select_related("doc_type", "replaces", "voided_by", "issued_by")
        .order_by("-issued_at", "-pk")
    )
    for document in documents:
        document.pdf_url = pdf_url(document)
        document.changes = changes(user, document) if states else None
        document.stale = bool(document.changes)
        document.may_void = states and may_void(user, document)
        document.may_reissue = bool(document.stale) and may_reissue(user, document)
    return documents


def issue_from_page(request, issue, pk, back):
    """Run an issue_* service for a page's "出具文书" button and go back with a message.

    Out of scope → 404 (the same answer as the page itself); no right to issue → 403; a refusal from
    the service (step not finished, nothing to order, issuer without a short name…) → an error message.
    """
    from django.contrib import messages
    from django.core.exceptions import ObjectDoesNotExist
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
