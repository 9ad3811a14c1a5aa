"""The case page's action panel: what may be done to a case now, by whom, with which form, through which service.

An action is offered when the state machine allows it now (its FSM transition is among the case's available
transitions, or the case is in one of the states where the act is recorded), the user holds its permission, and
the user belongs to the case's own organisation (the city supervises read-only; only the case's bureau acts).
Every action posts its form to one view, which calls the service named here; the services check the law again.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.penalties import forms as f
from cases.penalties import services
from cases.penalties.models import PenaltyCase, StepRecord

S = PenaltyCase.State
PERMS = {
    "change": "cases.change_penaltycase",
    "approve": "cases.approve_penaltycase",
    "review": "cases.review_penaltycase",
    "archive": "cases.archive_penaltycase",
}
# Before the notice, the case's parties and their violations may still be completed.
BEFORE_NOTICE = services.BEFORE_NOTICE
OPEN_STATES = (S.INVESTIGATING, S.REPORTED, S.HANDLING, S.REVIEWING, S.DISCUSSING, S.NOTIFYING, S.NOTIFIED, S.HEARING)


@dataclass(frozen=True)
class Action:
    """One act of the panel. ``run(user, case, cleaned, data)`` calls the service (``data``: the step form's raw
    values, which the service validates again; ``cleaned["step"]``: the step form's cleaned values);
    ``transition`` offers the action when the FSM allows that transition now, else ``states`` do."""

    key: str
    label: str
    form: type
    run: Callable
    perm: str = "change"
    transition: str = ""
    states: tuple = ()
    step_kind: str = ""
    procedure: str = ""
    hint: str = ""
    success: str = _("已保存。")

    def offered(self, case, transitions):
        if self.procedure and case.procedure != self.procedure:
            return False
        if self.transition:
            return self.transition in transitions
        return case.state in self.states


def _party(cleaned):
    return cleaned["party"].pk


def _officers(cleaned):
    return list(cleaned.get("officers") or [])


def _step_action(kind):
    kind = StepRecord.Kind(kind)
    return Action(
        key=f"step_{kind.value}",
        label=kind.label,
        form=f.StepForm,
        step_kind=kind.value,
        states=(S.INVESTIGATING,),
        run=lambda user, case, c, data, kind=kind.value: services.record_step(
            user,
            case.pk,
            kind,
            data=data,
            occurred_on=c["occurred_on"],
            officers=_officers(c),
            party_id=c["party"].pk if c.get("party") else None,
        ),
        success=_("已记录%(label)s。") % {"label": kind.label},
    )


ACTIONS = [
    Action(
        "approve_filing",
        _("立案审批"),
        f.FilingApprovalForm,
        perm="approve",
        transition="approve_filing",
        procedure=PenaltyCase.Procedure.GENERAL,
        hint=_("行政处罚法第54条：符合立案标准的，应当及时立案。"),
        run=lambda user, case, c, data: services.approve_filing(
            user, case.pk, approved=c["approved"], opinion=c["opinion"], filed_on=c.get("filed_on")
        ),
        success=_("已办理立案审批。"),
    ),
    Action(
        "decide_on_the_spot",
        _("当场作出处罚决定（简易程序）"),
        f.SpotDecisionForm,
        transition="decide_on_the_spot",
        procedure=PenaltyCase.Procedure.SUMMARY,
        hint=_("行政处罚法第51–52条：警告，或对个人200元以下、对单位3000元以下罚款。"),
        run=lambda user, case, c, data: services.decide_on_the_spot(
            user,
            case.pk,
            party_id=_party(c),
            kinds=c["kinds"],
            fine=c.get("fine"),
            text=c["text"],
            decided_on=c.get("decided_on"),
        ),
        success=_("已当场作出处罚决定。"),
    ),
    Action(
        "add_party",
        _("增加当事人"),
        f.PartyForm,
        states=BEFORE_NOTICE,
        run=lambda user, case, c, data: services.add_party(
            user, case.pk, **{k: v for k, v in c.items() if v not in ("", None)}
        ),
        success=_("已增加当事人。"),
    ),
    Action(
        "add_violation",
        _("登记违法行为"),
        f.ViolationForm,
        states=(*BEFORE_NOTICE, S.NOTIFYING),
        run=lambda user, case, c, data: services.add_violation(
            user,
            _party(c),
            facts=c["facts"],
            article_breached=c["article_breached"],
            article_punishing=c["article_punishing"],
        ),
        success=_("已登记违法行为。"),
    ),
    *[_step_action(kind) for kind in f.INVESTIGATIVE_KINDS],
    Action(
        "end_investigation",
        _("调查终结（案件调查终结报告）"),
        f.DatedForm,
        transition="end_investigation",
        step_kind=StepRecord.Kind.REPORT,
        run=lambda user, case, c, data: services.end_investigation(
            user, case.pk, data=data, occurred_on=c["occurred_on"]
        ),
        success=_("调查终结，已记录案件调查终结报告。"),
    ),
    Action(
        "propose_penalty",
        _("拟处罚意见"),
        f.ProposeForm,
        states=(S.INVESTIGATING, S.REPORTED),
        run=lambda user, case, c, data: services.propose_penalty(
            user,
            _party(c),
            kinds=c["kinds"],
            fine=c.get("fine"),
            confiscation=c.get("confiscation"),
            text=c["text"],
        ),
        success=_("已保存拟处罚意见。"),
    ),
    Action(
        "submit_handling",
        _("提交案件处理呈批"),
        f.PlainForm,
        transition="submit_handling",
        step_kind=StepRecord.Kind.HANDLING,
        run=lambda user, case, c, data: services.submit_handling(user, case.pk, data=data),
        success=_("已提交案件处理呈批，等待负责人审批。"),
    ),
    Action(
        "approve_handling",
        _("案件处理审批"),
        f.ApprovalForm,
        perm="approve",
        transition="approve_handling",
        run=lambda user, case, c, data: services.approve_handling(
            user, case.pk, approved=c["approved"], opinion=c["opinion"]
        ),
        success=_("已办理案件处理审批。"),
    ),
    Action(
        "record_review",
        _("法制审核"),
        f.ReviewForm,
        perm="review",
        transition="pass_review",
        step_kind=StepRecord.Kind.REVIEW,
        hint=_("行政处罚法第58条：审核人员不得是本案调查人员。"),
        run=lambda user, case, c, data: services.record_review(
            user, case.pk, passed=c["passed"], opinion=c["opinion"], data=data
        ),
        success=_("已记录法制审核意见。"),
    ),
    Action(
        "record_discussion",
        _("集体讨论"),
        f.DatedForm,
        transition="record_discussion",
        step_kind=StepRecord.Kind.DISCUSSION,
        hint=_("行政处罚法第57条第2款：情节复杂或重大违法行为给予较重处罚，应当集体讨论决定。"),
        run=lambda user, case, c, data: services.record_discussion(
            user, case.pk, data=data, occurred_on=c["occurred_on"]
        ),
        success=_("已记录集体讨论。"),
    ),
    Action(
        "issue_notices",
        _("出具行政处罚告知书"),
        f.NoticeForm,
        transition="notify",
        hint=_("行政处罚法第44条：告知拟处罚的事实、理由、依据和内容，以及陈述、申辩、听证的权利。"),
        run=lambda user, case, c, data: services.issue_notices(user, case.pk),
        success=_("已出具行政处罚告知书，请登记送达。"),
    ),
    Action(
        "record_delivery",
        _("登记文书送达"),
        f.DeliveryForm,
        states=(S.NOTIFIED, S.HEARING, S.DECIDED, S.EXECUTING),
        hint=_("行政处罚法第61条：电子送达须当事人事先签署送达地址确认书。"),
        run=lambda user, case, c, data: services.record_delivery(
            user,
            case.pk,
            party_id=_party(c),
            document_id=c["document"].pk,
            method=c["method"],
            served_on=c["served_on"],
            place=c["place"],
            recipient=c["recipient"],
            server_names=c["server_names"],
            note=c["note"],
        ),
        success=_("已登记送达。"),
    ),
    Action(
        "address_confirmation",
        _("送达地址确认书"),
        f.PartyDatedForm,
        states=(*BEFORE_NOTICE, S.NOTIFYING, S.NOTIFIED, S.HEARING, S.DECIDED),
        step_kind=StepRecord.Kind.ADDRESS_CONFIRMATION,
        hint=_("行政处罚法第61条：当事人同意并签订确认书的，可以采用传真、电子邮件等方式送达。"),
        run=lambda user, case, c, data: services.record_step(
            user,
            case.pk,
            StepRecord.Kind.ADDRESS_CONFIRMATION,
            data=data,
            occurred_on=c["occurred_on"],
            party_id=_party(c),
        ),
        success=_("已记录送达地址确认书。"),
    ),
    Action(
        "record_statement",
        _("陈述申辩笔录"),
        f.StatementForm,
        states=(S.NOTIFIED,),
        step_kind=StepRecord.Kind.STATEMENT,
        run=lambda user, case, c, data: services.record_statement(
            user, _party(c), data=data, occurred_on=c["occurred_on"]
        ),
        success=_("已记录陈述申辩。"),
    ),
    Action(
        "record_waiver",
        _("当事人放弃陈述申辩、听证"),
        f.WaiverForm,
        states=(S.NOTIFIED,),
        hint=_("行政处罚法第62条：当事人明确放弃的，可以在期限届满前作出决定。"),
        run=lambda user, case, c, data: services.record_waiver(
            user, _party(c), statement=c["statement"], hearing=c["hearing"], waived_on=c.get("waived_on")
        ),
        success=_("已记录当事人放弃的权利。"),
    ),
    Action(
        "request_hearing",
        _("登记听证申请"),
        f.HearingRequestForm,
        states=(S.NOTIFIED,),
        run=lambda user, case, c, data: services.request_hearing(user, _party(c), requested_on=c["requested_on"]),
        success=_("已登记听证申请。"),
    ),
    Action(
        "schedule_hearing",
        _("听证会通知"),
        f.ScheduleHearingForm,
        states=(S.HEARING,),
        step_kind=StepRecord.Kind.HEARING_NOTICE,
        run=lambda user, case, c, data: services.schedule_hearing(
            user,
            case.pk,
            hearing_on=c["step"]["hearing_on"],
            place=c["step"]["place"],
            chair_id=getattr(c["step"]["chair_id"], "pk", c["step"]["chair_id"]),
            data=data,
            notified_on=c.get("notified_on"),
        ),
        success=_("已出具听证会通知书。"),
    ),
    Action(
        "record_hearing",
        _("听证笔录"),
        f.DatedForm,
        states=(S.HEARING,),
        step_kind=StepRecord.Kind.HEARING,
        run=lambda user, case, c, data: services.record_hearing(user, case.pk, data=data, occurred_on=c["occurred_on"]),
        success=_("已记录听证笔录。"),
    ),
    Action(
        "record_hearing_report",
        _("听证会报告"),
        f.DatedForm,
        states=(S.HEARING,),
        step_kind=StepRecord.Kind.HEARING_REPORT,
        run=lambda user, case, c, data: services.record_hearing_report(
            user, case.pk, data=data, occurred_on=c["occurred_on"]
        ),
        success=_("已记录听证会报告。"),
    ),
    Action(
        "decide",
        _("作出行政处罚决定"),
        f.DecideForm,
        states=(S.NOTIFIED, S.HEARING),
        hint=_("行政处罚法第59条；陈述申辩后不得加重处罚（第45条）。"),
        run=lambda user, case, c, data: services.decide(
            user,
            _party(c),
            kinds=c["kinds"],
            fine=c.get("fine"),
            confiscation=c.get("confiscation"),
            text=c["text"],
            decided_on=c.get("decided_on"),
        ),
        success=_("已出具行政处罚决定书，请登记送达。"),
    ),
    Action(
        "decide_no_penalty",
        _("不予行政处罚"),
        f.NoPenaltyForm,
        states=(S.NOTIFYING, S.NOTIFIED, S.HEARING),
        hint=_("行政处罚法第33条。"),
        run=lambda user, case, c, data: services.decide_no_penalty(
            user, _party(c), reason=c["reason"], decided_on=c.get("decided_on")
        ),
        success=_("已出具不予行政处罚决定书。"),
    ),
    Action(
        "approve_payment_plan",
        _("批准延期（分期）缴纳罚款"),
        f.PaymentPlanForm,
        perm="approve",
        states=(S.DECIDED, S.EXECUTING),
        step_kind=StepRecord.Kind.PAYMENT_PLAN,
        hint=_("行政处罚法第66条：当事人确有经济困难的，经申请和批准可以暂缓或者分期缴纳。"),
        run=lambda user, case, c, data: services.approve_payment_plan(
            user, _party(c), kind=c["kind"], instalments=c["instalments"], data=data
        ),
        success=_("已批准延期（分期）缴纳。"),
    ),
    Action(
        "record_payment",
        _("登记罚款缴纳"),
        f.PaymentForm,
        states=(S.EXECUTING,),
        run=lambda user, case, c, data: services.record_payment(
            user, _party(c), paid_on=c["paid_on"], amount=c["amount"], receipt_number=c["receipt_number"]
        ),
        success=_("已登记缴款。"),
    ),
    Action(
        "issue_reminder",
        _("缴纳罚款催告"),
        f.PartyDatedForm,
        states=(S.EXECUTING,),
        step_kind=StepRecord.Kind.REMINDER,
        hint=_("行政强制法第35、54条：申请法院强制执行前应当催告。"),
        run=lambda user, case, c, data: services.issue_reminder(
            user, _party(c), data=data, occurred_on=c["occurred_on"]
        ),
        success=_("已出具缴纳罚款催告书。"),
    ),
    Action(
        "decide_surcharge",
        _("加处罚款决定"),
        f.PartyDatedForm,
        states=(S.EXECUTING,),
        step_kind=StepRecord.Kind.SURCHARGE,
        hint=_("行政处罚法第72条：每日按罚款数额的百分之三加处罚款，不得超出罚款数额。"),
        run=lambda user, case, c, data: services.decide_surcharge(
            user, _party(c), data=data, occurred_on=c["occurred_on"]
        ),
        success=_("已出具加处罚款决定书。"),
    ),
    Action(
        "apply_to_court",
        _("申请法院强制执行"),
        f.PartyDatedForm,
        states=(S.EXECUTING,),
        step_kind=StepRecord.Kind.COURT_APPLICATION,
        hint=_("行政强制法第53–54条：催告书送达10日后、法定期限届满之日起3个月内申请。"),
        run=lambda user, case, c, data: services.apply_to_court(
            user, _party(c), applied_on=c["occurred_on"], data=data
        ),
        success=_("已记录强制执行申请。"),
    ),
    Action(
        "extend_case",
        _("案件延期"),
        f.ExtensionForm,
        perm="approve",
        states=OPEN_STATES,
        hint=_("行政处罚法第60条：90日内作出决定；延期须经批准。"),
        run=lambda user, case, c, data: services.extend_case(
            user, case.pk, days=c["days"], reason=c["reason"], approver_level=c["approver_level"]
        ),
        success=_("已办理案件延期。"),
    ),
    Action(
        "submit_closing",
        _("提交结案审批"),
        f.PlainForm,
        transition="submit_closing",
        step_kind=StepRecord.Kind.CLOSING,
        run=lambda user, case, c, data: services.submit_closing(user, case.pk, data=data),
        success=_("已提交结案审批。"),
    ),
    Action(
        "approve_closing",
        _("结案审批"),
        f.ApprovalForm,
        perm="approve",
        transition="approve_closing",
        run=lambda user, case, c, data: services.approve_closing(
            user, case.pk, approved=c["approved"], opinion=c["opinion"]
        ),
        success=_("已办理结案审批。"),
    ),
    Action(
        "withdraw_case",
        _("撤销立案"),
        f.ReasonForm,
        perm="approve",
        transition="withdraw",
        run=lambda user, case, c, data: services.withdraw_case(user, case.pk, reason=c["reason"]),
        success=_("已撤销立案。"),
    ),
    Action(
        "archive_case",
        _("归档"),
        f.ConfirmForm,
        perm="archive",
        transition="archive",
        hint=_("归档后案卷锁定，不能再修改。"),
        run=lambda user, case, c, data: services.archive_case(user, case.pk),
        success=_("已归档，案卷已锁定。"),
    ),
]
BY_KEY = {action.key: action for action in ACTIONS}


def acts_in(user, case):
    """Whether ``user`` may act in ``case`` at all: its own organisation's people, never the supervising city."""
    return user.organisation_id is not None and user.organisation_id == case.organisation_id and not case.is_locked


def available(user, case):
    """The actions ``user`` may take in ``case`` now, in procedure order."""
    if not acts_in(user, case):
        return []
    transitions = {t.name for t in case.get_available_state_transitions()}
    return [a for a in ACTIONS if user.has_perm(PERMS[a.perm]) and a.offered(case, transitions)]
