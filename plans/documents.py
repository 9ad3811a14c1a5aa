"""现场检查方案 (R-10) as an issued document, and the small helpers the inspection documents share.

Contexts are stored as JSON with the issued document (enforcement.documents): plain strings, numbers and
ISO dates only, so the PDF can be rendered again from the record alone.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.documents.models import IssuedDocument
from enforcement.documents.services import issue_document
from enforcement.orgs.models import EnforcementCertificate
from plans.models import CheckItem, PlanItem


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


# --- 现场检查方案 ------------------------------------------------------------------------------------


def onsite_check_items(item):
    """The plan item's check items, plus the principal person's duties (安全生产法 第21条) when included."""
    q = Q(pk__in=item.check_items.values("pk"))
    if item.include_principal_duties:
        q |= Q(principal_duty=True, sector__isnull=True, is_active=True)
    return CheckItem.objects.filter(q).select_related("sector").order_by("sector__sort_order", "sort_order", "pk")


def onsite_plan_context(item):
    plan = item.plan
    groups: dict = {}
    for check in onsite_check_items(item):
        groups.setdefault(check.category, []).append({"text": check.text, "basis": check.basis})
    # Certificates valid on the first day of the planned month: the officers named must be able to enforce then.
    on_date = max(timezone.localdate(), timezone.datetime(plan.year, item.planned_month, 1).date())
    return {
        "issuer_name": plan.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "plan_title": plan.title,
        "year": plan.year,
        "month": item.planned_month,
        "mode": item.get_mode_display(),
        "team": item.team,
        "enterprise": enterprise_context(item.enterprise),
        "sector": item.enterprise.sector.name if item.enterprise.sector_id else "",
        "supervision_class": item.enterprise.get_supervision_class_display(),
        "officers": officer_rows(item.officers.all(), on_date),
        "groups": [{"category": category, "items": items} for category, items in groups.items()],
        "notes": item.onsite_notes,
    }


def may_issue_onsite_plan(user, item):
    return user.organisation_id == item.plan.organisation_id and (
        user.has_perm("plans.change_planitem") or item.officers.filter(pk=user.pk).exists()
    )


def issue_onsite_plan(user, plan_item_id):
    """出具现场检查方案 for one plan item (一企一方案, R-10). Idempotent per plan item."""
    scoped = PlanItem.objects.restrict(user, "view").select_related("plan__organisation", "enterprise__sector")
    item = scoped.get(pk=plan_item_id)  # out of scope: DoesNotExist → 404
    if not may_issue_onsite_plan(user, item):
        raise PermissionDenied(_("您没有出具该现场检查方案的权限。"))
    return issue_once(
        user,
        scoped,
        plan_item_id,
        lambda i: i.plan.organisation,
        "onsite_plan",
        lambda i: _("%(name)s现场检查方案") % {"name": i.enterprise.name},
        onsite_plan_context,
    )


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
