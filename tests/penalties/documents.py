"""Stand-in document sources for the penalty documents whose real source is not registered in this checkout.

The real sources live in cases/penalties/documents/ (registered from CasesConfig.ready()). A stand-in is added
only for a key nobody registered, and only for the duration of one test (``stand_in_sources`` fixture in
tests/penalties/conftest.py), so tests of the procedure can serve notices and decisions in any checkout; once every
real source is registered this adds nothing.
"""

from enforcement.documents.models import DEFAULT_PATTERN, DocumentType
from enforcement.documents.sources import _SOURCES, DocumentSource

# key: (name, type code, source model label) — penalties_contract.md.
CONTRACT = {
    "case_filing": ("立案审批表", "应急立", "step"),
    "interview_notice": ("询问通知书", "应急询", "step"),
    "interview_record": ("询问笔录", "", "step"),
    "scene_record": ("勘验笔录", "应急勘", "step"),
    "sampling_voucher": ("抽样取证凭证", "应急抽", "step"),
    "preservation_notice": ("先行登记保存证据通知书", "应急先保", "step"),
    "preservation_disposal": ("先行登记保存证据处理决定书", "应急先保处", "step"),
    "investigation_report": ("案件调查终结报告", "应急终报", "step"),
    "handling_approval": ("案件处理呈批表", "应急处呈", "step"),
    "legal_review": ("法制审核意见书", "应急审核", "step"),
    "collective_discussion": ("重大案件集体讨论记录", "应急罚集", "step"),
    "case_extension": ("案件延期审批表", "应急案延", "step"),
    "case_closing": ("结案审批表", "应急结", "step"),
    "penalty_notice": ("行政处罚告知书", "应急罚告", "party"),
    "hearing_rights_notice": ("听证告知书", "应急听告", "party"),
    "statement_record": ("陈述申辩笔录", "", "step"),
    "hearing_notice": ("听证会通知书", "应急听通", "step"),
    "hearing_record": ("听证笔录", "", "step"),
    "hearing_report": ("听证会报告书", "应急听报", "step"),
    "penalty_decision": ("行政处罚决定书", "应急罚", "party"),
    "no_penalty_decision": ("不予行政处罚决定书", "应急不罚", "party"),
    "summary_decision": ("当场处罚决定书", "应急罚当", "party"),
    "address_confirmation": ("送达地址确认书", "", "step"),
    "delivery_receipt": ("文书送达回执", "应急回", "case"),
    "payment_plan": ("延期（分期）缴纳罚款批准书", "应急延分", "step"),
    "payment_reminder": ("缴纳罚款催告书", "应急催", "step"),
    "surcharge_decision": ("加处罚款决定书", "应急加罚", "step"),
    "court_application": ("强制执行申请书", "应急强执", "step"),
}


def _rows(kind):
    from cases.penalties.models import CaseParty, PenaltyCase, StepRecord

    if kind == "case":

        def queryset(user, action):
            return PenaltyCase.objects.restrict(user, "view").select_related("organisation")

        return PenaltyCase, queryset, lambda row: row.organisation
    model = StepRecord if kind == "step" else CaseParty

    def queryset(user, action):
        return model.objects.filter(case__in=PenaltyCase.objects.restrict(user, "view")).select_related(
            "case__organisation"
        )

    return model, queryset, lambda row: row.case.organisation


def _context(row):
    from cases.penalties.models import CaseParty, PenaltyCase

    if isinstance(row, PenaltyCase):
        return {"deliveries": [d.pk for d in row.deliveries.all()]}
    if isinstance(row, CaseParty):
        return {
            "name": row.name,
            "proposed": [row.proposed_kinds, str(row.proposed_fine)],
            "decided": [row.decided_kinds, str(row.decided_fine), row.no_penalty],
        }
    return {"kind": row.kind, "data": row.data, "outcome": row.outcome}


def stand_ins():
    """{key: DocumentSource} for every contract key without a registered source (their DocumentType created)."""
    added = {}
    for key, (name, code, kind) in CONTRACT.items():
        if key in _SOURCES:
            continue
        pattern = DEFAULT_PATTERN if code else ""
        DocumentType.objects.get_or_create(
            key=key,
            defaults={"name": name, "type_code": code, "template": "documents/form.html", "number_pattern": pattern},
        )
        model, queryset, organisation_of = _rows(kind)
        added[key] = DocumentSource(
            doc_type_key=key,
            model=model,
            queryset=queryset,
            organisation_of=organisation_of,
            title=lambda row, name=name: name,
            build_context=_context,
            issue_action="view",
        )
    return added
