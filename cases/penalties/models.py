"""Penalty cases (行政处罚案件, R-14, R-15, R-17, R-20…R-22): the case and its procedure, its parties with their
violations and penalties, the records of each step, deadlines, deliveries, payments and evidence.

The procedure is a state machine on ``PenaltyCase.state`` (django-fsm-2, ``protected=True``): the field is changed
only by the transition methods declared in ``cases/penalties/procedure.py``, which the services in
``cases/penalties/services.py`` call inside their transaction. Every transition is recorded as a ``CaseEvent``.

Facts the law fixes per party (一案双罚, R-17: the unit and its principal person in one case, each with their own
notice, decision, number, delivery and execution) live on ``CaseParty``; facts of the case as a whole (filing,
investigation, review, discussion, closing, archiving) on the case and its ``StepRecord`` rows.

A deadline is data (``Deadline``): start event, count, unit, article and the computed due date; an extension or
a new start records a new row beside the old one (``superseded_by``), never overwrites it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from enforcement.jobs import ClaimedJob
from enforcement.orgs.scoping import RestrictedQuerySet

# Typed text that a document prints (facts, reasons) is bounded: a few pages at most (issue 9 item 5).
FACTS_MAX = 5000


class PenaltyCase(models.Model):
    """One administrative penalty case of one enforcement organisation (一案一卷)."""

    class State(models.TextChoices):
        # 一般程序 (行政处罚法 第54–65条)
        FILING = "filing", _("立案审批")
        INVESTIGATING = "investigating", _("调查取证")
        REPORTED = "reported", _("调查终结")
        HANDLING = "handling", _("案件处理呈批")
        REVIEWING = "reviewing", _("法制审核")
        DISCUSSING = "discussing", _("集体讨论")
        NOTIFYING = "notifying", _("待告知")
        NOTIFIED = "notified", _("已告知（陈述申辩期）")
        HEARING = "hearing", _("听证")
        DECIDED = "decided", _("已决定（待送达）")
        EXECUTING = "executing", _("执行中")
        EXECUTED = "executed", _("执行完毕")
        CLOSING = "closing", _("结案审批")
        CLOSED = "closed", _("已结案")
        ARCHIVED = "archived", _("已归档")
        # Ends other than a penalty
        NOT_FILED = "not_filed", _("不予立案")
        TERMINATED = "terminated", _("撤销立案（终止调查）")

    class Procedure(models.TextChoices):
        GENERAL = "general", _("一般程序")
        # 行政处罚法 第51–52条: warning, or fine ≤ 200 yuan (person) / ≤ 3,000 yuan (organisation), on the spot.
        SUMMARY = "summary", _("简易程序")

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("监督检查发现")
        HAZARD = "hazard", _("隐患整改逾期/复查发现")
        COMPLAINT = "complaint", _("投诉举报")
        REFERRAL = "referral", _("其他部门移送")
        ACCIDENT = "accident", _("事故调查")
        HANDOVER = "handover", _("上级交办")
        OTHER = "other", _("其他")

    class Outcome(models.TextChoices):
        PENDING = "", _("未决")
        PENALTY = "penalty", _("给予行政处罚")
        NO_PENALTY = "no_penalty", _("不予行政处罚")
        TRANSFERRED = "transferred", _("移送司法机关")
        WITHDRAWN = "withdrawn", _("撤销立案")

    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="penalty_cases"
    )
    uid = models.UUIDField(_("案件标识"), default=uuid.uuid4, unique=True, editable=False)
    cause = models.CharField(_("案由"), max_length=200)
    procedure = models.CharField(_("程序"), max_length=10, choices=Procedure.choices, default=Procedure.GENERAL)
    state = FSMField(_("办理环节"), max_length=16, choices=State.choices, default=State.FILING, protected=True)
    outcome = models.CharField(_("处理结果"), max_length=12, choices=Outcome.choices, default="", blank=True)

    source = models.CharField(_("案件来源"), max_length=12, choices=Source.choices)
    source_inspection = models.ForeignKey(
        "cases.Inspection",
        verbose_name=_("来源检查"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
        null=True,
        blank=True,
    )
    source_hazard = models.ForeignKey(
        "cases.Hazard",
        verbose_name=_("来源隐患"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
        null=True,
        blank=True,
    )
    source_detail = models.TextField(_("案件来源说明"), max_length=1000, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("涉案单位"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
        null=True,
        blank=True,
    )
    facts = models.TextField(_("简要案情"), max_length=FACTS_MAX, blank=True)
    # The powers a township or park uses must be among those delegated to it.
    power = models.CharField(_("执法事项"), max_length=100, blank=True)

    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("承办人"), related_name="penalty_cases", blank=True
    )
    # 案审分离 (行政处罚法 第58条): the reviewer may not be one of the officers.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("法制审核人员"),
        on_delete=models.PROTECT,
        related_name="reviewed_penalty_cases",
        null=True,
        blank=True,
    )
    # Decided when the case is filed, from the versioned rules (art. 58 and the province's practice), and
    # re-decided when the proposed penalty reaches a threshold; the reason is shown on the case page.
    review_required = models.BooleanField(_("需法制审核"), default=True)
    discussion_required = models.BooleanField(_("需集体讨论"), default=False)
    hearing_applicable = models.BooleanField(_("适用听证"), default=False)
    is_major = models.BooleanField(_("重大复杂案件"), default=False)

    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="pcase_org_created_idx"),
            # The case list's order: a city's first page walks it instead of sorting its whole scope
            # (bench/bench_penalties.py, 100,000 cases: 370 ms → 23 ms).
            models.Index(fields=["-created_at", "-id"], name="pcase_created_idx"),
            models.Index(fields=["organisation", "state"], name="pcase_org_state_idx"),
            models.Index(fields=["enterprise", "-created_at"], name="pcase_ent_created_idx"),
        ]
        permissions = [
            ("approve_penaltycase", _("审批行政处罚案件（立案、处理、延期、结案）")),
            ("review_penaltycase", _("法制审核行政处罚案件")),
            ("archive_penaltycase", _("归档行政处罚案件")),
        ]

    def __str__(self):
        return f"{self.cause}（{self.get_state_display()}）"

    @property
    def is_locked(self):
        """Archived (归档): nothing may change any more (R-22)."""
        return self.state == self.State.ARCHIVED

    @property
    def is_summary(self):
        return self.procedure == self.Procedure.SUMMARY

    # ---- The procedure (django-fsm-2). Called only by cases/penalties/services.py, which checks the legal gates
    # (cases/penalties/gates.py) first and passes ``by``/``note``/``record``: the post_transition receiver
    # (cases/penalties/signals.py) writes them into a CaseEvent. Targets chosen at run time (RETURN_VALUE) are the
    # branches the law makes: review and discussion only when required, execution only for a penalty.
    S = State

    @transition(field=state, source=S.FILING, target=S.INVESTIGATING)
    def approve_filing(self, by, note="", record=None):
        """立案审批 approved: investigation starts (行政处罚法 第54条)."""

    @transition(field=state, source=S.FILING, target=S.NOT_FILED)
    def refuse_filing(self, by, note="", record=None):
        """不予立案."""

    @transition(field=state, source=S.INVESTIGATING, target=S.REPORTED)
    def end_investigation(self, by, note="", record=None):
        """案件调查终结报告 written."""

    @transition(field=state, source=S.REPORTED, target=S.HANDLING)
    def submit_handling(self, by, note="", record=None):
        """案件处理呈批表 submitted to the leader."""

    @transition(field=state, source=[S.HANDLING, S.REVIEWING], target=S.INVESTIGATING)
    def return_for_investigation(self, by, note="", record=None):
        """Sent back for more investigation (处理呈批 or 法制审核 returned the case)."""

    @transition(field=state, source=S.HANDLING, target=RETURN_VALUE(S.REVIEWING, S.DISCUSSING, S.NOTIFYING))
    def approve_handling(self, by, note="", record=None):
        """The leader approved the proposed handling; next: legal review, discussion or the notice."""
        if self.review_required:
            return self.State.REVIEWING
        return self.State.DISCUSSING if self.discussion_required else self.State.NOTIFYING

    @transition(field=state, source=S.REVIEWING, target=RETURN_VALUE(S.DISCUSSING, S.NOTIFYING))
    def pass_review(self, by, note="", record=None):
        """法制审核 passed (行政处罚法 第58条)."""
        return self.State.DISCUSSING if self.discussion_required else self.State.NOTIFYING

    @transition(field=state, source=S.DISCUSSING, target=S.NOTIFYING)
    def record_discussion(self, by, note="", record=None):
        """集体讨论 recorded (行政处罚法 第57条第2款)."""

    @transition(field=state, source=S.NOTIFYING, target=S.NOTIFIED)
    def notify(self, by, note="", record=None):
        """Every party's 行政处罚告知书 issued (行政处罚法 第44条)."""

    @transition(field=state, source=S.NOTIFIED, target=S.HEARING)
    def open_hearing(self, by, note="", record=None):
        """A party asked for a hearing in time (行政处罚法 第63–64条)."""

    @transition(field=state, source=[S.NOTIFIED, S.HEARING], target=S.NOTIFYING)
    def renotify(self, by, note="", record=None):
        """A heavier penalty than notified needs a new notice (行政处罚法 第45条)."""

    @transition(field=state, source=[S.NOTIFIED, S.HEARING, S.NOTIFYING], target=S.DECIDED)
    def decide(self, by, note="", record=None):
        """Every party's decision issued (行政处罚法 第59条); from NOTIFYING only for 不予处罚 (第33条)."""

    @transition(field=state, source=S.FILING, target=S.DECIDED)
    def decide_on_the_spot(self, by, note="", record=None):
        """简易程序: 当场处罚决定书 (行政处罚法 第51–52条)."""

    @transition(field=state, source=S.DECIDED, target=RETURN_VALUE(S.EXECUTING, S.EXECUTED))
    def serve(self, by, note="", record=None):
        """Every decision served (行政处罚法 第61条); a decision without anything to execute is done."""
        return self.State.EXECUTING if self.outcome == self.Outcome.PENALTY else self.State.EXECUTED

    @transition(field=state, source=S.EXECUTING, target=S.EXECUTED)
    def finish_execution(self, by, note="", record=None):
        """Every party paid (or the court was applied to, 行政强制法 第53条)."""

    @transition(field=state, source=S.EXECUTED, target=S.CLOSING)
    def submit_closing(self, by, note="", record=None):
        """结案审批表 submitted."""

    @transition(field=state, source=S.CLOSING, target=S.EXECUTED)
    def refuse_closing(self, by, note="", record=None):
        """结案审批 refused: the case goes back for what is missing."""

    @transition(field=state, source=S.CLOSING, target=S.CLOSED)
    def approve_closing(self, by, note="", record=None):
        """结案审批 approved."""

    @transition(
        field=state,
        source=[S.INVESTIGATING, S.REPORTED, S.HANDLING, S.REVIEWING, S.DISCUSSING],
        target=S.TERMINATED,
    )
    def withdraw(self, by, note="", record=None):
        """撤销立案 (e.g. no violation found, or transferred to the judicial organs)."""

    @transition(field=state, source=[S.CLOSED, S.NOT_FILED, S.TERMINATED], target=S.ARCHIVED)
    def archive(self, by, note="", record=None):
        """归档: the case file is locked (R-22)."""


class PenaltyCaseUserObjectPermission(UserObjectPermissionBase):
    """Direct-FK guardian grants: a case shared with one person (a city reviewer), folded into restrict()."""

    content_object = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="user_grants")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("案件共享（用户）")


class PenaltyCaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(PenaltyCase, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("案件共享（用户组）")


PenaltyCase.user_object_permission_model = PenaltyCaseUserObjectPermission


class CaseParty(models.Model):
    """A party (当事人) of a case: the unit or an individual (its principal person, another manager).

    一案双罚 (安全生产法 第94–97条等, R-17): each party has its own violations, proposed and decided penalty,
    notice, decision (with its own number), delivery and execution.
    """

    class Kind(models.TextChoices):
        UNIT = "unit", _("单位")
        PERSON = "person", _("个人")

    class Role(models.TextChoices):
        UNIT = "unit", _("生产经营单位")
        PRINCIPAL = "principal", _("主要负责人")
        MANAGER = "manager", _("其他负责人")
        SAFETY_MANAGER = "safety_manager", _("安全生产管理人员")
        OTHER = "other", _("其他人员")

    class Stage(models.TextChoices):
        PROPOSED = "proposed", _("拟处罚")
        NOTIFIED = "notified", _("已告知")
        HEARING = "hearing", _("听证中")
        DECIDED = "decided", _("已决定")
        SERVED = "served", _("已送达")
        EXECUTED = "executed", _("已执行")
        COURT = "court", _("已申请法院强制执行")

    case = models.ForeignKey(PenaltyCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("当事人类型"), max_length=8, choices=Kind.choices)
    role = models.CharField(_("身份"), max_length=16, choices=Role.choices)
    name = models.CharField(_("名称/姓名"), max_length=100)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="penalty_parties",
        null=True,
        blank=True,
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    address = models.CharField(_("地址/住址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    stage = models.CharField(_("处罚环节"), max_length=10, choices=Stage.choices, default=Stage.PROPOSED)

    # Proposed penalty (拟处罚), as notified; the decision may not be heavier after a statement (第45条).
    proposed_kinds = models.JSONField(_("拟处罚种类"), default=list, blank=True)
    proposed_fine = models.DecimalField(_("拟罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    proposed_confiscation = models.DecimalField(
        _("拟没收违法所得（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    proposed_text = models.TextField(_("拟处罚内容"), max_length=1000, blank=True)
    # Decided penalty (处罚决定).
    decided_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    decided_fine = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    decided_confiscation = models.DecimalField(
        _("没收违法所得（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decided_text = models.TextField(_("处罚内容"), max_length=1000, blank=True)
    no_penalty = models.BooleanField(_("不予处罚"), default=False)
    no_penalty_reason = models.TextField(_("不予处罚理由"), max_length=1000, blank=True)

    # The party's answer to the notice (行政处罚法 第44、45、62、63条).
    waived_statement = models.BooleanField(_("明确放弃陈述申辩"), default=False)
    waived_hearing = models.BooleanField(_("明确放弃听证"), default=False)
    hearing_requested_on = models.DateField(_("申请听证日期"), null=True, blank=True)

    notice = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("行政处罚告知书"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    notice_served_on = models.DateField(_("告知书送达日期"), null=True, blank=True)
    decision = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("处罚决定书"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decision_served_on = models.DateField(_("决定书送达日期"), null=True, blank=True)
    executed_on = models.DateField(_("执行完毕日期"), null=True, blank=True)
    court_applied_on = models.DateField(_("申请法院强制执行日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person") | ~Q(role__in=["principal", "manager", "safety_manager", "other"]),
                name="%(app_label)s_%(class)s_person_roles",
            ),
        ]

    def __str__(self):
        return self.name


class Violation(models.Model):
    """One violation of one party: the facts, the article breached and the article that punishes it."""

    party = models.ForeignKey(CaseParty, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="violations")
    facts = models.TextField(_("违法事实"), max_length=FACTS_MAX)
    article_breached = models.CharField(
        _("违反的条款"), max_length=200, help_text=_("如《安全生产法》第四十一条第二款")
    )
    article_punishing = models.CharField(_("处罚依据"), max_length=200, help_text=_("如《安全生产法》第一百零二条"))
    order = models.PositiveSmallIntegerField(_("序号"), default=1)

    class Meta:
        verbose_name = _("违法行为")
        verbose_name_plural = _("违法行为")
        ordering = ["party", "order", "id"]

    def __str__(self):
        return f"{self.party}: {self.article_breached}"


class StepRecord(models.Model):
    """One act of the procedure with its structured content: an interview, a scene inspection, a sample, a
    preservation, the investigation report, the handling approval, legal review, collective discussion, the
    statement, a hearing step, an extension, a payment arrangement, the closing approval.

    ``data`` holds the act's fields as validated by its form (cases/penalties/steps.py names the fields of each
    kind); ``document`` is the document issued from it, when the kind has one. Records are never edited after
    their document is issued: a correction is a new record that ``replaces`` the earlier one.
    """

    class Kind(models.TextChoices):
        FILING = "filing", _("立案审批")
        INTERVIEW_NOTICE = "interview_notice", _("询问通知")
        INTERVIEW = "interview", _("询问笔录")
        SCENE = "scene", _("勘验笔录")
        SAMPLING = "sampling", _("抽样取证")
        PRESERVATION = "preservation", _("先行登记保存")
        PRESERVATION_DISPOSAL = "preservation_disposal", _("先行登记保存处理决定")
        REPORT = "report", _("案件调查终结报告")
        HANDLING = "handling", _("案件处理呈批")
        REVIEW = "review", _("法制审核")
        DISCUSSION = "discussion", _("集体讨论")
        STATEMENT = "statement", _("陈述申辩")
        HEARING_NOTICE = "hearing_notice", _("听证会通知")
        HEARING = "hearing", _("听证笔录")
        HEARING_REPORT = "hearing_report", _("听证会报告")
        ADDRESS_CONFIRMATION = "address_confirmation", _("送达地址确认")
        EXTENSION = "extension", _("案件延期审批")
        PAYMENT_PLAN = "payment_plan", _("延期（分期）缴纳罚款")
        REMINDER = "reminder", _("缴纳罚款催告")
        SURCHARGE = "surcharge", _("加处罚款决定")
        COURT_APPLICATION = "court_application", _("强制执行申请")
        CLOSING = "closing", _("结案审批")
        WITHDRAWAL = "withdrawal", _("撤销立案")

    class Outcome(models.TextChoices):
        NONE = "", _("—")
        APPROVED = "approved", _("同意")
        REJECTED = "rejected", _("不同意")
        RETURNED = "returned", _("退回补充")

    case = models.ForeignKey(PenaltyCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="records")
    party = models.ForeignKey(
        CaseParty, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="records", null=True, blank=True
    )
    kind = models.CharField(_("环节"), max_length=24, choices=Kind.choices)
    data = models.JSONField(_("内容"), default=dict, blank=True)
    outcome = models.CharField(_("意见"), max_length=10, choices=Outcome.choices, default="", blank=True)
    occurred_on = models.DateField(_("日期"))
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("执法人员"), related_name="penalty_step_records", blank=True
    )
    document = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("文书"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("更正的记录"),
        on_delete=models.PROTECT,
        related_name="replaced_by",
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办案环节记录")
        verbose_name_plural = _("办案环节记录")
        ordering = ["case", "occurred_on", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="pstep_case_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"


class CaseEvent(models.Model):
    """The procedure's history (R-20 全过程记录): every transition, who made it, when, from and to which state."""

    case = models.ForeignKey(PenaltyCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(_("操作"), max_length=40)
    source_state = models.CharField(_("原环节"), max_length=16, choices=PenaltyCase.State.choices)
    target_state = models.CharField(_("新环节"), max_length=16, choices=PenaltyCase.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    by_name = models.CharField(_("操作人姓名"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("说明"), max_length=1000, blank=True)
    record = models.ForeignKey(
        StepRecord, verbose_name=_("环节记录"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("案件流转记录")
        verbose_name_plural = _("案件流转记录")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.transition} {self.at:%Y-%m-%d %H:%M}"


class Deadline(models.Model):
    """A statutory time limit of a case or a party: computed from its start event, never typed in.

    ``due_on`` comes from ``enforcement.workdays.deadlines.compute_due(started_on, count, unit)``; when the period
    crosses a year without holiday data, ``calendar_warning`` says so (shown beside the date). An extension or a
    new start (a new notice, say) adds a new row and points the old one at it with ``superseded_by``; overdue is
    the query ``open & due_on < today``.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", _("作出处罚决定")
        PRESERVATION_DISPOSAL = "preservation_disposal", _("先行登记保存物品处理决定")
        STATEMENT = "statement", _("陈述申辩期")
        HEARING_REQUEST = "hearing_request", _("听证申请期")
        HEARING_NOTICE = "hearing_notice", _("听证会通知最迟送达")
        ABSENT_DELIVERY = "absent_delivery", _("决定书送达（当事人不在场）")
        PAYMENT = "payment", _("缴纳罚款")
        INSTALMENT = "instalment", _("分期（延期）缴纳")
        COURT_EARLIEST = "court_earliest", _("申请强制执行（催告后最早）")
        COURT_LATEST = "court_latest", _("申请强制执行（最迟）")
        CLOSING = "closing", _("结案")

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", _("个工作日")
        CALENDAR_DAYS = "calendar_days", _("日")
        HOURS = "hours", _("小时")
        MONTHS = "months", _("个月")

    # Earliest days, not last days (see due_q).
    NOT_BEFORE_KINDS = (Kind.COURT_EARLIEST,)

    case = models.ForeignKey(PenaltyCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="deadlines")
    party = models.ForeignKey(
        CaseParty, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="deadlines", null=True, blank=True
    )
    # Denormalised from the case so that the city's deadline board is one indexed query over its scope.
    organisation = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("执法主体"), on_delete=models.PROTECT, related_name="penalty_deadlines"
    )
    kind = models.CharField(_("期限"), max_length=24, choices=Kind.choices)
    start_event = models.CharField(_("起算事件"), max_length=100)
    started_on = models.DateField(_("起算日"))
    count = models.PositiveIntegerField(_("期间"))
    unit = models.CharField(_("单位"), max_length=16, choices=Unit.choices)
    backwards = models.BooleanField(_("倒算"), default=False)
    article = models.CharField(_("法律依据"), max_length=100)
    due_on = models.DateField(_("届满日"))
    calendar_warning = models.CharField(_("日历提示"), max_length=200, blank=True)
    # Where the count came from when it is configuration (e.g. "应急管理部令第18号 待核实"), as it was on the day.
    rule_source = models.CharField(_("规则来源"), max_length=200, blank=True)
    met_on = models.DateField(_("完成日期"), null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("延长/重新起算为"),
        on_delete=models.PROTECT,
        related_name="supersedes",
        null=True,
        blank=True,
    )
    # The daily job marks a missed deadline once; the notifications it sends are keyed per deadline and day.
    overdue_marked_on = models.DateField(_("标记逾期日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "organisation"

    class Meta:
        verbose_name = _("办案期限")
        verbose_name_plural = _("办案期限")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["organisation", "due_on"],
                name="pdeadline_open_due_idx",
                condition=Q(met_on__isnull=True, superseded_by__isnull=True),
            ),
            models.Index(fields=["case", "kind"], name="pdeadline_case_kind_idx"),
            # The deadline board's order (open deadlines, soonest first) for a whole city's scope
            # (bench/bench_penalties.py, 31,000 open of 210,000: the page's rows 91 ms → 12 ms).
            models.Index(
                fields=["due_on", "id"],
                name="pdeadline_open_by_due_idx",
                condition=Q(met_on__isnull=True, superseded_by__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"

    @staticmethod
    def open_q():
        return Q(met_on__isnull=True, superseded_by__isnull=True)

    @staticmethod
    def due_q():
        """Open deadlines that something must be done BY: the boards, to-do lists, overdue flags and the daily job.
        A "not before" day (the earliest day to apply to the court, 行政强制法 第54条) opens a window; once it has
        passed, nothing is late — the window's end (court_latest, 第53条) is the deadline that can be missed."""
        return Deadline.open_q() & ~Q(kind__in=Deadline.NOT_BEFORE_KINDS)


class Delivery(models.Model):
    """One row of the case's 文书送达回执 (应急回): the document served, to whom, where, when, how, by whom.

    行政处罚法 第61条: electronic delivery (fax, e-mail, platform) only after the party signed a 送达地址确认书.
    """

    class Method(models.TextChoices):
        DIRECT = "direct", _("直接送达")
        AGENT = "agent", _("代收")
        LEFT = "left", _("留置送达")
        POST = "post", _("邮寄送达")
        ELECTRONIC = "electronic", _("电子送达（传真、电子邮件等）")
        ANNOUNCEMENT = "announcement", _("公告送达")
        ON_THE_SPOT = "on_the_spot", _("当场交付")

    case = models.ForeignKey(PenaltyCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="deliveries")
    party = models.ForeignKey(
        CaseParty, verbose_name=_("受送达人"), on_delete=models.CASCADE, related_name="deliveries"
    )
    document = models.ForeignKey(
        "documents.IssuedDocument", verbose_name=_("送达文书"), on_delete=models.PROTECT, related_name="deliveries"
    )
    method = models.CharField(_("送达方式"), max_length=14, choices=Method.choices)
    served_on = models.DateField(_("送达日期"))
    place = models.CharField(_("送达地点"), max_length=200)
    recipient = models.CharField(_("签收人"), max_length=100)
    server_names = models.CharField(_("送达人"), max_length=100)
    note = models.CharField(_("备注"), max_length=300, blank=True, help_text=_("代收、留置的情况及见证人"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文书送达")
        verbose_name_plural = _("文书送达")
        ordering = ["case", "served_on", "id"]

    def __str__(self):
        return f"{self.document} → {self.party} {self.served_on}"


class Payment(models.Model):
    """A payment of a fine (or of an instalment) by a party, against the bank's receipt."""

    party = models.ForeignKey(CaseParty, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("缴款日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    surcharge = models.DecimalField(_("其中加处罚款（元）"), max_digits=12, decimal_places=2, default=0)
    receipt_number = models.CharField(_("缴款凭证号"), max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("罚款缴纳")
        verbose_name_plural = _("罚款缴纳")
        ordering = ["party", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="%(app_label)s_%(class)s_positive"),
        ]

    def __str__(self):
        return f"{self.party} {self.amount} {self.paid_on}"


class Instalment(models.Model):
    """One instalment (or the single deferred date) of an approved 延期（分期）缴纳 arrangement (第66条, R-21)."""

    party = models.ForeignKey(CaseParty, verbose_name=_("当事人"), on_delete=models.CASCADE, related_name="instalments")
    record = models.ForeignKey(
        StepRecord, verbose_name=_("审批记录"), on_delete=models.PROTECT, related_name="instalments"
    )
    number = models.PositiveSmallIntegerField(_("期数"))
    due_on = models.DateField(_("应缴日期"))
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("分期缴纳")
        verbose_name_plural = _("分期缴纳")
        ordering = ["party", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="%(app_label)s_%(class)s_unique_number"),
        ]

    def __str__(self):
        return f"{self.party} #{self.number} {self.due_on}"


def evidence_upload_to(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"evidence/{instance.case.organisation_id}/{instance.case_id}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """A piece of evidence (证据) attached to a case and a step: photo, document, audio or video (R-20).

    SHA-256 is taken on upload and the type checked by content; once the decision is issued the row and its
    file are never deleted or replaced (a correction adds a new row).
    """

    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        DOCUMENT = "document", _("书证/文件")
        AUDIO = "audio", _("录音")
        VIDEO = "video", _("录像")

    case = models.ForeignKey(PenaltyCase, verbose_name=_("案件"), on_delete=models.PROTECT, related_name="evidence")
    record = models.ForeignKey(
        StepRecord, verbose_name=_("环节记录"), on_delete=models.PROTECT, related_name="evidence", null=True, blank=True
    )
    step = models.CharField(_("办案环节"), max_length=16, choices=PenaltyCase.State.choices)
    kind = models.CharField(_("证据类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("证据名称"), max_length=200)
    description = models.TextField(_("证明内容"), max_length=1000, blank=True)
    collected_on = models.DateField(_("取证日期"))
    file = models.FileField(_("文件"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.BigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scope_org_lookup = "case__organisation"

    class Meta:
        verbose_name = _("证据")
        verbose_name_plural = _("证据")
        ordering = ["case", "collected_on", "id"]

    def __str__(self):
        return self.title


class EvidenceUpload(ClaimedJob):
    """A piece of evidence on its way in: a resumable upload in chunks (cases/penalties/evidence.py says how).

    The chunks are stored as objects of the default storage (``chunks/<uid>/<offset>``), so that whichever web
    machine takes the next chunk, and whichever worker assembles them, sees the ones before. ``received`` is the
    offset the next chunk must start at (what a client asks for after a dropped connection). Once every byte has
    arrived the upload is queued; a worker assembles the file, takes its SHA-256 and stores it as ``evidence``.
    Private to its owner; abandoned ones are swept (``expires_at``).
    """

    class Status(models.TextChoices):
        RECEIVING = "receiving", _("上传中")
        QUEUED = "queued", _("待合并")
        RUNNING = "running", _("合并中")
        COMPLETE = "complete", _("已完成")
        FAILED = "failed", _("失败")

    uid = models.UUIDField(_("上传标识"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        PenaltyCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="evidence_uploads"
    )
    record = models.ForeignKey(
        StepRecord, verbose_name=_("环节记录"), on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("证据类型"), max_length=10, choices=Evidence.Kind.choices)
    title = models.CharField(_("证据名称"), max_length=200)
    description = models.TextField(_("证明内容"), max_length=1000, blank=True)
    collected_on = models.DateField(_("取证日期"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.BigIntegerField(_("文件大小（字节）"))
    received = models.BigIntegerField(_("已接收（字节）"), default=0)
    # The offsets of the stored chunks, in order: the assembly reads them one after the other.
    chunks = models.JSONField(_("分片"), default=list, blank=True)
    expected_sha256 = models.CharField(_("客户端SHA-256"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVING)
    error = models.TextField(_("错误"), blank=True)
    evidence = models.OneToOneField(
        Evidence, verbose_name=_("证据"), on_delete=models.SET_NULL, related_name="upload", null=True, blank=True
    )
    created_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)
    started_at = models.DateTimeField(_("开始合并时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证据上传")
        verbose_name_plural = _("证据上传")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received__gte=0) & Q(received__lte=models.F("size")),
                name="%(app_label)s_%(class)s_received_within_size",
            ),
        ]

    def __str__(self):
        return f"{self.original_name} {self.received}/{self.size}"

    @property
    def chunk_prefix(self):
        return f"chunks/{self.uid.hex}"
