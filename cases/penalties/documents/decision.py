"""Documents from the notice to execution, the summary procedure and 不予处罚 (owned by the docs2 work).

One ``DocumentSource`` per document type (keys and source models: /work/briefs/penalties_contract.md):
- per party (CaseParty): 行政处罚告知书, 听证告知书, 行政处罚决定书, 不予行政处罚决定书, 当场处罚决定书 — unit and
  individual variants are one type whose template switches on the party's kind;
- per step (StepRecord of its kind): 陈述申辩笔录, 听证会通知书, 听证笔录, 听证会报告书, 送达地址确认书,
  延期（分期）缴纳罚款批准书, 缴纳罚款催告书, 加处罚款决定书, 强制执行申请书;
- per case (PenaltyCase): the one 文书送达回执 with a row per Delivery, re-issued as a new version as rows are added.

Rows are fetched through ``PenaltyCase.objects.restrict`` (out of scope → DoesNotExist → 404); ``check_ready``
refuses a document whose step is not finished, in Chinese, naming the article where the law makes the rule.
"""

import dataclasses
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# 行政复议法 第20条: 60 days; 行政诉讼法 第46条: 6 months (domain §3.1) — one pair for every rights notice.
from cases.inspections.documents import LAWSUIT_MONTHS, REVIEW_DAYS
from cases.penalties import gates
from cases.penalties.documents.context import case_context, iso, party_context, person_names
from cases.penalties.documents.issuer import issuer_details
from cases.penalties.documents.party_context import (
    articles,
    decision_reference,
    evidence_rows,
    figures,
    penalty_words,
    rmb_capitals,
)
from cases.penalties.models import CaseParty, Delivery, PenaltyCase, StepRecord
from enforcement.documents.sources import (
    DocumentSource,
    current_document,
    issue_for,
    officer_rows,
    register_source,
    reissue,
    same_organisation,
    source_key,
)
from enforcement.rules.keys import RuleKey
from enforcement.rules.values import rule_value

State = PenaltyCase.State
# States before the handling was approved (and reviewed and discussed where required): no notice yet.
BEFORE_NOTICE = {
    State.FILING,
    State.INVESTIGATING,
    State.REPORTED,
    State.HANDLING,
    State.REVIEWING,
    State.DISCUSSING,
    State.NOT_FILED,
    State.TERMINATED,
}

LABELS = {
    "party": gettext_lazy("当事人信息"),
    "violations": gettext_lazy("违法事实及依据"),
    "articles_breached": gettext_lazy("违法事实及依据"),
    "articles_punishing": gettext_lazy("违法事实及依据"),
    "evidence": gettext_lazy("证据"),
    "penalty": gettext_lazy("处罚内容"),
    "hearing": gettext_lazy("听证权利"),
    "statement_days": gettext_lazy("陈述申辩期限"),
    "hearing_days": gettext_lazy("听证申请期限"),
    "bank": gettext_lazy("缴款银行及账户"),
    "details": gettext_lazy("发文机关联系信息"),
    "data": gettext_lazy("记录内容"),
    "people": gettext_lazy("参加人员"),
    "deliveries": gettext_lazy("送达记录"),
    "instalments": gettext_lazy("分期（延期）缴纳安排"),
    "decision": gettext_lazy("处罚决定书"),
    "decided_on": gettext_lazy("决定日期"),
    "occurred_on": gettext_lazy("日期"),
    "reason": gettext_lazy("不予处罚理由"),
}


def _today():
    return timezone.localdate()


def _rule(key, on, organisation):
    """The rule's value and article on ``on`` for the issuing organisation (enforcement.rules)."""
    value = rule_value(key, on, organisation)
    return {"value": value.as_int(), "article": value.article, "warning": value.warning}


def _case_scope(user, action):
    return PenaltyCase.objects.restrict(user, action)


# --- per party --------------------------------------------------------------------------------------------


def _party_queryset(user, action):
    return CaseParty.objects.filter(case__in=_case_scope(user, action)).select_related(
        "case__organisation", "decision", "notice"
    )


def _cited_case(case):
    """The case as these documents name it, and the issuing bureau."""
    return {**case_context(case), "issuer_name": case.organisation.name}


def _base_party_context(party):
    case = party.case
    shown = party_context(party)
    violations = shown["violations"]
    return {
        **_cited_case(case),
        "issue_date": iso(_today()),
        "party": shown,
        "violations": violations,
        "articles_breached": articles(violations, "article_breached"),
        "articles_punishing": articles(violations, "article_punishing"),
        "evidence": evidence_rows(case),
        "details": issuer_details(case.organisation),
        "review_days": REVIEW_DAYS,
        "lawsuit_months": LAWSUIT_MONTHS,
    }


def _require_violations(party):
    if not party.violations.exists():
        raise ValidationError(_("当事人“%(name)s”尚未登记违法行为，不能出具文书。") % {"name": party.name})


def check_notice_ready(party):
    # 行政处罚法 第44条: the notice states the proposed penalty, its facts, reasons and basis.
    if party.case.is_summary:
        raise ValidationError(_("简易程序案件当场作出决定，不出具行政处罚告知书。"))
    if party.case.state in BEFORE_NOTICE:
        raise ValidationError(_("案件尚未完成处理审批（及法制审核、集体讨论），不能出具行政处罚告知书。"))
    _require_violations(party)
    if not party.proposed_kinds:
        raise ValidationError(_("当事人“%(name)s”尚无拟处罚内容，不能出具告知书。") % {"name": party.name})


def notice_context(party):
    case = party.case
    on = _today()
    context = _base_party_context(party)
    context.update(
        {
            "penalty": penalty_words(
                party.proposed_kinds, party.proposed_fine, party.proposed_confiscation, party.proposed_text
            ),
            # 行政处罚法 第44、45条: the statement window is configuration (the 2021 law sets none).
            "statement_days": _rule(RuleKey.STATEMENT_WINDOW_WORKING_DAYS, on, case.organisation),
            # 行政处罚法 第63、64条: hearing on request within 5 working days of the notice, where it applies.
            "hearing": case.hearing_applicable,
            "hearing_days": _rule(RuleKey.HEARING_REQUEST_WORKING_DAYS, on, case.organisation),
        }
    )
    return context


def check_hearing_rights_ready(party):
    check_notice_ready(party)
    if not party.case.hearing_applicable:
        raise ValidationError(_("本案拟作出的处罚不属于听证范围（行政处罚法 第六十三条），无需出具听证告知书。"))


def _link(field):
    def on_issued(row, document):
        type(row).objects.filter(pk=row.pk).update(**{field: document})
        setattr(row, field, document)

    return on_issued


def _party_source(key, name, build, check, link=None):
    """A document of one party (unit and individual variants in one type); ``link`` is the CaseParty field that
    points at the document in force (the notice, the decision)."""
    return DocumentSource(
        doc_type_key=key,
        model=CaseParty,
        queryset=_party_queryset,
        organisation_of=lambda p: p.case.organisation,
        title=lambda party: _("%(party)s%(name)s") % {"party": party.name, "name": name},
        build_context=build,
        check_ready=check,
        on_issued=_link(link) if link else None,
        labels=LABELS,
    )


PENALTY_NOTICE = _party_source(
    "penalty_notice", gettext_lazy("行政处罚告知书"), notice_context, check_notice_ready, link="notice"
)

HEARING_RIGHTS_NOTICE = _party_source(
    "hearing_rights_notice", gettext_lazy("行政处罚听证告知书"), notice_context, check_hearing_rights_ready
)


def _decided_context(party):
    case = party.case
    on = party.decided_on or _today()
    context = _base_party_context(party)
    context.update(
        {
            "decided_on": iso(party.decided_on),
            "penalty": penalty_words(
                party.decided_kinds, party.decided_fine, party.decided_confiscation, party.decided_text
            ),
            "has_fine": party.decided_fine is not None and "fine" in (party.decided_kinds or []),
            "fine": figures(party.decided_fine),
            "fine_words": rmb_capitals(party.decided_fine) if party.decided_fine is not None else "",
            # 行政处罚法 第67条: paid within 15 days of receipt; 第72条: +3 % a day, never more than the fine.
            "payment_days": _rule(RuleKey.PAYMENT_DAYS, on, case.organisation),
            "surcharge_percent": _rule(RuleKey.SURCHARGE_RATE_PERCENT, on, case.organisation),
        }
    )
    return context


def check_decision_ready(party):
    # 行政处罚法 第59条: the decision states the penalty decided; 第33条 no-penalty has its own document.
    if party.case.is_summary:
        raise ValidationError(_("简易程序案件出具当场处罚决定书。"))
    if party.no_penalty:
        raise ValidationError(_("当事人“%(name)s”决定不予行政处罚，应出具不予行政处罚决定书。") % {"name": party.name})
    _require_violations(party)
    if not party.decided_kinds or not party.decided_on:
        raise ValidationError(_("当事人“%(name)s”尚未作出处罚决定，不能出具决定书。") % {"name": party.name})


def decision_context(party):
    context = _decided_context(party)
    context["officers"] = officer_rows(party.case.officers.all(), party.decided_on)
    return context


PENALTY_DECISION = _party_source(
    "penalty_decision", gettext_lazy("行政处罚决定书"), decision_context, check_decision_ready, link="decision"
)


def check_no_penalty_ready(party):
    # 行政处罚法 第33条: 不予行政处罚 is decided with its reason.
    if not party.no_penalty or not party.no_penalty_reason.strip():
        raise ValidationError(_("当事人“%(name)s”尚未决定不予行政处罚（或未填写理由）。") % {"name": party.name})
    _require_violations(party)


def no_penalty_context(party):
    context = _base_party_context(party)
    context.update({"decided_on": iso(party.decided_on), "reason": party.no_penalty_reason})
    return context


NO_PENALTY_DECISION = _party_source(
    "no_penalty_decision",
    gettext_lazy("不予行政处罚决定书"),
    no_penalty_context,
    check_no_penalty_ready,
    link="decision",
)


def check_summary_ready(party):
    # 行政处罚法 第51–52条: decided on the spot, in the summary procedure only.
    if not party.case.is_summary:
        raise ValidationError(_("一般程序案件不出具当场处罚决定书。"))
    _require_violations(party)
    if not party.decided_kinds or not party.decided_on:
        raise ValidationError(_("尚未当场作出处罚决定，不能出具当场处罚决定书。"))


def summary_context(party):
    context = decision_context(party)
    # 行政处罚法 第68条: a fine of ≤ 100 yuan (or one hard to collect later) may be collected on the spot.
    context["paid_on_the_spot"] = party.payments.filter(paid_on=party.decided_on).exists()
    return context


SUMMARY_DECISION = _party_source(
    "summary_decision", gettext_lazy("当场处罚决定书"), summary_context, check_summary_ready, link="decision"
)


# --- per step record -----------------------------------------------------------------------------------


def _record_queryset(kind):
    def queryset(user, action):
        return (
            StepRecord.objects.filter(kind=kind, case__in=_case_scope(user, action))
            .select_related("case__organisation", "party__decision", "document")
            .prefetch_related("officers")
        )

    return queryset


def _record_context(record, people=()):
    """What every step document prints: the case, the party (if the step is a party's), the record's fields with
    the named people resolved, its date and officers with their certificates on that day."""
    case = record.case
    data = dict(record.data)
    for key, name in zip(people, person_names(*(data.get(key) for key in people)), strict=True):
        data[f"{key}_name"] = name
    context = {
        **_cited_case(case),
        "issue_date": iso(_today()),
        "occurred_on": iso(record.occurred_on),
        "data": data,
        "officers": officer_rows(record.officers.all(), record.occurred_on),
        "details": issuer_details(case.organisation),
        "review_days": REVIEW_DAYS,
        "lawsuit_months": LAWSUIT_MONTHS,
    }
    if record.party_id:
        context["party"] = party_context(record.party)
        context["decision"] = decision_reference(record.party)
    return context


def _require_data(record):
    if not record.data:
        raise ValidationError(_("该环节记录尚未填写内容，不能出具文书。"))


def _require_decision(record):
    _require_data(record)
    party = record.party
    if party is None or not party.decision_id or not party.decided_on:
        raise ValidationError(_("当事人的行政处罚决定书尚未出具，不能出具本文书。"))


def _step_source(key, kind, name, build=None, check=_require_data, people=()):
    return DocumentSource(
        doc_type_key=key,
        model=StepRecord,
        queryset=_record_queryset(kind),
        organisation_of=lambda r: r.case.organisation,
        title=lambda r: _("%(cause)s%(name)s") % {"cause": r.case.cause, "name": name},
        build_context=build or (lambda r: _record_context(r, people)),
        check_ready=check,
        on_issued=_link("document"),
        labels=LABELS,
    )


PANEL = ("chair", "member1", "member2", "clerk")
# The hearing notice names its chair ``chair_id``, as services.schedule_hearing stores it.
NOTICE_PANEL = ("chair_id", "member1", "member2", "clerk")


def _approver(user, record, organisation):
    same_organisation(user, record, organisation)
    perms = ("cases.approve_penaltycase", "cases.change_penaltycase")
    if not (user.is_superuser or any(user.has_role_perm(perm) for perm in perms)):
        raise PermissionDenied(_("您的角色不能出具该文书。"))


def payment_plan_context(record):
    context = _record_context(record)
    rows = list(record.instalments.order_by("number"))
    context["instalments"] = [
        {"number": i.number, "due_on": iso(i.due_on), "amount": figures(i.amount), "words": rmb_capitals(i.amount)}
        for i in rows
    ]
    context["deferred"] = len(rows) == 1
    context["surcharge_percent"] = _rule(RuleKey.SURCHARGE_RATE_PERCENT, record.occurred_on, record.case.organisation)
    return context


def check_payment_plan_ready(record):
    # 行政处罚法 第66条第2款: deferral or instalments on the party's application, with the agency's approval.
    _require_decision(record)
    if not record.instalments.exists():
        raise ValidationError(_("尚未确定延期（分期）缴纳的日期和金额。"))


def reminder_context(record):
    context = _record_context(record)
    context["surcharge_percent"] = _rule(RuleKey.SURCHARGE_RATE_PERCENT, record.occurred_on, record.case.organisation)
    return context


def surcharge_context(record):
    context = _record_context(record)
    amount = record.data.get("amount")
    context["amount"] = figures(amount) if amount not in (None, "") else ""
    context["amount_words"] = rmb_capitals(amount) if amount not in (None, "") else ""
    return context


def check_surcharge_ready(record):
    from decimal import Decimal

    _require_decision(record)
    fine = record.party.decided_fine
    # 行政处罚法 第72条第1项 / 行政强制法 第45条第2款: the surcharge never exceeds the fine.
    if fine is None or Decimal(str(record.data.get("amount") or 0)) > fine:
        raise ValidationError(_("加处罚款的数额不得超出罚款数额（行政处罚法 第七十二条、行政强制法 第四十五条）。"))


def hearing_notice_context(record):
    context = _record_context(record, NOTICE_PANEL)
    # Addressed to whoever asked for the hearing (行政处罚法 第64条第1项), unless the record names them.
    requested = record.case.parties.filter(hearing_requested_on__isnull=False).order_by("id")
    context["applicant"] = record.data.get("applicant") or "、".join(p.name for p in requested)
    return context


def check_hearing_notice_ready(record):
    _require_data(record)
    data = record.data
    # 行政处罚法 第64条第（四）项: the hearing is chaired (and heard) by people who did not investigate the case.
    panel = {data.get(key) for key in ("chair_id", "member1", "member2") if data.get(key)}
    if panel & gates.investigators(record.case):
        raise ValidationError(_("听证主持人、听证员不得由本案调查人员担任（行政处罚法 第六十四条第（四）项）。"))
    # 行政处罚法 第64条第（二）项 / 第85条: the party is told at least 7 working days before the hearing.
    gates.hearing_notice_in_time(record.case, record.occurred_on, datetime.date.fromisoformat(data["hearing_on"]))


STATEMENT_RECORD = _step_source("statement_record", "statement", gettext_lazy("陈述申辩笔录"), people=("recorder",))
HEARING_NOTICE = _step_source(
    "hearing_notice",
    "hearing_notice",
    gettext_lazy("行政处罚听证会通知书"),
    build=hearing_notice_context,
    check=check_hearing_notice_ready,
)
HEARING_RECORD = _step_source("hearing_record", "hearing", gettext_lazy("听证笔录"), people=PANEL)
HEARING_REPORT = _step_source(
    "hearing_report", "hearing_report", gettext_lazy("听证会报告书"), people=(*PANEL, "leader")
)
ADDRESS_CONFIRMATION = _step_source("address_confirmation", "address_confirmation", gettext_lazy("送达地址确认书"))
PAYMENT_PLAN = _step_source(
    "payment_plan",
    "payment_plan",
    gettext_lazy("延期（分期）缴纳罚款批准书"),
    build=payment_plan_context,
    check=check_payment_plan_ready,
)
# The 批准书 is issued by the leader approving the plan (services.approve_payment_plan), who reads cases but does not
# edit them: reached by "view", issued only by the case's own people who approve or handle it.
PAYMENT_PLAN = dataclasses.replace(PAYMENT_PLAN, issue_action="view", authorise=_approver)
PAYMENT_REMINDER = _step_source(
    "payment_reminder", "reminder", gettext_lazy("缴纳罚款催告书"), build=reminder_context, check=_require_decision
)
SURCHARGE_DECISION = _step_source(
    "surcharge_decision",
    "surcharge",
    gettext_lazy("加处罚款决定书"),
    build=surcharge_context,
    check=check_surcharge_ready,
)
COURT_APPLICATION = _step_source(
    "court_application", "court_application", gettext_lazy("强制执行申请书"), check=_require_decision
)


# --- per case: the 文书送达回执 ---------------------------------------------------------------------------

# Methods whose row must say more in its note (the 2016 form's note 3): who received for the party and how
# related; why the document was left, and the witness.
NOTED_METHODS = {Delivery.Method.AGENT: "代收", Delivery.Method.LEFT: "留置"}


def _delivery_row(delivery):
    document = delivery.document
    return {
        "document": document.doc_type.name,
        "number": document.number,  # "" for an unnumbered record (number_pattern "")
        "party": delivery.party.name,
        "recipient": delivery.recipient,
        "place": delivery.place,
        "served_on": iso(delivery.served_on),
        "method": delivery.get_method_display(),
        "noted": NOTED_METHODS.get(delivery.method, ""),
        "note": delivery.note,
        "servers": delivery.server_names,
    }


def receipt_context(case):
    deliveries = case.deliveries.select_related("document__doc_type", "party").order_by("served_on", "id")
    parties = list(dict.fromkeys(d.party.name for d in deliveries))
    return {
        **_cited_case(case),
        "issue_date": iso(_today()),
        "parties": parties,
        "deliveries": [_delivery_row(d) for d in deliveries],
    }


def check_receipt_ready(case):
    if not case.deliveries.exists():
        raise ValidationError(_("本案尚无送达记录，不能出具文书送达回执。"))


DELIVERY_RECEIPT = DocumentSource(
    doc_type_key="delivery_receipt",
    model=PenaltyCase,
    queryset=lambda user, action: _case_scope(user, action).select_related("organisation"),
    organisation_of=lambda c: c.organisation,
    title=lambda c: _("%(cause)s文书送达回执") % {"cause": c.cause},
    build_context=receipt_context,
    check_ready=check_receipt_ready,
    labels=LABELS,
)


def issue_delivery_receipt(user, case_id):
    """The case's one 文书送达回执: issued with the first delivery, re-issued as a new version (same number) when
    deliveries were added since. Call inside the transaction that records the delivery."""
    document = issue_for(user, "delivery_receipt", case_id)
    if getattr(document, "newly_issued", False):
        return document
    case = PenaltyCase.objects.get(pk=case_id)
    if receipt_context(case)["deliveries"] == document.context.get("deliveries"):
        return document
    return reissue(user, document.pk, _("新增送达记录"))


def receipt_of(case):
    """The 文书送达回执 in force for the case, or None."""
    return current_document(source_key(case), "delivery_receipt")


SOURCES = (
    PENALTY_NOTICE,
    HEARING_RIGHTS_NOTICE,
    STATEMENT_RECORD,
    HEARING_NOTICE,
    HEARING_RECORD,
    HEARING_REPORT,
    PENALTY_DECISION,
    NO_PENALTY_DECISION,
    SUMMARY_DECISION,
    ADDRESS_CONFIRMATION,
    DELIVERY_RECEIPT,
    PAYMENT_PLAN,
    PAYMENT_REMINDER,
    SURCHARGE_DECISION,
    COURT_APPLICATION,
)


def register_sources():
    for source in SOURCES:
        register_source(source)
