"""Documents from filing to review and discussion, extension and closing: one ``DocumentSource`` per document type,
each issued from one StepRecord of its kind (see the contract's table), registered from ``CasesConfig.ready()``.

A record is reached through its case: ``StepRecord.objects.filter(case__in=PenaltyCase.objects.restrict(...))``
(out of scope → DoesNotExist → 404). Only people of the case's own organisation issue, and only those whose role
acts in that step (officers record, leaders approve, legal reviewers review). ``check_ready`` refuses a document
whose step is not finished: an approval form before the approval was given, a disposal decision for another
case's preservation, a handling form without a proposed penalty.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.penalties.documents.context import (
    OUTCOME,
    PROPOSED,
    VIOLATIONS,
    approval_box,
    case_context,
    check_box,
    iso,
    local_day,
    moment_text,
    parties_context,
    person_names,
    time_text,
)
from cases.penalties.models import Deadline, PenaltyCase, StepRecord
from enforcement.documents.sources import (
    DocumentSource,
    current_document,
    officer_rows,
    register_source,
    same_organisation,
    source_key,
)
from enforcement.rules.keys import RuleKey
from enforcement.rules.values import rule_value
from enforcement.workdays.deadlines import Unit, compute_due

K = StepRecord.Kind
HANDLE, APPROVE, REVIEW = "cases.change_penaltycase", "cases.approve_penaltycase", "cases.review_penaltycase"

# 行政复议法 第20条 (60 days) / 行政诉讼法 第46条 (6 months): the rights notice a decision on the party carries.
REVIEW_DAYS = 60
LAWSUIT_MONTHS = 6

LABELS = {
    "case": gettext_lazy("案件信息"),
    "parties": gettext_lazy("当事人及违法行为"),
    "data": gettext_lazy("环节记录内容"),
    "occurred_on": gettext_lazy("日期"),
    "people": gettext_lazy("记录人、主持人等人员"),
    "approval": gettext_lazy("审批意见"),
    "check": gettext_lazy("审核意见"),
    "handler": gettext_lazy("承办人意见"),
    "party": gettext_lazy("当事人"),
    "preservation": gettext_lazy("先行登记保存情况"),
    "disposal_due": gettext_lazy("处理决定期限"),
    "deadline": gettext_lazy("办案期限"),
    "reviewer": gettext_lazy("法制审核人员"),
}


def _records(kind):
    def queryset(user, action):
        cases = PenaltyCase.objects.restrict(user, action)
        return (
            StepRecord.objects.filter(kind=kind, case__in=cases)
            .select_related("case__organisation", "party", "recorded_by")
            .prefetch_related("officers")
        )

    return queryset


def _may_act(*perms):
    """Issue only within the case's organisation, and only a person whose role acts in the step."""

    def authorise(user, record, organisation):
        same_organisation(user, record, organisation)
        if user.is_superuser or any(user.has_role_perm(perm) for perm in perms):
            return
        raise PermissionDenied(_("您的角色不能出具该文书。"))

    return authorise


def _title(name):
    def title(record):
        cause = record.case.cause
        return f"{cause[:150]}{name}"

    return title


def _officers(record):
    officers = list(record.officers.all()) or list(record.case.officers.all())
    return officer_rows(officers, record.occurred_on)


def _base(record, parts=(), **extra):
    """What every document of a step states: issuer, day of issue, the case, its parties (with the ``parts`` the
    document prints: violations, proposed penalty, outcome), the step's data."""
    case = record.case
    data = dict(record.data or {})
    return {
        "issuer_name": case.organisation.name,
        "issue_date": timezone.localdate().isoformat(),
        "case": case_context(case),
        "parties": parties_context(case, parts),
        "occurred_on": iso(record.occurred_on),
        "officers": _officers(record),
        "data": data,
        "time_text": time_text(data),
        **extra,
    }


def _party(record):
    """The party a record concerns (an interview notice to the unit), or the case's first party."""
    party = record.party or record.case.parties.order_by("id").first()
    return party.name if party else ""


def _handler(record):
    data = record.data or {}
    return {
        "opinion": data.get("handler_opinion", ""),
        "names": [o["name"] for o in _officers(record)],
        "date": iso(record.occurred_on),
    }


def _source(key, kind, name, build, *, perms=(HANDLE,), check=None):
    return DocumentSource(
        doc_type_key=key,
        model=StepRecord,
        queryset=_records(kind),
        organisation_of=lambda record: record.case.organisation,
        title=_title(name),
        build_context=build,
        check_ready=check or _not_replaced,
        authorise=_may_act(*perms),
        issue_action="view",
        labels=LABELS,
    )


def _not_replaced(record):
    if StepRecord.objects.filter(replaces=record).exists():
        raise ValidationError(_("该记录已被更正，请从更正后的记录出具文书。"))


def _needs_parties(record):
    _not_replaced(record)
    if not record.case.parties.exists():
        raise ValidationError(_("案件尚未登记当事人，无法出具该文书。"))


def _approved(transitions, approving=(), what=""):
    """check_ready of an approval form: the approval (or refusal) must have been given."""

    def check(record):
        _not_replaced(record)
        if not approval_box(record, transitions, approving)["given"]:
            raise ValidationError(_("%(what)s尚未审批，审批后方可出具。") % {"what": what})

    return check


def _approval_form(
    key, kind, name, what, *, transitions=(), approving=(), opinion="handler_opinion", extra=None, ready=None, parts=()
):
    """An approval form (立案审批表, 案件处理呈批表, 案件延期审批表, 结案审批表): the step's content (``extra``), the
    承办人 box with the field ``opinion`` of the record, the 审核 box, and the 审批 box from the history's
    ``transitions`` (``approving`` those that approve) or, without any, from the record's outcome. Issued only once
    the approval was given, after the step's own ``ready`` check."""
    approved = _approved(transitions, approving, what)

    def build(record):
        data = record.data or {}
        return _base(
            record,
            parts,
            handler={**_handler(record), "opinion": data.get(opinion, "")},
            check=check_box(data),
            approval=approval_box(record, transitions, approving),
            **(extra(record) if extra else {}),
        )

    def check(record):
        if ready is not None:
            ready(record)
        approved(record)

    return _source(key, kind, name, build, perms=(APPROVE, HANDLE), check=check)


# --- 立案审批表 ---------------------------------------------------------------------------------------------


def _filing_content(record):
    data, case = record.data or {}, record.case
    # Registered with the case when it was opened: the source day and its facts, unless the filing form says.
    return {
        "source_on": data.get("source_on") or local_day(case.created_at),
        "summary": data.get("summary") or case.facts,
    }


CASE_FILING = _approval_form(
    "case_filing",
    K.FILING,
    "立案审批表",
    gettext_lazy("立案"),
    transitions=("approve_filing", "refuse_filing"),
    approving=("approve_filing",),
    extra=_filing_content,
)


# --- 询问通知书、询问笔录、勘验笔录、抽样取证凭证 --------------------------------------------------------------------


def interview_notice_context(record):
    data = record.data or {}
    return _base(record, party=data.get("addressee") or _party(record), appear_text=moment_text(data.get("appear_at")))


def _check_addressee(record):
    _not_replaced(record)
    if not (record.data or {}).get("addressee") and not _party(record):
        raise ValidationError(_("询问通知书须写明被通知人：请填写被通知人或先登记当事人。"))


def _people(record, *keys):
    data = record.data or {}
    return dict(zip(keys, person_names(*(data.get(k) for k in keys)), strict=True))


def interview_record_context(record):
    return _base(record, people=_people(record, "recorder"))


def scene_record_context(record):
    return _base(record, people=_people(record, "recorder"), party=_party(record))


def sampling_voucher_context(record):
    party = record.party or record.case.parties.order_by("id").first()
    return _base(
        record,
        party=party.name if party else "",
        party_address=party.address if party else "",
        party_phone=party.phone if party else "",
    )


INTERVIEW_NOTICE = _source(
    "interview_notice", K.INTERVIEW_NOTICE, "询问通知书", interview_notice_context, check=_check_addressee
)
INTERVIEW_RECORD = _source("interview_record", K.INTERVIEW, "询问笔录", interview_record_context)
SCENE_RECORD = _source("scene_record", K.SCENE, "勘验笔录", scene_record_context)
SAMPLING_VOUCHER = _source(
    "sampling_voucher", K.SAMPLING, "抽样取证凭证", sampling_voucher_context, check=_needs_parties
)


# --- 先行登记保存 ---------------------------------------------------------------------------------------------


def disposal_due(record):
    """When the disposal decision is due (行政处罚法 第56条: 7 days, working days by 第85条), computed from the same
    rule and calendar as the case's deadline — at issue time, since the deadline row is written after the notice."""
    value = rule_value(RuleKey.PRESERVATION_DISPOSAL_WORKING_DAYS, record.occurred_on, record.case.organisation)
    computed = compute_due(record.occurred_on, value.as_int(), Unit.WORKING_DAYS)
    return {"day": computed.day.isoformat(), "count": value.as_int(), "warning": computed.warning}


def preservation_notice_context(record):
    return _base(
        record,
        party=_party(record),
        people=_people(record, "approved_by"),
        disposal_due=disposal_due(record),
    )


def _preservation_of(record):
    pk = (record.data or {}).get("preservation")
    return StepRecord.objects.filter(pk=pk, case_id=record.case_id, kind=K.PRESERVATION).first() if pk else None


def preservation_disposal_context(record):
    preservation = _preservation_of(record)
    notice = current_document(source_key(preservation), "preservation_notice") if preservation else None
    return _base(
        record,
        party=_party(record),
        preservation={
            "date": iso(preservation.occurred_on) if preservation else "",
            "number": notice.number if notice else "",
            "items": (preservation.data or {}).get("items", []) if preservation else [],
        },
        review_days=REVIEW_DAYS,
        lawsuit_months=LAWSUIT_MONTHS,
    )


def _check_disposal(record):
    _not_replaced(record)
    preservation = _preservation_of(record)
    if preservation is None:
        raise ValidationError(_("所选先行登记保存记录不属于本案件。"))
    if current_document(source_key(preservation), "preservation_notice") is None:
        raise ValidationError(_("请先出具该先行登记保存证据通知书，再作出处理决定。"))


PRESERVATION_NOTICE = _source(
    "preservation_notice",
    K.PRESERVATION,
    "先行登记保存证据通知书",
    preservation_notice_context,
    check=_needs_parties,
)
PRESERVATION_DISPOSAL = _source(
    "preservation_disposal",
    K.PRESERVATION_DISPOSAL,
    "先行登记保存证据处理决定书",
    preservation_disposal_context,
    check=_check_disposal,
)


# --- 案件调查终结报告、案件处理呈批表、法制审核意见书、集体讨论记录 -------------------------------------------------


def investigation_report_context(record):
    # The penalties are proposed after the report: it states the violations, and its own proposal in words.
    return _base(record, (VIOLATIONS,))


def _check_violations(record):
    _needs_parties(record)
    if not record.case.parties.filter(violations__isnull=False).exists():
        raise ValidationError(_("案件尚未登记违法行为及其法律依据，无法出具该文书。"))


def _check_handling(record):
    _check_violations(record)
    undecided = [p.name for p in record.case.parties.all() if not (p.proposed_kinds or p.proposed_text or p.no_penalty)]
    if undecided:
        raise ValidationError(_("当事人%(names)s尚未拟定处罚意见。") % {"names": "、".join(undecided)})


def _review_passed(record):
    # 行政处罚法 第58条: no decision where the review did not pass; the record's outcome says, else its conclusion.
    if record.outcome:
        return record.outcome == StepRecord.Outcome.APPROVED
    return (record.data or {}).get("conclusion") == "agree"


def legal_review_context(record):
    case = record.case
    reviewer = record.recorded_by
    return _base(
        record,
        (VIOLATIONS, PROPOSED),
        reviewer=reviewer.full_name or reviewer.username,
        passed=_review_passed(record),
        review_reason=_("重大复杂案件") if case.is_major else "",
    )


def collective_discussion_context(record):
    return _base(record, people=_people(record, "chair", "reporter", "recorder"))


# The report may find no violation (the case is then withdrawn): it needs the parties, not their violations.
INVESTIGATION_REPORT = _source(
    "investigation_report", K.REPORT, "案件调查终结报告", investigation_report_context, check=_needs_parties
)
HANDLING_APPROVAL = _approval_form(
    "handling_approval",
    K.HANDLING,
    "案件处理呈批表",
    gettext_lazy("案件处理"),
    transitions=("approve_handling", "return_for_investigation"),
    approving=("approve_handling",),
    ready=_check_handling,
    parts=(VIOLATIONS, PROPOSED),
)
LEGAL_REVIEW = _source(
    "legal_review", K.REVIEW, "法制审核意见书", legal_review_context, perms=(REVIEW,), check=_check_violations
)
COLLECTIVE_DISCUSSION = _source(
    "collective_discussion",
    K.DISCUSSION,
    "重大案件集体讨论记录",
    collective_discussion_context,
    perms=(APPROVE, HANDLE),
    check=_needs_parties,
)


# --- 案件延期审批表、结案审批表 ---------------------------------------------------------------------------------


def decision_deadline(record):
    """The decision limit before and after the extension (行政处罚法 第60条; the sector rule's extension): the one in
    force when the extension was recorded, and the new total counted in calendar days from 立案 (第85条: a limit
    ending on a rest day runs to the next working day) — stable before and after the service stores the new row."""
    case = record.case
    before = (
        Deadline.objects.filter(case_id=case.pk, kind=Deadline.Kind.DECISION, created_at__lte=record.recorded_at)
        .order_by("-created_at", "-id")
        .first()
    )
    days = (record.data or {}).get("days")
    extended = compute_due(case.filed_on, int(days), Unit.CALENDAR_DAYS) if case.filed_on and days else None
    return {
        "original": iso(before.due_on) if before else "",
        "extended": extended.day.isoformat() if extended else "",
        "warning": extended.warning if extended else "",
    }


CASE_EXTENSION = _approval_form(
    "case_extension",
    K.EXTENSION,
    "案件延期审批表",
    gettext_lazy("案件延期"),
    opinion="reason",
    extra=lambda record: {"deadline": decision_deadline(record)},
)
CASE_CLOSING = _approval_form(
    "case_closing",
    K.CLOSING,
    "结案审批表",
    gettext_lazy("结案"),
    transitions=("approve_closing", "refuse_closing"),
    approving=("approve_closing",),
    opinion="execution",
    parts=(OUTCOME,),
)

SOURCES = (
    CASE_FILING,
    INTERVIEW_NOTICE,
    INTERVIEW_RECORD,
    SCENE_RECORD,
    SAMPLING_VOUCHER,
    PRESERVATION_NOTICE,
    PRESERVATION_DISPOSAL,
    INVESTIGATION_REPORT,
    HANDLING_APPROVAL,
    LEGAL_REVIEW,
    COLLECTIVE_DISCUSSION,
    CASE_EXTENSION,
    CASE_CLOSING,
)


def register_sources():
    for source in SOURCES:
        register_source(source)
