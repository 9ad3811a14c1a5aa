"""REST API of penalty cases (行政处罚案件, issue 10 item 10). Wired in by ``register``.

/api/penalty-cases/            list (filters: state, procedure, source, enterprise, organisation, overdue, q),
                               retrieve (parties with violations, records, history, deadlines, deliveries,
                               payments, documents), create (立案); POST …/<id>/<step>/ for every state change
                               (the table ``STEPS`` below: one row per service of cases/penalties/services.py)
/api/penalty-deadlines/        the deadline board: open deadlines in scope, overdue first (``open=false`` for all)
/api/penalty-evidence/         evidence of the cases in scope (read only; uploads are the evidence store's routes)

Querysets are restricted by the base viewsets (another county's case is 404). Every state change calls the
service of the same name, which re-reads the case through restrict(), lets only the case's own organisation act
(the city reads: 403), checks the legal gates (400 with the article in Chinese) and records who did what.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.penalties import queries, services
from cases.penalties import serializers as s
from cases.penalties.filters import DeadlineFilter, EvidenceFilter, PenaltyCaseFilter
from cases.penalties.models import CaseEvent, CaseParty, Deadline, Delivery, Evidence, PenaltyCase, StepRecord
from cases.penalties.queries import review_only
from enforcement.api.parsers import BoundedJSONParser
from enforcement.api.viewsets import RestrictedReadOnlyViewSet, ScopedCreateListRetrieveViewSet

TAGS = [_("行政处罚案件")]
SCOPED_LIST = _("只返回您数据权限范围内的记录；分页参数 page、page_size。")
SCOPED_DETAIL = _("数据权限范围外的记录与不存在的记录一样返回404。")
ACTS = _(
    "只有办案单位的人员可以办理（上级机关只能查阅：403）；范围外返回404；"
    "法定条件不满足时返回400，说明所依据的条款；已归档的案件不能修改。"
)


# --- the state changes -----------------------------------------------------------------------------------

K = StepRecord.Kind
# The codename prefixes of PenaltyCase's permissions (cases.<prefix>_penaltycase), as the services check them.
CHANGE = "change"
APPROVE = "approve"
REVIEW = "review"


@dataclass(frozen=True)
class Step:
    """One state change of a case: ``POST /api/penalty-cases/<id>/<path>/`` → ``services.<service>``.

    The service is called with the acting user and the case id — or, when ``on_party``, the id of the party the
    body names — and the body's fields as keywords (``party``/``document``/``chair`` as ``…_id``). It answers the
    case as it is afterwards, or, when ``result`` is given, what the service created (201).
    """

    service: str
    path: str
    request: type | None
    summary: str
    description: str = ""
    permission: str | tuple = CHANGE
    on_party: bool = False
    result: type | None = None
    kind: str = ""  # the StepRecord kind whose form the body's "data" fills


STEPS = [
    Step(
        "add_party",
        "parties",
        s.PartyInputSerializer,
        _("添加当事人"),
        _("一案双罚：单位和个人各为一名当事人。"),
        result=s.PartySerializer,
    ),
    Step(
        "add_violation",
        "violations",
        s.ViolationInputSerializer,
        _("添加违法行为"),
        _("违反的条款和处罚依据分别填写。"),
        on_party=True,
        result=s.ViolationSerializer,
    ),
    Step(
        "approve_filing",
        "approve-filing",
        s.FilingApprovalSerializer,
        _("立案审批"),
        _("同意则立案并出具立案审批表（行政处罚法 第54条），不同意则不予立案。"),
        permission=APPROVE,
    ),
    Step(
        "record_step",
        "record-step",
        s.InvestigativeStepSerializer,
        _("记录调查取证"),
        _("询问通知、询问笔录、勘验、抽样取证、先行登记保存及其处理决定；每次至少两名持证执法人员（第42条）。"),
        result=s.StepRecordSerializer,
    ),
    Step(
        "end_investigation",
        "end-investigation",
        s.StepSerializer,
        _("调查终结"),
        _("出具案件调查终结报告。"),
        kind=K.REPORT,
    ),
    Step(
        "propose_penalty",
        "propose-penalty",
        s.ProposalSerializer,
        _("拟处罚意见"),
        _("每名当事人分别提出拟处罚的种类和金额。"),
        on_party=True,
    ),
    Step("submit_handling", "submit-handling", s.DataOnlySerializer, _("提交案件处理呈批"), kind=K.HANDLING),
    Step(
        "approve_handling",
        "approve-handling",
        s.ApprovalSerializer,
        _("案件处理审批"),
        _("同意后进入法制审核、集体讨论或告知。"),
        permission=APPROVE,
    ),
    Step(
        "record_review",
        "review",
        s.ReviewSerializer,
        _("法制审核"),
        _("审核人员不得为本案调查人员（案审分离，行政处罚法 第58条）。"),
        permission=REVIEW,
        kind=K.REVIEW,
    ),
    Step(
        "record_discussion",
        "discussion",
        s.StepSerializer,
        _("集体讨论"),
        _("情节复杂或重大违法行为给予较重的行政处罚的，应当集体讨论决定（第57条第2款）。"),
        permission=(CHANGE, APPROVE),
        kind=K.DISCUSSION,
    ),
    Step(
        "issue_notices",
        "issue-notices",
        None,
        _("出具行政处罚告知书"),
        _("每名当事人一份告知书（第44条），适用听证的同时告知听证权利。"),
    ),
    Step(
        "record_delivery",
        "delivery",
        s.DeliveryInputSerializer,
        _("登记文书送达"),
        _("电子送达须当事人事先签署送达地址确认书（第61条）。"),
    ),
    Step(
        "record_statement",
        "statement",
        s.PartyStepSerializer,
        _("记录陈述申辩"),
        _("出具陈述申辩笔录（第45条）。"),
        on_party=True,
        kind=K.STATEMENT,
    ),
    Step("record_waiver", "waiver", s.WaiverSerializer, _("记录放弃陈述申辩或听证"), on_party=True),
    Step(
        "request_hearing",
        "hearing-request",
        s.HearingRequestSerializer,
        _("登记听证申请"),
        _("当事人在告知书送达后5个工作日内提出（第64条）。"),
        on_party=True,
    ),
    Step(
        "schedule_hearing",
        "hearing-schedule",
        s.HearingScheduleSerializer,
        _("安排听证并出具听证会通知书"),
        _("听证7日前通知当事人；主持人不得为本案调查人员（第64条）。"),
        kind=K.HEARING_NOTICE,
    ),
    Step("record_hearing", "hearing-record", s.StepSerializer, _("记录听证笔录"), _("第64条第8项。"), kind=K.HEARING),
    Step(
        "record_hearing_report",
        "hearing-report",
        s.StepSerializer,
        _("出具听证会报告书"),
        _("第65条。"),
        kind=K.HEARING_REPORT,
    ),
    Step(
        "decide",
        "decide",
        s.DecisionSerializer,
        _("作出行政处罚决定"),
        _("告知、陈述申辩或听证期满、法制审核、集体讨论等条件满足后，每名当事人分别出具决定书（第59条）。"),
        on_party=True,
    ),
    Step(
        "decide_no_penalty",
        "decide-no-penalty",
        s.NoPenaltySerializer,
        _("作出不予行政处罚决定"),
        _("行政处罚法 第33条。"),
        on_party=True,
    ),
    Step(
        "decide_on_the_spot",
        "decide-on-the-spot",
        s.OnTheSpotSerializer,
        _("当场作出处罚决定（简易程序）"),
        _("警告，或对个人200元以下、对单位3000元以下罚款（行政处罚法 第51–52条）。"),
    ),
    Step(
        "approve_payment_plan",
        "payment-plan",
        s.PaymentPlanSerializer,
        _("批准延期（分期）缴纳罚款"),
        _("当事人确有经济困难，经申请和批准（第66条）。"),
        permission=APPROVE,
        on_party=True,
        kind=K.PAYMENT_PLAN,
    ),
    Step(
        "record_payment",
        "payment",
        s.PaymentInputSerializer,
        _("登记罚款缴纳"),
        on_party=True,
        result=s.PaymentSerializer,
    ),
    Step(
        "issue_reminder",
        "reminder",
        s.ReminderSerializer,
        _("出具缴纳罚款催告书"),
        _("行政强制法 第54条。"),
        on_party=True,
        kind=K.REMINDER,
    ),
    Step(
        "decide_surcharge",
        "surcharge",
        s.PartyStepSerializer,
        _("出具加处罚款决定书"),
        _("每日按罚款数额的3%加处罚款，不超过罚款数额（行政处罚法 第72条）。"),
        on_party=True,
        kind=K.SURCHARGE,
    ),
    Step(
        "apply_to_court",
        "court-application",
        s.CourtApplicationSerializer,
        _("申请人民法院强制执行"),
        _("在法定期限内申请（行政强制法 第53–54条）。"),
        on_party=True,
        kind=K.COURT_APPLICATION,
    ),
    Step(
        "extend_case",
        "extend",
        s.ExtensionSerializer,
        _("案件延期"),
        _("不能在期限内作出决定的，经批准延长（第60条及部门规章）。"),
        permission=APPROVE,
    ),
    Step(
        "submit_closing",
        "submit-closing",
        s.DataOnlySerializer,
        _("提交结案审批"),
        _("决定书已送达、执行完毕或已申请法院强制执行后方可结案。"),
        kind=K.CLOSING,
    ),
    Step("approve_closing", "approve-closing", s.ApprovalSerializer, _("结案审批"), permission=APPROVE),
    Step("withdraw_case", "withdraw", s.ReasonSerializer, _("撤销立案"), permission=APPROVE),
    Step("archive_case", "archive", None, _("归档"), _("结案后立卷归档，案件锁定。"), permission="archive"),
    Step(
        "share_case",
        "share",
        s.ShareSerializer,
        _("共享案件"),
        _("将本案共享给指定人员查阅（如市局案卷评查）；只有办案单位可以共享。"),
        permission=(CHANGE, APPROVE),
    ),
]
# Body fields that the services take as ids.
AS_ID = {"party": "party_id", "document": "document_id", "chair": "chair_id"}


def _full_permissions(permission):
    names = (permission,) if isinstance(permission, str) else permission
    return tuple(f"cases.{name}_penaltycase" for name in names)


def _service_arguments(step, data):
    """(target id, keywords) for the service of ``step`` from the validated body."""
    data = dict(data)
    target = data.pop("party").pk if step.on_party else None
    for field, keyword in AS_ID.items():
        if field in data:
            value = data.pop(field)
            data[keyword] = value.pk if value is not None else None
    if "officers" in data:
        data["officers"] = list(data["officers"])
    if "instalments" in data:
        data["instalments"] = [dict(row) for row in data["instalments"]]
    return target, data


def _step_action(step):
    def handler(self, request, pk=None):
        case = self.get_object()  # scoped: another county's case is 404
        # Whoever may not act on this case (the city, a shared reader, an archived case) is told so before the
        # body is read, with the service's own check and message.
        services.may_act(request.user, case, _full_permissions(step.permission))
        data = {}
        if step.request is not None:
            context = {**self.get_serializer_context(), "case": case, "step_kind": step.kind}
            serializer = step.request(data=request.data, context=context)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        target, keywords = _service_arguments(step, data)
        created = getattr(services, step.service)(request.user, target or case.pk, **keywords)
        if step.result is not None:
            return Response(step.result(created, context=self.get_serializer_context()).data, status.HTTP_201_CREATED)
        return self.case_response(case.pk)

    handler.__name__ = handler.__qualname__ = step.service
    handler = action(
        detail=True,
        methods=["post"],
        url_path=step.path,
        url_name=step.path,
        filter_backends=[],
        serializer_class=step.request or s.PenaltyCaseDetailSerializer,
    )(handler)
    responses = {201: step.result} if step.result else {200: s.PenaltyCaseDetailSerializer}
    return extend_schema(
        summary=step.summary,
        description=f"{step.description}{ACTS}",
        request=step.request,
        responses=responses,
    )(handler)


# --- viewsets --------------------------------------------------------------------------------------------
# drf-spectacular shows docstrings in the docs; the docs are Chinese, so these classes use comments.


class CaseScopeMixin:
    # restrict() by action (the base viewsets), narrowed as queries.cases_for narrows the pages: a legal
    # reviewer sees only the cases sent for review in their organisation (and those they reviewed or were shared).
    case_lookup = "pk"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if review_only(request.user):
            cases = queries.cases_for(request.user).values("pk")
            self.queryset = self.queryset.filter(**{f"{self.case_lookup}__in": cases})


def _detail_queryset(queryset):
    return queryset.select_related("reviewer").prefetch_related(
        "officers",
        Prefetch(
            "parties",
            queryset=CaseParty.objects.prefetch_related("violations", "payments", "instalments"),
        ),
        Prefetch("records", queryset=StepRecord.objects.prefetch_related("officers")),
        Prefetch("events", queryset=CaseEvent.objects.all()),
        Prefetch("deadlines", queryset=Deadline.objects.select_related("case", "party", "organisation")),
        Prefetch("deliveries", queryset=Delivery.objects.select_related("document")),
    )


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("行政处罚案件列表（仅限数据权限范围内）"), description=SCOPED_LIST),
    retrieve=extend_schema(
        summary=_("行政处罚案件详情（范围外返回404）"),
        description=_("含当事人及其违法行为、办案环节记录、流转记录、期限、送达、缴款和文书。") + SCOPED_DETAIL,
    ),
    create=extend_schema(
        summary=_("登记案件（立案审批）"),
        description=_("从检查、隐患、投诉举报、移送、事故或上级交办登记案件，进入立案审批。") + ACTS,
        request=s.OpenCaseSerializer,
        responses={201: s.PenaltyCaseDetailSerializer},
    ),
)
class PenaltyCaseViewSet(CaseScopeMixin, ScopedCreateListRetrieveViewSet):
    action_permissions = {step.service: step.permission for step in STEPS}
    queryset = PenaltyCase.objects.select_related("organisation", "enterprise")
    filterset_class = PenaltyCaseFilter
    # The bodies nest (step data, parties, instalments): JSON only.
    parser_classes = [BoundedJSONParser]

    def get_serializer_class(self):
        if self.action == "list":
            return s.PenaltyCaseSerializer
        if self.action == "create":
            return s.OpenCaseSerializer
        return s.PenaltyCaseDetailSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.prefetch_related("parties")
        # A step only needs to find the case; it answers the case re-read after the service (case_response).
        return _detail_queryset(queryset) if self.action == "retrieve" else queryset

    def case_response(self, pk, code=status.HTTP_200_OK):
        case = _detail_queryset(PenaltyCase.objects.restrict(self.request.user, "view")).get(pk=pk)
        return Response(s.PenaltyCaseDetailSerializer(case, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = s.OpenCaseSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        organisation, keywords = serializer.service_kwargs()
        case = services.open_case(request.user, organisation, **keywords)
        return self.case_response(case.pk, status.HTTP_201_CREATED)


for _step in STEPS:
    setattr(PenaltyCaseViewSet, _step.service, _step_action(_step))


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary=_("办案期限看板"),
        description=_(
            "数据权限范围内未结案件的未完成法定期限，已逾期的在前，按届满日排序；days_left 为距届满日的天数。"
            "open=false 时包括已完成、已延长的期限和已结案件的期限。"
        )
        + SCOPED_LIST,
    ),
    retrieve=extend_schema(summary=_("办案期限详情（范围外返回404）"), description=SCOPED_DETAIL),
)
class DeadlineViewSet(CaseScopeMixin, RestrictedReadOnlyViewSet):
    case_lookup = "case"
    queryset = Deadline.objects.select_related("case", "party", "organisation").order_by("due_on", "id")
    serializer_class = s.DeadlineSerializer
    filterset_class = DeadlineFilter

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def filter_queryset(self, queryset):
        # The board's filters (open deadlines by default) choose rows for the list; a deadline met or extended
        # is still found by its id.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("证据列表（仅限数据权限范围内）"), description=SCOPED_LIST),
    retrieve=extend_schema(summary=_("证据信息（范围外返回404）"), description=SCOPED_DETAIL),
)
class EvidenceViewSet(CaseScopeMixin, RestrictedReadOnlyViewSet):
    case_lookup = "case"
    queryset = Evidence.objects.select_related("case").order_by("case", "collected_on", "id")
    serializer_class = s.CaseEvidenceSerializer
    filterset_class = EvidenceFilter


def register(router):
    """Register this feature's viewsets on the project router."""
    router.register("penalty-cases", PenaltyCaseViewSet, basename="penalty-case")
    router.register("penalty-deadlines", DeadlineViewSet, basename="penalty-deadline")
    router.register("penalty-evidence", EvidenceViewSet, basename="penalty-evidence")
