"""执法指导意见书 (R-42) as a registered document source: the letter is the record, its document the paper.

``issue_letter`` (services) creates the letter and its first document in one transaction; through the source
registered here, enforcement.documents re-opens a voided letter's document with a new number and points the
letter at it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.documents.sources import DocumentSource, register_source
from supervision.guidance.models import GuidanceLetter, GuidanceVisit


def letter_context(letter):
    visit = letter.visit
    return {
        "county_name": visit.county.name,
        "issuer_name": visit.city.name,
        "visit_date": visit.visit_date.isoformat(),
        "findings": letter.findings,
        "report_deadline": letter.report_deadline.isoformat(),
        "contact_name": letter.contact_name,
        "contact_phone": letter.contact_phone,
        "issue_date": timezone.localdate().isoformat(),
    }


def letter_title(letter):
    return _("%(county)s安全生产执法指导意见书") % {"county": letter.visit.county.name}


def check_visit_completed(visit):
    # the letter states what the finished visit found; an unfinished checklist may still change it.
    if visit.status != GuidanceVisit.Status.COMPLETED:
        raise ValidationError(_("指导完成后方可下达执法指导意见书。"))


def _authorise(user, letter, organisation):
    if not user.has_perm("supervision.issue_guidanceletter") or user.organisation_id != organisation.pk:
        raise PermissionDenied(_("只有市应急管理局可以下达执法指导意见书。"))


def _point_letter_at(letter, document):
    letter.document = document
    letter.save(update_fields=["document"])


GUIDANCE_LETTER = DocumentSource(
    doc_type_key="guidance_letter",
    model=GuidanceLetter,
    queryset=lambda user, action: GuidanceLetter.objects.restrict(user, action).select_related(
        "visit__county", "visit__city"
    ),
    organisation_of=lambda letter: letter.visit.city,
    title=letter_title,
    build_context=letter_context,
    check_ready=lambda letter: check_visit_completed(letter.visit),
    authorise=_authorise,
    issue_action="view",
    url=lambda letter: reverse("supervision:guidance_letter", args=[letter.pk]),
    on_issued=_point_letter_at,
)


def register_sources():
    """Called from SupervisionConfig.ready()."""
    register_source(GUIDANCE_LETTER)
