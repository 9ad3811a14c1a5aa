"""Penalty cases of the demo city (``manage.py seed_demo``), taken through the real services.

Every case is opened, filed, investigated, reviewed, notified, decided, served, paid, closed and archived by the
demo county's own people calling ``cases/penalties/services.py``, so the demo obeys the law's gates exactly as user
input does, and its records, history, documents and deadlines are the real ones. The cases cover every state of
the procedure, plus: 一案双罚 (the unit and its principal person, two decisions), a hearing, 简易程序, instalments,
a case not filed, a withdrawn one and an archived one.

Dates are relative to today, so the demo looks alive whenever it is built: each case's last step lies in the past
few days, a decision limit expires in two days and another expired five days ago, a notified party's statement
window is still open, an unpaid fine is past its 15 days — the daily deadline job has work on the first night.

A document whose source is not registered in this checkout cannot be served; cases that need one stop before it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from cases.penalties import services
from cases.penalties.models import CaseParty, PenaltyCase
from cases.penalties.steps import form_for
from enforcement.enterprises.models import Enterprise

State = PenaltyCase.State
DAY = datetime.timedelta(days=1)
# The day of each dated step, counted from the filing: the case's history reads like a real one.
OFFSET = {"interview": 2, "scene": 3, "report": 8, "discussion": 12, "notice": 13, "hearing_request": 14}
OFFSET |= {"decision": 16, "served": 17, "paid": 20}
# Documents a case needs served before it can go past the notice.
SERVED_DOCUMENTS = ("penalty_notice", "penalty_decision", "delivery_receipt")
# A walk that takes more steps than the procedure has states is going round in circles.
MAX_STEPS = 20


@dataclass
class Plan:
    """One demo case: where it stops, how long ago it was filed, and what makes it special."""

    county: int  # index into the demo city's counties
    target: str  # a PenaltyCase.State value
    days_ago: int  # the filing day, counted back from today
    cause: str
    article_breached: str
    article_punishing: str
    unit_fine: Decimal = Decimal("20000")
    person_fine: Decimal = Decimal("5000")
    both: bool = False  # 一案双罚: the unit and its principal person
    hearing: bool = False  # the unit asks for a hearing (fine at or over the province's hearing amount)
    waive: bool = True  # the parties waive statement and hearing after the notice
    instalments: bool = False
    summary: bool = False  # 简易程序, decided on the spot
    refuse: bool = False  # 不予立案
    withdraw: bool = False  # 撤销立案


TRAINING = (
    "未按规定对从业人员进行安全生产教育和培训",
    "《安全生产法》第二十八条第一款",
    "《安全生产法》第九十七条第三项",
)
CERTIFICATE = ("特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业", "《安全生产法》第三十条第一款")
CERTIFICATE += ("《安全生产法》第九十七条第七项",)
HAZARD = ("未采取措施消除事故隐患", "《安全生产法》第四十一条第二款", "《安全生产法》第一百零二条")
EQUIPMENT = (
    "未对安全设备进行经常性维护、保养和定期检测",
    "《安全生产法》第三十六条第二款",
    "《安全生产法》第九十九条第三项",
)
SIGNS = (
    "未在有较大危险因素的生产经营场所设置明显的安全警示标志",
    "《安全生产法》第三十五条",
    "《安全生产法》第九十九条第一项",
)

PLANS = [
    # 川城区: one case in every state of the general procedure.
    Plan(0, State.FILING, 1, *TRAINING),
    Plan(0, State.INVESTIGATING, 88, *CERTIFICATE),  # decision limit (90 days) in two days
    Plan(0, State.REPORTED, 10, *HAZARD),
    Plan(0, State.HANDLING, 11, *EQUIPMENT),
    Plan(0, State.REVIEWING, 12, *SIGNS),
    Plan(0, State.NOTIFYING, 13, *TRAINING),
    Plan(0, State.NOTIFIED, 14, *HAZARD, waive=False),  # statement window still open
    Plan(0, State.DECIDED, 17, *EQUIPMENT),
    # 一案双罚: the unit pays in two instalments; its principal person's fine is unpaid 20 days after service.
    Plan(0, State.EXECUTING, 37, *CERTIFICATE, both=True, instalments=True, unit_fine=Decimal("30000")),
    Plan(0, State.EXECUTED, 22, *SIGNS),
    Plan(0, State.CLOSING, 24, *TRAINING),
    Plan(0, State.CLOSED, 26, *HAZARD),
    Plan(0, State.ARCHIVED, 30, *EQUIPMENT),
    # 东湖区: the special cases.
    Plan(1, State.HEARING, 16, *CERTIFICATE, hearing=True, unit_fine=Decimal("80000")),
    Plan(1, State.DISCUSSING, 14, *HAZARD, hearing=True, unit_fine=Decimal("120000")),
    Plan(1, State.DECIDED, 0, *SIGNS, summary=True, unit_fine=Decimal("2000")),
    Plan(1, State.NOT_FILED, 5, *SIGNS, refuse=True),
    Plan(1, State.TERMINATED, 20, *TRAINING, withdraw=True),
    # 西岭区: a case past its decision limit, for the deadline board and the daily job.
    Plan(2, State.INVESTIGATING, 95, *TRAINING),
]


def seed_penalty_cases(built, users, rng):
    """The demo registry's builder (enforcement/web/demo.py ``register_demo_data``)."""
    from django.utils import timezone

    today = timezone.localdate()
    counties = [key for key, org in built.by_key.items() if "/" not in key and org in built.counties]
    reachable = _reachable_states()
    for plan in PLANS:
        if plan.county >= len(counties) or plan.target not in reachable:
            continue
        key = counties[plan.county]
        people = Team(
            officers=[users[f"{key}_officer1"], users[f"{key}_officer2"]],
            leader=users[f"{key}_leader"],
            legal=users[f"{key}_legal"],
        )
        enterprises = list(Enterprise.objects.filter(responsible_org=built.by_key[key]).order_by("pk")[:30])
        if enterprises:
            Walk(plan, people, rng.choice(enterprises), today).run()


def _reachable_states():
    """Every state when the notice, decision and receipt have their document sources; else those before them."""
    if all(services.document_registered(key) for key in SERVED_DOCUMENTS):
        return set(State.values)
    return {State.FILING, State.INVESTIGATING, State.REPORTED, State.HANDLING, State.REVIEWING, State.DISCUSSING}


@dataclass
class Team:
    officers: list
    leader: object
    legal: object


def _parties(plan, enterprise):
    unit = {
        "kind": CaseParty.Kind.UNIT,
        "role": CaseParty.Role.UNIT,
        "name": enterprise.name,
        "enterprise": enterprise,
        "credit_code": enterprise.credit_code,
        "legal_representative": enterprise.principal_person,
        "address": enterprise.address,
        "phone": enterprise.principal_phone,
    }
    if plan.summary:
        return [unit]
    person = {
        "kind": CaseParty.Kind.PERSON,
        "role": CaseParty.Role.PRINCIPAL,
        "name": enterprise.principal_person,
        "position": "主要负责人",
        "employer": enterprise.name,
        "address": enterprise.address,
        "phone": enterprise.principal_phone,
    }
    return [unit, person] if plan.both else [unit]


def step_data(kind, given, on, people):
    """``given`` plus a demo value for every other required field of the step's form (when it is registered)."""
    data = dict(given)
    try:
        form_class = form_for(kind)
    except ValidationError:
        return data
    for name, field in form_class.base_fields.items():
        if name not in data and field.required:
            data[name] = _sample(name, field, on, people)
    return data


def _sample(name, field, on, people):
    from django import forms

    if hasattr(field, "columns"):  # a list of items, one per line
        return "演示物品 | 规格 | 1"
    if isinstance(field, forms.ModelChoiceField):
        return people.officers[0].pk
    if isinstance(field, forms.DateTimeField):
        return f"{on.isoformat()}T{'10:30' if 'end' in name else '09:00'}"
    if isinstance(field, forms.DateField):
        return on.isoformat()
    if isinstance(field, forms.IntegerField):
        return max(field.min_value or 1, 1)
    if isinstance(field, forms.DecimalField):
        return "1"
    if isinstance(field, forms.MultipleChoiceField):
        return [field.choices[0][0]]
    if isinstance(field, forms.ChoiceField):
        return next(value for value, _label in field.choices if value)
    if isinstance(field, forms.BooleanField):
        return True
    return f"（演示）{field.label}"[: getattr(field, "max_length", None) or 200]


class Walk:
    """Takes one case through the services, one step per state, until it reaches its plan's target."""

    def __init__(self, plan, people, enterprise, today):
        self.plan, self.people, self.enterprise = plan, people, enterprise
        self.officer = people.officers[0]
        self.start = today - plan.days_ago * DAY
        self.today = today
        self.case = None

    def day(self, step):
        return min(self.start + OFFSET[step] * DAY, self.today)

    def data(self, kind, on, **given):
        return step_data(kind, given, on, self.people)

    def state(self):
        return PenaltyCase.objects.only("state").get(pk=self.case.pk).state

    def run(self):
        plan = self.plan
        self.case = services.open_case(
            self.officer,
            self.officer.organisation,
            cause=plan.cause,
            source=PenaltyCase.Source.INSPECTION,
            procedure=PenaltyCase.Procedure.SUMMARY if plan.summary else PenaltyCase.Procedure.GENERAL,
            enterprise=self.enterprise,
            facts=f"执法人员检查发现{self.enterprise.name}{plan.cause}。",
            officers=self.people.officers,
            parties=_parties(plan, self.enterprise),
        )
        for party in self.case.parties.all():
            services.add_violation(
                self.officer,
                party.pk,
                facts=f"{party.name}{plan.cause}。",
                article_breached=plan.article_breached,
                article_punishing=plan.article_punishing,
            )
        if plan.summary:
            return self.on_the_spot()
        steps = 0
        while (state := self.state()) != plan.target:
            steps += 1
            if steps > MAX_STEPS:
                raise ValueError(f"the demo case {plan.cause} cannot go from {state} to {plan.target}")
            getattr(self, f"after_{state}")()
        if plan.instalments:
            self.instalments()
        return self.case

    # --- one method per state: what moves the case on ---------------------------------------------------------

    def after_filing(self):
        approved = not self.plan.refuse
        opinion = "同意立案，由承办人调查。" if approved else "违法事实不清，不予立案。"
        services.approve_filing(
            self.people.leader, self.case.pk, approved=approved, opinion=opinion, filed_on=self.start
        )

    def after_investigating(self):
        if self.plan.withdraw:
            services.withdraw_case(self.people.leader, self.case.pk, reason="经调查，违法事实不能成立，撤销立案。")
            return
        team, unit = self.people.officers, self.case.parties.get(kind=CaseParty.Kind.UNIT)
        on = self.day("interview")
        data = self.data(
            "interview",
            on,
            interviewee=unit.legal_representative or unit.name,
            subject=f"依法就{self.plan.cause}的有关问题向您了解情况",
            transcript="问：你单位是否对新入职员工进行了安全生产教育和培训？\n答：没有。",
        )
        services.record_step(self.officer, self.case.pk, "interview", data=data, occurred_on=on, officers=team)
        on = self.day("scene")
        data = self.data("scene", on, findings=f"现场检查发现{self.plan.cause}。", weather="晴")
        services.record_step(self.officer, self.case.pk, "scene", data=data, occurred_on=on, officers=team)
        on = self.day("report")
        summary = f"经调查，{self.enterprise.name}{self.plan.cause}，事实清楚，证据确凿。"
        services.end_investigation(
            self.officer, self.case.pk, data=self.data("report", on, summary=summary), occurred_on=on
        )

    def after_reported(self):
        for party in self.case.parties.all():
            fine = self.plan.unit_fine if party.kind == CaseParty.Kind.UNIT else self.plan.person_fine
            services.propose_penalty(self.officer, party.pk, kinds=["fine"], fine=fine, text=f"罚款人民币{fine}元")
        data = self.data("handling", self.today, opinion="建议依法给予罚款的行政处罚。")
        services.submit_handling(self.officer, self.case.pk, data=data)

    def after_handling(self):
        services.approve_handling(self.people.leader, self.case.pk, approved=True, opinion="同意，送法制审核。")

    def after_reviewing(self):
        data = self.data("review", self.today)
        opinion = "事实清楚，证据确凿，适用法律正确，程序合法，处罚适当。"
        services.record_review(self.people.legal, self.case.pk, passed=True, opinion=opinion, data=data)

    def after_discussing(self):
        on = self.day("discussion")
        data = self.data("discussion", on, conclusion="经集体讨论，同意给予罚款的行政处罚。")
        services.record_discussion(self.officer, self.case.pk, data=data, occurred_on=on)

    def after_notifying(self):
        services.issue_notices(self.officer, self.case.pk)
        served = self.day("notice")
        for party in self.parties():
            self.deliver(party, party.notice_id, served)
            if self.plan.hearing and party.kind == CaseParty.Kind.UNIT:
                continue
            if self.plan.waive:
                services.record_waiver(self.officer, party.pk, statement=True, hearing=True, waived_on=served)

    def after_notified(self):
        if self.plan.hearing:
            unit = self.case.parties.get(kind=CaseParty.Kind.UNIT)
            services.request_hearing(self.officer, unit.pk, requested_on=self.day("hearing_request"))
            return
        self.decide()

    def after_hearing(self):
        raise ValueError("the demo stops its hearing case before the hearing")

    def after_decided(self):
        for party in self.parties():
            self.deliver(party, party.decision_id, self.day("served"))

    def after_executing(self):
        for n, party in enumerate(self.parties(), start=1):
            services.record_payment(
                self.officer,
                party.pk,
                paid_on=self.day("paid"),
                amount=party.decided_fine,
                receipt_number=f"DEMO{self.case.pk:05d}{n}",
            )

    def after_executed(self):
        services.submit_closing(
            self.officer, self.case.pk, data=self.data("closing", self.today, summary="罚款已缴清。")
        )

    def after_closing(self):
        services.approve_closing(self.people.leader, self.case.pk, approved=True, opinion="同意结案。")

    def after_closed(self):
        services.archive_case(self.people.leader, self.case.pk)

    # --- helpers -----------------------------------------------------------------------------------------------------

    def parties(self):
        return list(self.case.parties.order_by("pk"))

    def deliver(self, party, document_id, served_on):
        services.record_delivery(
            self.officer,
            self.case.pk,
            party_id=party.pk,
            document_id=document_id,
            method="direct",
            served_on=served_on,
            place=party.address or "当事人住所",
            recipient=party.legal_representative or party.name,
            server_names="、".join(u.full_name or u.username for u in self.people.officers),
        )

    def decide(self):
        for party in self.parties():
            services.decide(
                self.officer,
                party.pk,
                kinds=party.proposed_kinds,
                fine=party.proposed_fine,
                text=party.proposed_text,
                decided_on=self.day("decision"),
            )

    def instalments(self):
        """延期（分期）缴纳 (行政处罚法 第66条): the unit pays its fine in two instalments, approved by the leader."""
        party = self.case.parties.get(kind=CaseParty.Kind.UNIT)
        half = (party.decided_fine / 2).quantize(Decimal("0.01"))
        rows = [
            {"due_on": self.today + 30 * DAY, "amount": half},
            {"due_on": self.today + 60 * DAY, "amount": party.decided_fine - half},
        ]
        data = self.data("payment_plan", self.today, reason="当事人经营困难，申请分期缴纳罚款。")
        services.approve_payment_plan(self.people.leader, party.pk, kind="instalments", instalments=rows, data=data)

    def on_the_spot(self):
        unit = self.case.parties.get()
        services.decide_on_the_spot(
            self.officer,
            self.case.pk,
            party_id=unit.pk,
            kinds=["fine"],
            fine=self.plan.unit_fine,
            text=f"当场罚款人民币{self.plan.unit_fine}元",
            decided_on=self.today,
        )
        return self.case
