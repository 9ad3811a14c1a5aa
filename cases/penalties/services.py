"""Every state change of a penalty case (R-14…R-22). Pages, API and jobs call only these.

Each service: fetches the case through ``restrict()`` (out of scope → DoesNotExist → 404), lets only the case's
own organisation act (the city reads, PermissionDenied), refuses an archived case, checks the role permission,
then in one transaction with the case row locked: the legal gates (cases/penalties/gates.py), the step record,
the transition (``by=user``; signals.py writes the CaseEvent), the deadlines (deadlines.py), the audit record and
the document of the step (``enforcement.documents.sources.issue_for``, inside the transaction).
"""

import datetime
import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from guardian.shortcuts import assign_perm

from cases.penalties import deadlines, gates, steps
from cases.penalties.kinds import PenaltyKind
from cases.penalties.models import CaseParty, Delivery, Instalment, Payment, PenaltyCase, StepRecord, Violation
from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record as audit
from enforcement.documents import sources
from enforcement.documents.models import IssuedDocument
from enforcement.orgs.scoping import ensure_in_scope

State = PenaltyCase.State
Kind = StepRecord.Kind
Outcome = StepRecord.Outcome
Stage = CaseParty.Stage
DK = deadlines.Kind

CHANGE = "cases.change_penaltycase"
ADD = "cases.add_penaltycase"
APPROVE = "cases.approve_penaltycase"
REVIEW = "cases.review_penaltycase"
ARCHIVE = "cases.archive_penaltycase"
PERMISSION_MESSAGES = {
    CHANGE: _("您没有办理行政处罚案件的权限。"),
    ADD: _("您没有办理行政处罚案件的权限。"),
    APPROVE: _("您没有审批行政处罚案件的权限。"),
    REVIEW: _("您没有法制审核的权限。"),
    ARCHIVE: _("您没有归档行政处罚案件的权限。"),
}

# The document each kind of step record issues (DocumentType.key, penalties_contract.md).
DOCUMENT_OF_KIND = {
    Kind.FILING: "case_filing",
    Kind.INTERVIEW_NOTICE: "interview_notice",
    Kind.INTERVIEW: "interview_record",
    Kind.SCENE: "scene_record",
    Kind.SAMPLING: "sampling_voucher",
    Kind.PRESERVATION: "preservation_notice",
    Kind.PRESERVATION_DISPOSAL: "preservation_disposal",
    Kind.REPORT: "investigation_report",
    Kind.HANDLING: "handling_approval",
    Kind.REVIEW: "legal_review",
    Kind.DISCUSSION: "collective_discussion",
    Kind.STATEMENT: "statement_record",
    Kind.HEARING_NOTICE: "hearing_notice",
    Kind.HEARING: "hearing_record",
    Kind.HEARING_REPORT: "hearing_report",
    Kind.ADDRESS_CONFIRMATION: "address_confirmation",
    Kind.EXTENSION: "case_extension",
    Kind.PAYMENT_PLAN: "payment_plan",
    Kind.REMINDER: "payment_reminder",
    Kind.SURCHARGE: "surcharge_decision",
    Kind.COURT_APPLICATION: "court_application",
    Kind.CLOSING: "case_closing",
}
# Steps recorded through record_step(): the investigation, and the party's 送达地址确认书 (any time before delivery).
INVESTIGATIVE_KINDS = frozenset(
    {
        Kind.INTERVIEW_NOTICE,
        Kind.INTERVIEW,
        Kind.SCENE,
        Kind.SAMPLING,
        Kind.PRESERVATION,
        Kind.PRESERVATION_DISPOSAL,
    }
)
RECORDABLE_KINDS = INVESTIGATIVE_KINDS | {Kind.ADDRESS_CONFIRMATION}
# Before the notice the parties, their violations and proposals may still change.
BEFORE_NOTICE = (State.FILING, State.INVESTIGATING, State.REPORTED, State.HANDLING)
DECIDING = (State.NOTIFIED, State.HEARING)


# ---- fetching and checks ---------------------------------------------------------------------------------------


def refuse_other_organisation(user, case):
    """Only the case's own organisation acts; the city and shared readers read (PermissionDenied)."""
    if user.organisation_id != case.organisation_id and not user.is_superuser:
        raise PermissionDenied(_("上级机关只能查阅，不能办理下级单位的案件。"))


def refuse_archived(case):
    """An archived case (归档, R-22) takes no change, evidence included."""
    if case.is_locked:
        raise ValidationError(_("案件已归档，不能修改。"))


def may_act(user, case, perm):
    """The user may act in ``case`` with one of the role permissions ``perm``; else PermissionDenied (another
    organisation, no permission) or ValidationError (archived)."""
    refuse_other_organisation(user, case)
    perms = (perm,) if isinstance(perm, str) else perm
    if not any(user.has_role_perm(p) for p in perms):
        raise PermissionDenied(PERMISSION_MESSAGES[perms[0]])
    refuse_archived(case)


def _locked_case(user, case_id, perm=CHANGE):
    case = (
        PenaltyCase.objects.restrict(user, "view")
        .select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=case_id)
    )
    may_act(user, case, perm)
    return case


def _locked_party(user, party_id, perm=CHANGE):
    """(case, party), the case row locked first (every service locks the case, so no deadlock)."""
    case_id = CaseParty.objects.filter(case__in=PenaltyCase.objects.restrict(user, "view")).values_list(
        "case_id", flat=True
    )
    case = _locked_case(user, case_id.get(pk=party_id), perm)
    party = CaseParty.objects.select_related("case").get(pk=party_id)
    party.case = case
    return case, party


def _in_state(case, *states, what=""):
    if case.state not in states:
        raise ValidationError(
            _("案件当前处于“%(state)s”环节，不能%(what)s。")
            % {"state": case.get_state_display(), "what": what or _("办理该操作")}
        )


def _not_future(day, field="occurred_on"):
    if day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})
    return day


def _today_or(day, field="occurred_on"):
    return _not_future(day or timezone.localdate(), field)


def _plain(data):
    return json.loads(json.dumps(dict(data or {}), cls=DjangoJSONEncoder, ensure_ascii=False))


def clean_data(kind, data):
    """The step's fields through its registered form; a kind whose form is not registered is stored as given."""
    try:
        steps.form_for(kind)
    except ValidationError:
        # 未知的办案环节: the step forms are declared in steps/investigation.py and steps/decision.py.
        return _plain(data)
    return steps.clean_step_data(kind, data)


def _transition(user, case, name, note="", record=None):
    method = getattr(case, name)
    if not can_proceed(method):
        raise ValidationError(_("案件当前处于“%(state)s”环节，不能办理该操作。") % {"state": case.get_state_display()})
    before = case.state
    method(by=user, note=note, record=record)
    case.save()
    audit(user, AuditEvent.Action.UPDATE, case, {"state": [before, case.state]}, case.organisation_id)


def _save(user, obj, changes, organisation_id, fields=None):
    obj.save(update_fields=fields or list(changes))
    audit(user, AuditEvent.Action.UPDATE, obj, _jsonable(changes), organisation_id)


def _jsonable(changes):
    return json.loads(json.dumps(changes, cls=DjangoJSONEncoder, ensure_ascii=False))


def _set(obj, **values):
    """Set attributes, returning {field: [old, new]} of what changed."""
    changes = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [getattr(old, "pk", old), getattr(value, "pk", value)]
            setattr(obj, name, value)
    return changes


# ---- documents -------------------------------------------------------------------------------------------------


def document_registered(doc_key) -> bool:
    """Whether the document helpers registered a source for ``doc_key`` (enforcement.documents.sources)."""
    try:
        sources.get_source(doc_key)
    except KeyError:
        return False
    return True


def _issue(user, doc_key, pk):
    """The document of a step, issued inside the transaction — only when its source is registered: a step is
    recorded even while its document type has no source yet, and its document can then be issued later."""
    if not document_registered(doc_key):
        return None
    return sources.issue_for(user, doc_key, pk)


def _issue_for_record(user, record):
    doc_key = DOCUMENT_OF_KIND.get(record.kind)
    document = _issue(user, doc_key, record.pk) if doc_key else None
    if document is not None and record.document_id != document.pk:
        record.document = document
        record.save(update_fields=["document"])
    return document


def _reissue_or_issue(user, doc_key, source, current_id, reason):
    """A new notice after a change (第45条): a new version of the party's document, else its first issue."""
    if not document_registered(doc_key):
        return None
    if current_id is not None:
        current = IssuedDocument.objects.filter(pk=current_id, status=IssuedDocument.Status.ISSUED).first()
        if current is not None:
            # A document whose content did not change (the hearing rights of an unchanged amount) stays as it is.
            return sources.reissue(user, current.pk, reason) if sources.is_stale(user, current) else current
    return sources.issue_for(user, doc_key, source.pk)


def _refresh_receipt(user, case):
    """The case's one 文书送达回执 (应急回): issued with the first delivery, a new version with each further row."""
    if not document_registered("delivery_receipt"):
        return None
    current = sources.current_document(sources.source_key(case), "delivery_receipt")
    if current is None:
        return sources.issue_for(user, "delivery_receipt", case.pk)
    try:
        return sources.reissue(user, current.pk, _("新增送达记录"))
    except ValidationError:
        return current


# ---- records -----------------------------------------------------------------------------------------------------


def _record(user, case, kind, *, data, occurred_on, officers=(), party=None, outcome="", issue=True, cleaned=False):
    record = StepRecord.objects.create(
        case=case,
        party=party,
        kind=kind,
        data=data if cleaned else clean_data(kind, data),
        outcome=outcome,
        occurred_on=occurred_on,
        recorded_by=user,
    )
    if officers:
        record.officers.set(officers)
    audit(
        user,
        AuditEvent.Action.CREATE,
        record,
        {"kind": [None, kind], "occurred_on": [None, occurred_on.isoformat()]},
        case.organisation_id,
    )
    if issue:
        _issue_for_record(user, record)
    return record


def _approval(user, case, kind, approved, opinion, refused, occurred_on=None):
    """The leader's opinion written on the step's 审批表 (立案, 案件处理, 结案), audited."""
    record = _latest(case, kind)
    if record is None:
        raise ValidationError(_("尚无待审批的记录。"))
    before = record.outcome
    record.outcome = Outcome.APPROVED if approved else refused
    record.occurred_on = occurred_on or record.occurred_on
    record.data = {**record.data, "opinion": opinion, "approver": user.get_full_name() or user.username}
    record.save(update_fields=["outcome", "occurred_on", "data"])
    audit(user, AuditEvent.Action.UPDATE, record, {"outcome": [before, record.outcome]}, case.organisation_id)
    return record


def _latest(case, kind, party=None):
    return gates._latest(case, kind, party)


def _users(case, ids):
    """Users named in a step (officers, chair): people of the case's enforcement area, by pk or instance."""
    from enforcement.orgs.models import User
    from enforcement.orgs.services import enforcement_area

    pks = [getattr(u, "pk", u) for u in ids]
    people = list(User.objects.filter(pk__in=pks, organisation__in=enforcement_area(case.organisation)))
    if len(people) != len(set(pks)):
        raise ValidationError({"officers": _("所选人员不存在或不属于本执法区域。")})
    return people


# ---- opening and filing ------------------------------------------------------------------------------------------


PARTY_FIELDS = (
    "kind",
    "role",
    "name",
    "enterprise",
    "credit_code",
    "legal_representative",
    "id_number",
    "position",
    "employer",
    "address",
    "phone",
)


def _new_party(case, fields):
    unknown = set(fields) - set(PARTY_FIELDS)
    if unknown:
        raise ValidationError(_("当事人信息包含未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    if not (fields.get("name") or "").strip():
        raise ValidationError({"name": _("请填写当事人名称或姓名。")})
    party = CaseParty(case=case, **fields)
    if party.kind == CaseParty.Kind.UNIT:
        party.role = party.role or CaseParty.Role.UNIT
    party.full_clean(exclude=["case", "enterprise"])
    party.save()
    return party


def open_case(
    user,
    organisation,
    *,
    cause,
    source,
    procedure="general",
    enterprise=None,
    source_inspection=None,
    source_hazard=None,
    source_detail="",
    facts="",
    power="",
    officers=(),
    parties=(),
) -> PenaltyCase:
    """登记 a case of the user's own organisation, with its 立案审批表 record (kind filing) waiting for approval.

    ``parties``: dicts of CaseParty fields; ``officers``: the 承办人 (≥ 2 certified, 行政处罚法 第42条).
    Summary cases (简易程序) are decided on the spot with ``decide_on_the_spot`` and have no filing approval."""
    from cases.inspections.models import Hazard, Inspection
    from enforcement.enterprises.models import Enterprise

    if not user.has_role_perm(ADD):
        raise PermissionDenied(PERMISSION_MESSAGES[ADD])
    if user.organisation_id != organisation.pk and not user.is_superuser:
        raise PermissionDenied(_("只能以本单位名义立案。"))
    if not (cause or "").strip():
        raise ValidationError({"cause": _("请填写案由。")})
    if source not in PenaltyCase.Source.values:
        raise ValidationError({"source": _("请选择案件来源。")})
    if procedure not in PenaltyCase.Procedure.values:
        raise ValidationError({"procedure": _("请选择程序。")})
    gates.delegated_power(organisation, power)
    today = timezone.localdate()
    with transaction.atomic():
        if enterprise is not None:
            enterprise = Enterprise.objects.restrict(user, "view").get(pk=getattr(enterprise, "pk", enterprise))
        if source_inspection is not None:
            source_inspection = Inspection.objects.restrict(user, "view").get(
                pk=getattr(source_inspection, "pk", source_inspection)
            )
        if source_hazard is not None:
            source_hazard = Hazard.objects.restrict(user, "view").get(pk=getattr(source_hazard, "pk", source_hazard))
        case = PenaltyCase(
            organisation=organisation,
            cause=cause.strip(),
            procedure=procedure,
            source=source,
            source_inspection=source_inspection,
            source_hazard=source_hazard,
            source_detail=source_detail,
            enterprise=enterprise,
            facts=facts,
            power=power,
            created_by=user,
        )
        case.full_clean(exclude=["state", "created_by", "organisation"])
        case.save()
        team = _users(case, officers)
        if team:
            gates.enforcement_team(case, team, today)
            case.officers.set(team)
        for fields in parties:
            _new_party(case, dict(fields))
        case.review_required = gates.review_needed(case, today)
        case.save(update_fields=["review_required"])
        ensure_in_scope(user, case, "view")
        audit(user, AuditEvent.Action.CREATE, case, {"cause": [None, case.cause], "state": [None, case.state]})
        if not case.is_summary:
            _record(user, case, Kind.FILING, data={}, occurred_on=today, officers=team, issue=False)
    return case


def add_party(user, case_id, **fields) -> CaseParty:
    """A further party (一案双罚: the unit and its principal person), before the notice."""
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(case, *BEFORE_NOTICE, what=_("增加当事人"))
        party = _new_party(case, fields)
        audit(user, AuditEvent.Action.CREATE, party, {"name": [None, party.name]}, case.organisation_id)
    return party


def update_party(user, party_id, **fields) -> CaseParty:
    """Correct a party's particulars; after the notice only the address and phone (for delivery) change."""
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        unknown = set(fields) - set(PARTY_FIELDS)
        if unknown:
            raise ValidationError(_("当事人信息包含未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
        if case.state not in BEFORE_NOTICE and set(fields) - {"address", "phone"}:
            raise ValidationError(_("行政处罚告知书已发出，当事人身份信息不能再修改，只能修改送达地址和联系电话。"))
        changes = _set(party, **fields)
        if changes:
            party.full_clean(exclude=["case", "enterprise"])
            _save(user, party, changes, case.organisation_id)
    return party


def add_violation(user, party_id, *, facts, article_breached, article_punishing) -> Violation:
    """A violation of one party: facts, the article breached and the article that punishes it."""
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, *BEFORE_NOTICE, State.NOTIFYING, what=_("登记违法行为"))
        violation = Violation(
            party=party,
            facts=facts,
            article_breached=article_breached,
            article_punishing=article_punishing,
            order=party.violations.count() + 1,
        )
        violation.full_clean(exclude=["party"])
        violation.save()
        audit(
            user,
            AuditEvent.Action.CREATE,
            violation,
            {"article_breached": [None, article_breached], "article_punishing": [None, article_punishing]},
            case.organisation_id,
        )
    return violation


def approve_filing(user, case_id, *, approved: bool, opinion="", filed_on=None) -> PenaltyCase:
    """立案审批 (行政处罚法 第54条): approved → investigation, the decision deadline starts; else 不予立案."""
    with transaction.atomic():
        case = _locked_case(user, case_id, APPROVE)
        _in_state(case, State.FILING, what=_("审批立案"))
        if case.is_summary:
            raise ValidationError(_("简易程序案件当场作出决定，无需立案审批。"))
        filed_on = _today_or(filed_on, "filed_on")
        record = _approval(user, case, Kind.FILING, approved, opinion, Outcome.REJECTED, occurred_on=filed_on)
        if approved:
            if not case.officers.exists():
                raise ValidationError({"officers": _("行政处罚法 第42条：立案前请指定不少于两名执法人员承办。")})
            case.filed_on = filed_on
            case.save(update_fields=["filed_on"])
            _transition(user, case, "approve_filing", opinion, record)
            deadlines.on_filed(case)
        else:
            _transition(user, case, "refuse_filing", opinion, record)
        _issue_for_record(user, record)
    return case


# ---- investigation ------------------------------------------------------------------------------------------------


def record_step(user, case_id, kind, *, data, occurred_on, officers=(), party_id=None) -> StepRecord:
    """An act of investigation (询问、勘验、抽样、先行登记保存 and its disposal) or a 送达地址确认书.

    行政处罚法 第42条: acts of investigation are done by ≥ 2 officers with certificates valid that day."""
    if kind not in RECORDABLE_KINDS:
        raise ValidationError({"kind": _("未知的办案环节：%(kind)s") % {"kind": kind}})
    _not_future(occurred_on)
    with transaction.atomic():
        case = _locked_case(user, case_id)
        if kind == Kind.ADDRESS_CONFIRMATION:
            _in_state(case, *BEFORE_NOTICE, State.NOTIFYING, State.NOTIFIED, State.HEARING, State.DECIDED)
        else:
            _in_state(case, State.INVESTIGATING, what=_("调查取证"))
        if case.filed_on and occurred_on < case.filed_on and kind != Kind.ADDRESS_CONFIRMATION:
            raise ValidationError({"occurred_on": _("调查取证日期不能早于立案日期。")})
        party = case.parties.get(pk=party_id) if party_id else None
        if kind == Kind.ADDRESS_CONFIRMATION and party is None:
            raise ValidationError({"party_id": _("送达地址确认书须指明当事人。")})
        team = _users(case, officers)
        if kind in gates.TEAM_KINDS:
            gates.delegated_power(case.organisation, case.power)
            gates.enforcement_team(case, team, occurred_on)
        data = clean_data(kind, data)
        preserved = _preservation_of(case, data) if kind == Kind.PRESERVATION_DISPOSAL else None
        record = _record(user, case, kind, data=data, occurred_on=occurred_on, officers=team, party=party, cleaned=True)
        if kind == Kind.PRESERVATION:
            deadlines.on_preservation(record)
        elif preserved is not None:
            deadlines.meet_preservation(preserved, occurred_on)
    return record


def _preservation_of(case, data):
    """The 先行登记保存 record of this case that a disposal decision disposes of (its form names it)."""
    pk = data.get("preservation")
    if pk in (None, ""):
        return None
    preserved = StepRecord.objects.filter(case=case, kind=Kind.PRESERVATION, pk=getattr(pk, "pk", pk)).first()
    if preserved is None:
        raise ValidationError({"preservation": _("所选先行登记保存记录不属于本案件。")})
    return preserved


def end_investigation(user, case_id, *, data, occurred_on) -> StepRecord:
    """案件调查终结报告: the case's officers (≥ 2 certified that day, 第42条) end the investigation."""
    _not_future(occurred_on)
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(case, State.INVESTIGATING, what=_("终结调查"))
        team = list(case.officers.all())
        gates.delegated_power(case.organisation, case.power)
        gates.enforcement_team(case, team, occurred_on)
        record = _record(user, case, Kind.REPORT, data=data, occurred_on=occurred_on, officers=team)
        _transition(user, case, "end_investigation", record=record)
    return record


def _decimal(value, field):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({field: _("请填写正确的金额。")}) from None
    if amount <= 0:
        raise ValidationError({field: _("金额须大于0。")})
    return amount.quantize(Decimal("0.01"))


def _penalty(kinds, fine, confiscation):
    kinds = list(dict.fromkeys(kinds or []))
    unknown = [k for k in kinds if k not in PenaltyKind.values]
    if unknown:
        raise ValidationError({"kinds": _("未知的处罚种类：%(k)s") % {"k": "、".join(unknown)}})
    if not kinds:
        raise ValidationError({"kinds": _("请选择处罚种类。")})
    fine = _decimal(fine, "fine")
    confiscation = _decimal(confiscation, "confiscation")
    if (PenaltyKind.FINE in kinds) != (fine is not None):
        raise ValidationError({"fine": _("选择罚款的，须填写罚款金额；未选择罚款的，不填写金额。")})
    if (PenaltyKind.CONFISCATION in kinds) != (confiscation is not None):
        raise ValidationError({"confiscation": _("选择没收的，须填写没收金额；未选择没收的，不填写金额。")})
    return kinds, fine, confiscation


def propose_penalty(user, party_id, *, kinds, fine=None, confiscation=None, text="") -> CaseParty:
    """拟处罚 of one party (what the notice will say); re-decides review, discussion and hearing for the case."""
    kinds, fine, confiscation = _penalty(kinds, fine, confiscation)
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, State.INVESTIGATING, State.REPORTED, State.NOTIFYING, *DECIDING, what=_("提出拟处罚意见"))
        if party.decided_on is not None:
            raise ValidationError(_("该当事人已作出决定。"))
        changes = _set(
            party,
            proposed_kinds=kinds,
            proposed_fine=fine,
            proposed_confiscation=confiscation,
            proposed_text=text,
            stage=Stage.PROPOSED,
        )
        _save(user, party, changes, case.organisation_id, fields=list(changes) or ["stage"])
        _decide_requirements(user, case)
        if case.state in DECIDING:
            # 行政处罚法 第44、45条: a changed proposal after the notice is notified again before any decision.
            _transition(user, case, "renotify", _("拟处罚内容变更，重新告知"))
    return party


def _decide_requirements(user, case):
    """Which of 法制审核, 集体讨论 and 听证 the case needs, from its parties' proposals and the rules."""
    today = timezone.localdate()
    hearing = any(gates.hearing_applies(p, today) for p in case.parties.all() if p.proposed_kinds)
    changes = _set(case, hearing_applicable=hearing)
    changes |= _set(case, review_required=gates.review_needed(case, today))
    changes |= _set(case, discussion_required=gates.discussion_needed(case, today))
    if changes:
        _save(user, case, changes, case.organisation_id)


def submit_handling(user, case_id, *, data) -> StepRecord:
    """案件处理呈批表 to the leader."""
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(case, State.REPORTED, what=_("呈批"))
        record = _record(user, case, Kind.HANDLING, data=data, occurred_on=timezone.localdate(), issue=False)
        _transition(user, case, "submit_handling", record=record)
    return record


def approve_handling(user, case_id, *, approved, opinion="") -> PenaltyCase:
    """The leader's opinion on the handling: on to review / discussion / the notice, or back to investigation."""
    with transaction.atomic():
        case = _locked_case(user, case_id, APPROVE)
        _in_state(case, State.HANDLING, what=_("审批案件处理意见"))
        record = _approval(user, case, Kind.HANDLING, approved, opinion, Outcome.RETURNED)
        if approved:
            _decide_requirements(user, case)
            _transition(user, case, "approve_handling", opinion, record)
        else:
            _transition(user, case, "return_for_investigation", opinion, record)
        _issue_for_record(user, record)
    return case


def record_review(user, case_id, *, passed: bool, opinion, data) -> StepRecord:
    """法制审核 (行政处罚法 第58条) by a reviewer who did not investigate (案审分离); failed → back to investigation."""
    if not (opinion or "").strip():
        raise ValidationError({"opinion": _("请填写法制审核意见。")})
    with transaction.atomic():
        case = _locked_case(user, case_id, REVIEW)
        _in_state(case, State.REVIEWING, what=_("法制审核"))
        gates.reviewer_independent(case, user)
        record = _record(
            user,
            case,
            Kind.REVIEW,
            data={**dict(data or {}), "opinion": opinion},
            occurred_on=timezone.localdate(),
            outcome=Outcome.APPROVED if passed else Outcome.REJECTED,
        )
        changes = _set(case, reviewer=user)
        if changes:
            _save(user, case, {"reviewer": [None, user.pk]}, case.organisation_id, fields=["reviewer"])
        _transition(user, case, "pass_review" if passed else "return_for_investigation", opinion, record)
    return record


def record_discussion(user, case_id, *, data, occurred_on) -> StepRecord:
    """重大案件集体讨论记录 (行政处罚法 第57条第2款)."""
    _not_future(occurred_on)
    with transaction.atomic():
        case = _locked_case(user, case_id, (CHANGE, APPROVE))
        _in_state(case, State.DISCUSSING, what=_("记录集体讨论"))
        record = _record(user, case, Kind.DISCUSSION, data=data, occurred_on=occurred_on)
        _transition(user, case, "record_discussion", record=record)
    return record


# ---- notice, statement, hearing ------------------------------------------------------------------------------


def issue_notices(user, case_id) -> list:
    """行政处罚告知书 for every party with a proposed penalty (+ 听证告知书 where 第63条 applies); a second
    round after a heavier decision was refused (第45条) re-issues the notice as a new version."""
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(case, State.NOTIFYING, what=_("告知"))
        gates.review_passed(case)
        gates.discussion_recorded(case)
        # Parties with a proposal not yet notified (a second round: those whose proposal changed).
        parties = [p for p in case.parties.all() if p.proposed_kinds and p.stage == Stage.PROPOSED]
        if not parties:
            raise ValidationError(_("没有需要告知的当事人：请先提出拟处罚意见。"))
        issued = []
        today = timezone.localdate()
        for party in parties:
            renotice = party.notice_id is not None
            document = _reissue_or_issue(user, "penalty_notice", party, party.notice_id, _("拟处罚内容变更，重新告知"))
            if gates.hearing_applies(party, today):
                hearing = _reissue_or_issue(
                    user, "hearing_rights_notice", party, _current_id(party, "hearing_rights_notice"), _("重新告知")
                )
                if hearing is not None:
                    issued.append(hearing)
            changes = _set(party, stage=Stage.NOTIFIED)
            if document is not None:
                issued.append(document)
                changes |= _set(party, notice=document)
            if renotice:
                changes |= _set(
                    party,
                    notice_served_on=None,
                    waived_statement=False,
                    waived_hearing=False,
                    hearing_requested_on=None,
                )
            _save(user, party, changes, case.organisation_id)
        _transition(user, case, "notify")
    return issued


def _current_id(party, doc_key):
    current = sources.current_document(sources.source_key(party), doc_key)
    return current.pk if current is not None else None


def _document_of_case(case, party, document_id):
    """The document being served: one of the case's own documents (a party's, a step's or the case's)."""
    document = IssuedDocument.objects.select_related("doc_type").filter(pk=document_id).first()
    keys = {sources.source_key(case), sources.source_key(party)}
    step_keys = {f"cases.steprecord:{pk}" for pk in StepRecord.objects.filter(case=case).values_list("pk", flat=True)}
    if (
        document is None
        or document.status != IssuedDocument.Status.ISSUED
        or document.organisation_id != case.organisation_id
        or (document.source_key not in keys | step_keys and document.pk not in (party.notice_id, party.decision_id))
    ):
        raise ValidationError({"document_id": _("所选文书不属于本案，或已被更正、作废。")})
    return document


def _is_notice(party, document):
    return document.pk == party.notice_id or (
        document.source_key == sources.source_key(party)
        and document.doc_type.key in ("penalty_notice", "hearing_rights_notice")
    )


def record_delivery(
    user,
    case_id,
    *,
    party_id,
    document_id,
    method,
    served_on,
    place,
    recipient,
    server_names,
    note="",
    officers=(),
) -> Delivery:
    """A row of the case's 文书送达回执 (行政处罚法 第61条). Serving the notice starts the statement and hearing
    windows; serving the decision starts payment (第67条) — decisions are served by ≥ 2 certified officers
    (第42条) named in ``officers`` (defaults to the case's officers)."""
    if method not in Delivery.Method.values:
        raise ValidationError({"method": _("请选择送达方式。")})
    _not_future(served_on, "served_on")
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(
            case, State.NOTIFIED, State.HEARING, State.DECIDED, State.EXECUTING, State.NOTIFYING, what=_("登记送达")
        )
        party = case.parties.get(pk=party_id)
        document = _document_of_case(case, party, document_id)
        gates.electronic_delivery(party, method)
        if method == Delivery.Method.ON_THE_SPOT and not (case.is_summary or document.pk == party.notice_id):
            raise ValidationError({"method": _("当场交付仅适用于简易程序当场作出的决定。")})
        is_decision = document.pk == party.decision_id
        if is_decision and party.decided_on and served_on < party.decided_on:
            raise ValidationError({"served_on": _("送达日期不能早于决定日期。")})
        if is_decision:
            team = _users(case, officers) if officers else list(case.officers.all())
            gates.enforcement_team(case, team, served_on)
        delivery = Delivery.objects.create(
            case=case,
            party=party,
            document=document,
            method=method,
            served_on=served_on,
            place=place,
            recipient=recipient,
            server_names=server_names,
            note=note,
            recorded_by=user,
        )
        audit(
            user,
            AuditEvent.Action.CREATE,
            delivery,
            {"document": [None, document.number], "served_on": [None, served_on.isoformat()]},
            case.organisation_id,
        )
        if _is_notice(party, document) and party.notice_served_on is None:
            _save(user, party, _set(party, notice_served_on=served_on), case.organisation_id)
            deadlines.on_notice_served(party, case.hearing_applicable and gates.hearing_applies(party, served_on))
        elif is_decision and party.decision_served_on is None:
            _decision_served(user, case, party, served_on)
        elif _is_reminder(case, party, document):
            deadlines.on_reminder_served(party, served_on)
        _refresh_receipt(user, case)
    return delivery


def _is_reminder(case, party, document):
    return StepRecord.objects.filter(case=case, party=party, kind=Kind.REMINDER, document=document).exists()


def _decision_served(user, case, party, served_on):
    changes = _set(party, decision_served_on=served_on, stage=Stage.SERVED)
    deadlines.meet(case, DK.ABSENT_DELIVERY, served_on, party)
    if party.decided_fine:
        deadlines.on_decision_served(party)
    elif not party.no_penalty:
        # Nothing to pay (a warning): the decision is executed by its service.
        changes |= _set(party, executed_on=served_on, stage=Stage.EXECUTED)
    _save(user, party, changes, case.organisation_id)
    parties = list(case.parties.all())
    if case.state == State.DECIDED and all(p.decision_served_on for p in parties):
        _transition(user, case, "serve")
        _finish_if_executed(user, case, parties)


def _finish_if_executed(user, case, parties=None):
    parties = parties if parties is not None else list(case.parties.all())
    done = all(p.no_penalty or p.executed_on or p.court_applied_on for p in parties)
    if case.state == State.EXECUTING and done:
        _transition(user, case, "finish_execution")


def record_statement(user, party_id, *, data, occurred_on) -> StepRecord:
    """陈述申辩笔录 (行政处罚法 第45条): the party's statement and defence, heard and re-checked."""
    _not_future(occurred_on)
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, *DECIDING, what=_("记录陈述申辩"))
        if party.notice_id is None and party.notice_served_on is None:
            raise ValidationError(_("尚未告知该当事人。"))
        record = _record(user, case, Kind.STATEMENT, data=data, occurred_on=occurred_on, party=party)
        deadlines.meet(case, DK.STATEMENT, occurred_on, party)
    return record


def record_waiver(user, party_id, *, statement: bool, hearing: bool, waived_on=None) -> CaseParty:
    """The party expressly gave up its statement and/or hearing (行政处罚法 第62条: then the decision may come
    before the window has run out). ``waived_on``: the day of the party's written waiver (default today) — the day
    its windows are recorded as closed, never the day someone typed it in later."""
    waived_on = _today_or(waived_on, "waived_on")
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, *DECIDING, what=_("记录放弃陈述申辩、听证"))
        if party.notice_served_on is None:
            raise ValidationError(_("行政处罚告知书送达后，当事人方可放弃陈述申辩或听证。"))
        if hearing and party.hearing_requested_on:
            raise ValidationError(_("当事人已申请听证。"))
        changes = _set(
            party, waived_statement=party.waived_statement or statement, waived_hearing=party.waived_hearing or hearing
        )
        if changes:
            _save(user, party, changes, case.organisation_id)
        if party.notice_served_on and waived_on < party.notice_served_on:
            raise ValidationError(_("放弃陈述申辩、听证的日期不能早于告知书送达日期。"))
        if statement:
            deadlines.meet(case, DK.STATEMENT, waived_on, party)
        if hearing:
            deadlines.meet(case, DK.HEARING_REQUEST, waived_on, party)
    return party


def request_hearing(user, party_id, *, requested_on) -> CaseParty:
    """The party asks for a hearing — within 5 working days of the notice (行政处罚法 第64条第1项)."""
    _not_future(requested_on, "requested_on")
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, *DECIDING, what=_("申请听证"))
        if party.notice_served_on is None:
            raise ValidationError(_("听证告知书尚未送达。"))
        if not gates.hearing_applies(party, party.notice_served_on):
            raise ValidationError(_("行政处罚法 第63条：该当事人的拟处罚不属于听证范围。"))
        if party.waived_hearing:
            raise ValidationError(_("当事人已明确放弃听证。"))
        last = deadlines.hearing_request_due(party)
        if requested_on > last:
            raise ValidationError(
                {
                    "requested_on": _("行政处罚法 第64条：当事人应在告知后五日内提出听证申请，申请期已于%(day)s届满。")
                    % {"day": last.isoformat()}
                }
            )
        changes = _set(party, hearing_requested_on=requested_on, stage=Stage.HEARING)
        _save(user, party, changes, case.organisation_id)
        deadlines.meet(case, DK.HEARING_REQUEST, requested_on, party)
        if case.state == State.NOTIFIED:
            _transition(user, case, "open_hearing")
    return party


def schedule_hearing(user, case_id, *, hearing_on, place, chair_id, data, notified_on=None) -> StepRecord:
    """听证会通知书: chaired by a non-investigator, served ≥ 7 working days before the hearing (第64条)."""
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(case, State.HEARING, what=_("安排听证"))
        notified_on = _today_or(notified_on, "notified_on")
        chair = _users(case, [chair_id])[0]
        gates.hearing_chair(case, chair)
        gates.hearing_notice_in_time(case, notified_on, hearing_on)
        record = _record(
            user,
            case,
            Kind.HEARING_NOTICE,
            data={**dict(data or {}), "hearing_on": hearing_on, "place": place, "chair_id": chair.pk},
            occurred_on=notified_on,
        )
        deadline = deadlines.on_hearing_scheduled(case, hearing_on)
        deadline.met_on = notified_on
        deadline.save(update_fields=["met_on"])
    return record


def _hearing_on(case):
    notice = _latest(case, Kind.HEARING_NOTICE)
    if notice is None:
        raise ValidationError(_("行政处罚法 第64条：尚未发出听证会通知书。"))
    return datetime.date.fromisoformat(str(notice.data["hearing_on"]))


def record_hearing(user, case_id, *, data, occurred_on) -> StepRecord:
    """听证笔录 (行政处罚法 第64条第8项)."""
    _not_future(occurred_on)
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(case, State.HEARING, what=_("记录听证"))
        if occurred_on < _hearing_on(case):
            raise ValidationError({"occurred_on": _("听证日期早于听证会通知书确定的日期。")})
        return _record(user, case, Kind.HEARING, data=data, occurred_on=occurred_on)


def record_hearing_report(user, case_id, *, data, occurred_on) -> StepRecord:
    """听证会报告书 (行政处罚法 第65条: the decision follows the hearing record)."""
    _not_future(occurred_on)
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(case, State.HEARING, what=_("提交听证会报告书"))
        if _latest(case, Kind.HEARING) is None:
            raise ValidationError(_("尚无听证笔录。"))
        return _record(user, case, Kind.HEARING_REPORT, data=data, occurred_on=occurred_on)


# ---- decisions --------------------------------------------------------------------------------------------------


def _all_decided(user, case, decided_on, transition="decide"):
    parties = list(case.parties.all())
    if not all(p.decision_id or p.decided_on for p in parties):
        return
    outcome = PenaltyCase.Outcome.NO_PENALTY if all(p.no_penalty for p in parties) else PenaltyCase.Outcome.PENALTY
    changes = _set(case, outcome=outcome, decided_on=decided_on)
    _save(user, case, changes, case.organisation_id)
    deadlines.meet(case, DK.DECISION, decided_on)
    _transition(user, case, transition)


def decide(user, party_id, *, kinds, fine=None, confiscation=None, text="", decided_on=None):
    """行政处罚决定书 of one party (行政处罚法 第59条), after every gate of 第44、45、57、58、62–65条; the case is
    DECIDED once every party has a decision (一案双罚). Returns the decision document (None while its source is
    not registered)."""
    kinds, fine, confiscation = _penalty(kinds, fine, confiscation)
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, *DECIDING, what=_("作出处罚决定"))
        decided_on = _today_or(decided_on, "decided_on")
        if party.decided_on:
            raise ValidationError(_("该当事人已作出决定。"))
        gates.notice_and_window(party, decided_on)
        gates.hearing_held(party)
        gates.review_passed(case)
        gates.discussion_recorded(case)
        gates.not_heavier_than_notice(party, kinds, fine, confiscation)
        return _decided(
            user, case, party, "penalty_decision", decided_on, kinds=kinds, fine=fine, conf=confiscation, text=text
        )


def _decided(user, case, party, doc_key, decided_on, *, kinds=(), fine=None, conf=None, text="", transition="decide"):
    changes = _set(
        party,
        decided_kinds=list(kinds),
        decided_fine=fine,
        decided_confiscation=conf,
        decided_text=text,
        decided_on=decided_on,
        stage=Stage.DECIDED,
    )
    _save(user, party, changes, case.organisation_id)
    document = _issue(user, doc_key, party.pk)
    if document is not None:
        _save(user, party, _set(party, decision=document), case.organisation_id, fields=["decision"])
    # The party's windows close with the decision (they ran out, or were waived): no longer open on any board.
    for kind in (DK.STATEMENT, DK.HEARING_REQUEST):
        deadlines.meet(case, kind, decided_on, party)
    if not case.is_summary:
        deadlines.on_decided(party)
    _all_decided(user, case, decided_on, transition)
    return document


def decide_no_penalty(user, party_id, *, reason, decided_on=None):
    """不予行政处罚决定书 (行政处罚法 第33条): with its reason, after legal review where required; no notice."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("行政处罚法 第33条：请写明不予行政处罚的理由。")})
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, State.NOTIFYING, *DECIDING, what=_("作出不予处罚决定"))
        decided_on = _today_or(decided_on, "decided_on")
        if party.decided_on:
            raise ValidationError(_("该当事人已作出决定。"))
        gates.review_passed(case)
        gates.discussion_recorded(case)
        _save(user, party, _set(party, no_penalty=True, no_penalty_reason=reason.strip()), case.organisation_id)
        return _decided(user, case, party, "no_penalty_decision", decided_on)


def decide_on_the_spot(user, case_id, *, party_id, kinds, fine=None, text, decided_on=None, officers=()):
    """当场处罚决定书 (简易程序, 行政处罚法 第51–52条): a warning or a fine ≤ 200 yuan (person) / ≤ 3,000 (unit),
    by ≥ 2 officers showing their certificates. Then delivered on the spot, paid, and closed (备案)."""
    kinds, fine, _conf = _penalty(kinds, fine, None)
    with transaction.atomic():
        case = _locked_case(user, case_id)
        if not case.is_summary:
            raise ValidationError(_("行政处罚法 第51条：只有简易程序案件可以当场作出处罚决定。"))
        _in_state(case, State.FILING, what=_("当场作出处罚决定"))
        decided_on = _today_or(decided_on, "decided_on")
        party = case.parties.get(pk=party_id)
        if party.decided_on:
            raise ValidationError(_("该当事人已作出决定。"))
        gates.summary_limits(party, kinds, fine, decided_on)
        team = _users(case, officers) if officers else list(case.officers.all())
        gates.delegated_power(case.organisation, case.power)
        gates.enforcement_team(case, team, decided_on)
        case.officers.add(*team)
        if case.filed_on is None:
            _save(user, case, _set(case, filed_on=decided_on), case.organisation_id)
        _save(user, party, _set(party, proposed_kinds=kinds, proposed_fine=fine), case.organisation_id)
        return _decided(
            user,
            case,
            party,
            "summary_decision",
            decided_on,
            kinds=kinds,
            fine=fine,
            text=text,
            transition="decide_on_the_spot",
        )


# ---- execution ----------------------------------------------------------------------------------------------------


def approve_payment_plan(user, party_id, *, kind, instalments, data) -> StepRecord:
    """延期（分期）缴纳罚款 (行政处罚法 第66条, R-21): on the party's application, approved by the leader.

    ``instalments``: [{"due_on": date, "amount": Decimal}], one row for a deferral; together the unpaid fine."""
    if kind not in ("defer", "instalments"):
        raise ValidationError({"kind": _("请选择延期缴纳或分期缴纳。")})
    rows = [(row["due_on"], _decimal(row["amount"], "instalments")) for row in instalments or []]
    if not rows or (kind == "defer" and len(rows) != 1) or (kind == "instalments" and len(rows) < 2):
        raise ValidationError({"instalments": _("延期缴纳填写一个缴纳日期，分期缴纳至少分两期。")})
    with transaction.atomic():
        case, party = _locked_party(user, party_id, APPROVE)
        _in_state(case, State.DECIDED, State.EXECUTING, what=_("批准延期（分期）缴纳"))
        if not party.decided_fine or party.executed_on:
            raise ValidationError(_("该当事人没有待缴纳的罚款。"))
        if party.instalments.exists():
            raise ValidationError(_("该当事人已批准延期（分期）缴纳，不能重复批准。"))
        if sum(amount for _day, amount in rows) != deadlines.unpaid_fine(party):
            raise ValidationError(
                {"instalments": _("各期金额合计须等于未缴罚款%(n)s元。") % {"n": deadlines.unpaid_fine(party)}}
            )
        today = timezone.localdate()
        days = sorted(day for day, _amount in rows)
        if days[0] < today or len(set(days)) != len(days):
            raise ValidationError({"instalments": _("缴纳日期须晚于今天且互不相同。")})
        record = _record(
            user,
            case,
            Kind.PAYMENT_PLAN,
            data={**dict(data or {}), "kind": kind, "instalments": [{"due_on": d, "amount": a} for d, a in rows]},
            occurred_on=today,
            party=party,
            outcome=Outcome.APPROVED,
            issue=False,
        )
        created = Instalment.objects.bulk_create(
            Instalment(party=party, record=record, number=n, due_on=day, amount=amount)
            for n, (day, amount) in enumerate(sorted(rows), start=1)
        )
        deadlines.on_payment_plan(party, record, created)
        # 延期（分期）缴纳罚款批准书: issued once its dates and amounts exist.
        _issue_for_record(user, record)
    return record


def record_payment(user, party_id, *, paid_on, amount, receipt_number) -> Payment:
    """A payment against the bank's receipt: the fine first, then any surcharge due (第72条). Paid in full
    (surcharge included) → executed; every party executed → the case's execution is finished."""
    amount = _decimal(amount, "amount")
    if amount is None:
        raise ValidationError({"amount": _("请填写缴款金额。")})
    if not (receipt_number or "").strip():
        raise ValidationError({"receipt_number": _("请填写缴款凭证号。")})
    _not_future(paid_on, "paid_on")
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, State.DECIDED, State.EXECUTING, what=_("登记缴款"))
        if not party.decided_fine or party.executed_on:
            raise ValidationError(_("该当事人没有待缴纳的罚款。"))
        unpaid = deadlines.unpaid_fine(party)
        surcharge_left = deadlines.surcharge_due(party, paid_on)
        if amount > unpaid + surcharge_left:
            raise ValidationError(
                {
                    "amount": _("缴款金额超过应缴金额（罚款%(fine)s元，加处罚款%(s)s元）。")
                    % {"fine": unpaid, "s": surcharge_left}
                }
            )
        principal = min(amount, unpaid)
        payment = Payment.objects.create(
            party=party,
            paid_on=paid_on,
            amount=amount,
            surcharge=amount - principal,
            receipt_number=receipt_number.strip(),
            recorded_by=user,
        )
        audit(
            user,
            AuditEvent.Action.CREATE,
            payment,
            {"amount": [None, str(amount)], "receipt_number": [None, payment.receipt_number]},
            case.organisation_id,
        )
        if deadlines.unpaid_fine(party) == 0:
            for kind in (DK.PAYMENT, DK.INSTALMENT):
                deadlines.meet(case, kind, paid_on, party)
            if deadlines.surcharge_due(party, paid_on) == 0:
                _save(user, party, _set(party, executed_on=paid_on, stage=Stage.EXECUTED), case.organisation_id)
                _finish_if_executed(user, case)
        else:
            deadlines.meet_paid_instalments(party, paid_on)
    return payment


def surcharge_due(party, on):
    """行政处罚法 第72条: 3 % of the overdue fine per day from the day after the due date, never more than the
    fine (see deadlines.surcharge_due)."""
    return deadlines.surcharge_due(party, on)


def issue_reminder(user, party_id, *, data, occurred_on, served_on=None) -> StepRecord:
    """缴纳罚款催告书 (行政强制法 第54条): after the payment deadline passed; ``served_on`` when handed over at once
    (else its service is recorded with record_delivery)."""
    _not_future(occurred_on)
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, State.EXECUTING, what=_("催告"))
        due = _payment_due(party)
        if due is None or occurred_on <= due:
            raise ValidationError(_("行政强制法 第54条：缴纳罚款期限届满后方可催告。"))
        payload = clean_data(Kind.REMINDER, data)
        if served_on:
            # Handed over at once: the day of service is the services' own key beside the form's fields.
            payload["served_on"] = _not_future(served_on, "served_on").isoformat()
        record = _record(user, case, Kind.REMINDER, data=payload, occurred_on=occurred_on, party=party, cleaned=True)
        if served_on:
            deadlines.on_reminder_served(party, served_on)
    return record


def _payment_due(party):
    schedule = deadlines.payment_schedule(party)
    return max((day for day, _amount in schedule), default=None)


def reminder_served_on(party):
    """When the latest 催告书 reached the party: its delivery row, or the day it was handed over."""
    reminder = _latest(party.case, Kind.REMINDER, party)
    if reminder is None:
        return None
    if reminder.document_id:
        delivery = Delivery.objects.filter(party=party, document_id=reminder.document_id).order_by("served_on").first()
        if delivery is not None:
            return delivery.served_on
    served = reminder.data.get("served_on")
    return datetime.date.fromisoformat(served) if served else None


def decide_surcharge(user, party_id, *, data, occurred_on) -> StepRecord:
    """加处罚款决定书 (行政处罚法 第72条): the surcharge due on the day, capped at the fine."""
    _not_future(occurred_on)
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, State.EXECUTING, what=_("决定加处罚款"))
        amount = deadlines.surcharge_due(party, occurred_on)
        if not amount:
            raise ValidationError(_("行政处罚法 第72条：当事人未逾期缴纳罚款，不能加处罚款。"))
        return _record(
            user,
            case,
            Kind.SURCHARGE,
            data={**dict(data or {}), "as_of": occurred_on, "amount": amount},
            occurred_on=occurred_on,
            party=party,
        )


def apply_to_court(user, party_id, *, applied_on, data) -> StepRecord:
    """强制执行申请书 (行政强制法 第53、54条), only inside its window."""
    _not_future(applied_on, "applied_on")
    with transaction.atomic():
        case, party = _locked_party(user, party_id)
        _in_state(case, State.EXECUTING, what=_("申请法院强制执行"))
        if party.executed_on:
            raise ValidationError(_("该当事人已履行完毕。"))
        gates.court_window(party, applied_on, reminder_served_on(party))
        record = _record(user, case, Kind.COURT_APPLICATION, data=data, occurred_on=applied_on, party=party)
        _save(user, party, _set(party, court_applied_on=applied_on, stage=Stage.COURT), case.organisation_id)
        deadlines.meet(case, DK.COURT_LATEST, applied_on, party)
        deadlines.meet(case, DK.COURT_EARLIEST, applied_on, party)
        _finish_if_executed(user, case)
    return record


# ---- extension, closing, withdrawal, archive, sharing ------------------------------------------------------------

APPROVER_RULES = {"head": "extension_head_days", "superior": "extension_superior_days"}
OPEN_STATES = (
    State.INVESTIGATING,
    State.REPORTED,
    State.HANDLING,
    State.REVIEWING,
    State.DISCUSSING,
    State.NOTIFYING,
    State.NOTIFIED,
    State.HEARING,
)


def extend_case(user, case_id, *, days, reason, approver_level):
    """案件延期审批表: the decision limit extended to ``days`` calendar days from 立案, at most what the sector rule
    allows the approver (负责人 / 上一级部门); a new Deadline supersedes the old one. Returns the new Deadline."""
    from enforcement.rules.values import rule_value

    if approver_level not in APPROVER_RULES:
        raise ValidationError({"approver_level": _("请选择批准机关（负责人或上一级部门）。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写延期理由。")})
    with transaction.atomic():
        case = _locked_case(user, case_id, APPROVE)
        _in_state(case, *OPEN_STATES, what=_("延期"))
        today = timezone.localdate()
        limit = rule_value(APPROVER_RULES[approver_level], case.filed_on, case.organisation)
        current = deadlines.current(case, DK.DECISION)
        if not isinstance(days, int) or days <= (current.count if current else 0) or days > limit.as_int():
            raise ValidationError(
                {
                    "days": _("%(article)s：延长后的办案期限须长于现期限，且自立案之日起不超过%(n)d日。")
                    % {"article": limit.article, "n": limit.as_int()}
                }
            )
        _record(
            user,
            case,
            Kind.EXTENSION,
            data={"days": days, "reason": reason, "approver_level": approver_level},
            occurred_on=today,
            outcome=Outcome.APPROVED,
        )
        deadline = deadlines.on_extended(case, days, limit.article, deadlines.rule_source(limit))
        audit(user, AuditEvent.Action.CREATE, deadline, {"due_on": [None, deadline.due_on.isoformat()]})
    return deadline


def submit_closing(user, case_id, *, data) -> StepRecord:
    """结案审批表: every decision served and executed (or the court applied to)."""
    with transaction.atomic():
        case = _locked_case(user, case_id)
        _in_state(case, State.EXECUTED, what=_("提请结案"))
        gates.closing_ready(case)
        record = _record(user, case, Kind.CLOSING, data=data, occurred_on=timezone.localdate(), issue=False)
        _transition(user, case, "submit_closing", record=record)
    return record


def approve_closing(user, case_id, *, approved, opinion="") -> PenaltyCase:
    with transaction.atomic():
        case = _locked_case(user, case_id, APPROVE)
        _in_state(case, State.CLOSING, what=_("审批结案"))
        record = _approval(user, case, Kind.CLOSING, approved, opinion, Outcome.REJECTED)
        if approved:
            gates.closing_ready(case)
            _save(user, case, _set(case, closed_on=timezone.localdate()), case.organisation_id)
            _transition(user, case, "approve_closing", opinion, record)
        else:
            _transition(user, case, "refuse_closing", opinion, record)
        _issue_for_record(user, record)
    return case


def withdraw_case(user, case_id, *, reason) -> StepRecord:
    """撤销立案 (no violation found, or transferred to the judicial organs), with the leader's approval."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写撤销立案的理由。")})
    with transaction.atomic():
        case = _locked_case(user, case_id, APPROVE)
        record = _record(
            user,
            case,
            Kind.WITHDRAWAL,
            data={"reason": reason},
            occurred_on=timezone.localdate(),
            outcome=Outcome.APPROVED,
        )
        _transition(user, case, "withdraw", reason, record)
        _save(user, case, _set(case, outcome=PenaltyCase.Outcome.WITHDRAWN), case.organisation_id)
    return record


def archive_case(user, case_id) -> PenaltyCase:
    """归档: only a closed (or not filed / withdrawn) case; its case file cover is issued and the case locked."""
    with transaction.atomic():
        case = _locked_case(user, case_id, ARCHIVE)
        gates.archiving_ready(case)
        _issue(user, "case_file_cover", case.pk)
        _transition(user, case, "archive")
        _save(user, case, _set(case, archived_at=timezone.now()), case.organisation_id)
    return case


def share_case(user, case_id, *, with_user):
    """Share the case with one person for reading (a city reviewer): a guardian grant, by the case's own people."""
    from enforcement.orgs.models import User

    with transaction.atomic():
        case = _locked_case(user, case_id, (CHANGE, APPROVE))
        other = User.objects.filter(is_active=True).get(pk=getattr(with_user, "pk", with_user))
        assign_perm("view_penaltycase", other, case)
        audit(user, AuditEvent.Action.UPDATE, case, {"shared_with": [None, other.pk]}, case.organisation_id)
    return other
