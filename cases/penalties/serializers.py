"""Serializers of the penalty-case API: what a case shows, and the shape of each step's request.

They validate shape only (types, lengths, that an id names a row the caller may use); the law — gates,
deadlines, who may act — is cases/penalties/services.py's, whose ValidationError answers 400 in Chinese.
"""

import datetime
from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Hazard, Inspection
from cases.penalties import steps
from cases.penalties.models import (
    CaseEvent,
    CaseParty,
    Deadline,
    Delivery,
    Evidence,
    Instalment,
    Payment,
    PenaltyCase,
    StepRecord,
    Violation,
)
from cases.penalties.services import PARTY_FIELDS
from enforcement.api.fields import IdField, ScopedPrimaryKeyField
from enforcement.api.serializers import PersonSerializer
from enforcement.documents.models import IssuedDocument
from enforcement.documents.sources import source_key
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, User

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal(0)}
PENALTY_KINDS = (
    ("warning", _("警告")),
    ("fine", _("罚款")),
    ("confiscation", _("没收违法所得、没收非法财物")),
    ("licence_suspension", _("暂扣许可证件")),
    ("suspension", _("责令停产停业")),
    ("licence_revocation", _("吊销许可证件")),
    ("closure_proposal", _("提请关闭")),
)


def case_documents(case):
    """The documents issued for the case, its step records and its parties (every version, newest last)."""
    keys = [source_key(case)]
    keys += [source_key(record) for record in case.records.all()]
    keys += [source_key(party) for party in case.parties.all()]
    return (
        IssuedDocument.objects.filter(organisation_id=case.organisation_id, source_key__in=keys)
        .select_related("doc_type")
        .order_by("issued_at", "id")
    )


def _label(field):
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


# --- what a case shows ---------------------------------------------------------------------------------


class ViolationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Violation
        fields = ["id", "party", "order", "facts", "article_breached", "article_punishing"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "party", "paid_on", "amount", "surcharge", "receipt_number", "recorded_at"]
        read_only_fields = fields


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instalment
        fields = ["id", "party", "number", "due_on", "amount"]
        read_only_fields = fields


class PartySerializer(serializers.ModelSerializer):
    kind_label = _label("kind")
    role_label = _label("role")
    stage_label = _label("stage")
    violations = ViolationSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    instalments = InstalmentSerializer(many=True, read_only=True)

    class Meta:
        model = CaseParty
        fields = [
            "id",
            "case",
            *PARTY_FIELDS,
            "kind_label",
            "role_label",
            "stage",
            "stage_label",
            "proposed_kinds",
            "proposed_fine",
            "proposed_confiscation",
            "proposed_text",
            "decided_kinds",
            "decided_fine",
            "decided_confiscation",
            "decided_text",
            "no_penalty",
            "no_penalty_reason",
            "waived_statement",
            "waived_hearing",
            "hearing_requested_on",
            "notice",
            "notice_served_on",
            "decision",
            "decided_on",
            "decision_served_on",
            "executed_on",
            "court_applied_on",
            "violations",
            "payments",
            "instalments",
        ]
        read_only_fields = fields


class StepRecordSerializer(serializers.ModelSerializer):
    kind_label = _label("kind")
    outcome_label = _label("outcome")
    officers = PersonSerializer(many=True, read_only=True)
    data = serializers.DictField(read_only=True, help_text=_("该环节的内容（字段见各环节的表单）"))

    class Meta:
        model = StepRecord
        fields = [
            "id",
            "case",
            "party",
            "kind",
            "kind_label",
            "occurred_on",
            "outcome",
            "outcome_label",
            "data",
            "officers",
            "document",
            "replaces",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class CaseEventSerializer(serializers.ModelSerializer):
    source_state_label = _label("source_state")
    target_state_label = _label("target_state")

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "transition",
            "source_state",
            "source_state_label",
            "target_state",
            "target_state_label",
            "by_name",
            "at",
            "note",
            "record",
        ]
        read_only_fields = fields


class DeadlineSerializer(serializers.ModelSerializer):
    kind_label = _label("kind")
    unit_label = _label("unit")
    case_cause = serializers.CharField(source="case.cause", read_only=True)
    party_name = serializers.CharField(source="party.name", read_only=True, default=None, allow_null=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    days_left = serializers.SerializerMethodField(help_text=_("距届满日的日历天数，负数为已逾期的天数"))
    is_open = serializers.SerializerMethodField(help_text=_("未完成且未被延长或重新起算"))
    is_overdue = serializers.SerializerMethodField(help_text=_("未完成且已过届满日"))

    class Meta:
        model = Deadline
        fields = [
            "id",
            "case",
            "case_cause",
            "party",
            "party_name",
            "organisation",
            "organisation_name",
            "kind",
            "kind_label",
            "start_event",
            "started_on",
            "count",
            "unit",
            "unit_label",
            "backwards",
            "article",
            "due_on",
            "calendar_warning",
            "rule_source",
            "met_on",
            "superseded_by",
            "days_left",
            "is_open",
            "is_overdue",
        ]
        read_only_fields = fields

    def _today(self):
        return self.context["today"]

    def get_days_left(self, deadline) -> int:
        return (deadline.due_on - self._today()).days

    def get_is_open(self, deadline) -> bool:
        return deadline.met_on is None and deadline.superseded_by_id is None

    def get_is_overdue(self, deadline) -> bool:
        return self.get_is_open(deadline) and deadline.due_on < self._today()


class DeliverySerializer(serializers.ModelSerializer):
    method_label = _label("method")
    document_title = serializers.CharField(source="document.title", read_only=True)
    document_number = serializers.CharField(source="document.number", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "party",
            "document",
            "document_title",
            "document_number",
            "method",
            "method_label",
            "served_on",
            "place",
            "recipient",
            "server_names",
            "note",
            "recorded_at",
        ]
        read_only_fields = fields


class CaseDocumentSerializer(serializers.ModelSerializer):
    status_label = _label("status")
    doc_type = serializers.CharField(source="doc_type.key", read_only=True)
    pdf_url = serializers.SerializerMethodField(help_text=_("文书PDF（经数据权限校验后下载）"))

    class Meta:
        model = IssuedDocument
        fields = ["id", "doc_type", "number", "title", "version", "status", "status_label", "issued_at", "pdf_url"]
        read_only_fields = fields

    def get_pdf_url(self, document) -> str:
        return reverse("documents:pdf", args=[document.pk])


class CaseEvidenceSerializer(serializers.ModelSerializer):
    kind_label = _label("kind")
    step_label = _label("step")
    download_url = serializers.SerializerMethodField(help_text=_("经数据权限校验后下载（记入操作日志）"))

    class Meta:
        model = Evidence
        fields = [
            "id",
            "case",
            "record",
            "step",
            "step_label",
            "kind",
            "kind_label",
            "title",
            "description",
            "collected_on",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, evidence) -> str:
        return reverse("api:penalty-evidence-file-download", args=[evidence.pk])


class PenaltyCaseSerializer(serializers.ModelSerializer):
    """A row of the case list."""

    state_label = _label("state")
    procedure_label = _label("procedure")
    source_label = _label("source")
    outcome_label = _label("outcome")
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None, allow_null=True)
    party_names = serializers.SerializerMethodField(help_text=_("当事人名称/姓名"))

    class Meta:
        model = PenaltyCase
        fields = [
            "id",
            "uid",
            "cause",
            "organisation",
            "organisation_name",
            "procedure",
            "procedure_label",
            "state",
            "state_label",
            "outcome",
            "outcome_label",
            "source",
            "source_label",
            "enterprise",
            "enterprise_name",
            "party_names",
            "filed_on",
            "decided_on",
            "closed_on",
            "archived_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_party_names(self, case) -> list[str]:
        return [party.name for party in case.parties.all()]


class PenaltyCaseDetailSerializer(PenaltyCaseSerializer):
    """The whole case: parties with violations, records, history, deadlines, deliveries, payments, documents."""

    officers = PersonSerializer(many=True, read_only=True)
    reviewer = PersonSerializer(read_only=True, allow_null=True)
    parties = PartySerializer(many=True, read_only=True)
    records = StepRecordSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    deadlines = DeadlineSerializer(many=True, read_only=True)
    deliveries = DeliverySerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField(help_text=_("本案出具的文书（各环节、各当事人及送达回执）"))
    is_locked = serializers.BooleanField(read_only=True, help_text=_("已归档：不能再作任何修改"))
    available_transitions = serializers.SerializerMethodField(
        help_text=_("当前环节可进行的流转（不含权限判断；办理须为本单位人员）")
    )

    class Meta(PenaltyCaseSerializer.Meta):
        fields = [
            *PenaltyCaseSerializer.Meta.fields,
            "source_inspection",
            "source_hazard",
            "source_detail",
            "facts",
            "power",
            "officers",
            "reviewer",
            "review_required",
            "discussion_required",
            "hearing_applicable",
            "is_major",
            "is_locked",
            "parties",
            "records",
            "events",
            "deadlines",
            "deliveries",
            "documents",
            "available_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseDocumentSerializer(many=True))
    def get_documents(self, case):
        return CaseDocumentSerializer(case_documents(case), many=True, context=self.context).data

    def get_available_transitions(self, case) -> list[str]:
        return sorted(t.name for t in case.get_available_state_transitions())


# --- request bodies ------------------------------------------------------------------------------------


class PlausibleDateField(serializers.DateField):
    """A date a case can carry: from 1990 to a year ahead. A date like 9999-12-31 is a typing error, and a
    period counted from it would run past the calendar (a server error instead of a 400)."""

    EARLIEST = datetime.date(1990, 1, 1)
    AHEAD = datetime.timedelta(days=366)

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        latest = timezone.localdate() + self.AHEAD
        if not self.EARLIEST <= day <= latest:
            raise serializers.ValidationError(
                _("日期应在 %(earliest)s 至 %(latest)s 之间。") % {"earliest": self.EARLIEST, "latest": latest},
                code="invalid",
            )
        return day


class CasePartyField(IdField):
    """A party id of the case the request names (``context["case"]``); another case's party "does not exist"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", CaseParty.objects.none())
        kwargs.setdefault("label", _("当事人"))
        super().__init__(**kwargs)

    def get_queryset(self):
        case = self.context.get("case")
        return CaseParty.objects.filter(case=case) if case is not None else CaseParty.objects.none()


def _party_field(**kwargs):
    return CasePartyField(help_text=_("本案当事人ID（案件详情 parties 中的 id）"), **kwargs)


def _officers_field(label=None):
    # Certificates and the two-officer rule (行政处罚法 第42条) are checked by the service, in Chinese.
    return ScopedPrimaryKeyField(
        User,
        many=True,
        allow_empty=True,
        required=False,
        label=label or _("执法人员"),
        help_text=_("至少两名持有效行政执法证的执法人员（行政处罚法 第42条）"),
    )


def _scalar(value):
    return value is None or isinstance(value, str | int | float | bool)


_SCALARS = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
_ROW = {"type": "object", "additionalProperties": {"nullable": True, "oneOf": _SCALARS}}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "nullable": True,
            "oneOf": [*_SCALARS, {"type": "array", "items": {"nullable": True, "oneOf": [*_SCALARS, _ROW]}}],
        },
    }
)
class StepDataField(serializers.DictField):
    """The fields of one kind of step (StepRecord.data): a flat object of the step form's field values.

    Shape only: keys are the form's field names, values are strings, numbers, booleans or null; a list only for a
    field that takes several values (a list of flat objects for a table of items, e.g. the samples taken). The
    service validates the values with the step's form (Chinese messages).
    """

    def __init__(self, kind=None, **kwargs):
        self.kind = kind
        kwargs.setdefault("label", _("环节内容"))
        kwargs.setdefault("help_text", _("该环节表单的字段值：字符串、数字、布尔值或 null；日期写作 YYYY-MM-DD"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", dict)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        # The kind: the field's own, the body's (record-step), or the route's (context "step_kind").
        kind = self.kind or getattr(self.parent, "initial_data", {}).get("kind") or self.context.get("step_kind")
        lists, tables = _list_fields(kind)
        for key, value in data.items():
            if _scalar(value) or (isinstance(value, list) and _allowed_list(key, value, lists, tables)):
                continue
            raise serializers.ValidationError(
                _("“%(field)s”的值应为文字、数字、是否或空值。") % {"field": key}, code="invalid"
            )
        return data


def _allowed_list(key, value, lists, tables):
    if key not in lists | tables:
        return False
    return all(_scalar(item) or (key in tables and _flat_row(item)) for item in value)


def _flat_row(item):
    return isinstance(item, dict) and all(isinstance(key, str) and _scalar(value) for key, value in item.items())


def _list_fields(kind):
    """(fields taking several values, fields taking a table of rows) of the step form of ``kind``."""
    try:
        form_class = steps.form_for(kind) if isinstance(kind, str) else None
    except Exception:  # an unknown kind is the service's to refuse, in Chinese
        return set(), set()
    if form_class is None:
        return set(), set()
    multiple = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)
    fields = form_class.base_fields.items()
    # A table of items (steps.fields.ItemListField) names its columns.
    return {n for n, f in fields if isinstance(f, multiple)}, {n for n, f in fields if hasattr(f, "columns")}


class PartyInputSerializer(serializers.ModelSerializer):
    """A party as typed: the unit or a person (一案双罚: the unit and its principal person, 安全生产法 第94条等)."""

    enterprise = ScopedPrimaryKeyField(Enterprise, label=_("单位"), required=False, allow_null=True)

    class Meta:
        model = CaseParty
        fields = list(PARTY_FIELDS)  # what services.add_party takes


class OpenCaseSerializer(serializers.Serializer):
    organisation = ScopedPrimaryKeyField(
        Organisation,
        scope_action="view",
        label=_("执法主体"),
        required=False,
        help_text=_("立案的执法主体；不填为本人所在单位"),
    )
    cause = serializers.CharField(label=_("案由"), max_length=200)
    source = serializers.ChoiceField(label=_("案件来源"), choices=PenaltyCase.Source.choices)
    procedure = serializers.ChoiceField(
        label=_("程序"), choices=PenaltyCase.Procedure.choices, default=PenaltyCase.Procedure.GENERAL
    )
    enterprise = ScopedPrimaryKeyField(Enterprise, label=_("涉案单位"), required=False, allow_null=True)
    source_inspection = ScopedPrimaryKeyField(Inspection, label=_("来源检查"), required=False, allow_null=True)
    source_hazard = ScopedPrimaryKeyField(Hazard, label=_("来源隐患"), required=False, allow_null=True)
    source_detail = serializers.CharField(label=_("案件来源说明"), max_length=1000, required=False, allow_blank=True)
    facts = serializers.CharField(label=_("简要案情"), max_length=5000, required=False, allow_blank=True)
    power = serializers.CharField(
        label=_("执法事项"),
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("乡镇、园区受委托办案时须为委托的执法事项之一（R-55）"),
    )
    officers = _officers_field(_("承办人"))
    parties = PartyInputSerializer(many=True, required=False, label=_("当事人"))

    def service_kwargs(self):
        data = dict(self.validated_data)
        organisation = data.pop("organisation", None) or self.context["request"].user.organisation
        data["officers"] = list(data.get("officers", []))
        data["parties"] = [dict(party) for party in data.get("parties", [])]
        return organisation, data


class ViolationInputSerializer(serializers.Serializer):
    party = _party_field()
    facts = serializers.CharField(label=_("违法事实"), max_length=5000)
    article_breached = serializers.CharField(label=_("违反的条款"), max_length=200)
    article_punishing = serializers.CharField(label=_("处罚依据"), max_length=200)


class ApprovalSerializer(serializers.Serializer):
    approved = serializers.BooleanField(label=_("同意"))
    opinion = serializers.CharField(label=_("审批意见"), max_length=1000, required=False, allow_blank=True)


class FilingApprovalSerializer(ApprovalSerializer):
    filed_on = PlausibleDateField(label=_("立案日期"), required=False, allow_null=True, help_text=_("不填为今天"))


class StepSerializer(serializers.Serializer):
    """A step recorded on its day (an investigative act, the report, the discussion, a hearing …)."""

    data = StepDataField()
    occurred_on = PlausibleDateField(label=_("日期"))


class InvestigativeStepSerializer(StepSerializer):
    INVESTIGATIVE_KINDS = [
        StepRecord.Kind.INTERVIEW_NOTICE,
        StepRecord.Kind.INTERVIEW,
        StepRecord.Kind.SCENE,
        StepRecord.Kind.SAMPLING,
        StepRecord.Kind.PRESERVATION,
        StepRecord.Kind.PRESERVATION_DISPOSAL,
    ]

    kind = serializers.ChoiceField(label=_("调查取证环节"), choices=[(k.value, k.label) for k in INVESTIGATIVE_KINDS])
    officers = _officers_field()
    party = _party_field(required=False, allow_null=True)


class DataOnlySerializer(serializers.Serializer):
    data = StepDataField()


class ProposalSerializer(serializers.Serializer):
    party = _party_field()
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=PENALTY_KINDS), label=_("处罚种类"), allow_empty=False, max_length=7
    )
    fine = serializers.DecimalField(label=_("罚款金额（元）"), required=False, allow_null=True, **MONEY)
    confiscation = serializers.DecimalField(label=_("没收违法所得（元）"), required=False, allow_null=True, **MONEY)
    text = serializers.CharField(label=_("处罚内容"), max_length=1000, required=False, allow_blank=True)


class DecisionSerializer(ProposalSerializer):
    decided_on = PlausibleDateField(label=_("决定日期"), required=False, allow_null=True, help_text=_("不填为今天"))


class OnTheSpotSerializer(DecisionSerializer):
    # 行政处罚法 第51条: a warning, or a fine ≤ 200 yuan (person) / ≤ 3,000 yuan (unit); the service checks it.
    text = serializers.CharField(label=_("处罚内容"), max_length=1000)
    officers = _officers_field(_("当场执法人员"))


class NoPenaltySerializer(serializers.Serializer):
    party = _party_field()
    reason = serializers.CharField(label=_("不予处罚理由（行政处罚法 第33条）"), max_length=1000)
    decided_on = PlausibleDateField(label=_("决定日期"), required=False, allow_null=True)


class ReviewSerializer(serializers.Serializer):
    passed = serializers.BooleanField(label=_("审核通过"))
    opinion = serializers.CharField(label=_("审核意见"), max_length=1000)
    data = StepDataField()


class DeliveryInputSerializer(serializers.Serializer):
    party = _party_field()
    document = ScopedPrimaryKeyField(IssuedDocument, label=_("送达文书"))
    method = serializers.ChoiceField(label=_("送达方式"), choices=Delivery.Method.choices)
    served_on = PlausibleDateField(label=_("送达日期"))
    place = serializers.CharField(label=_("送达地点"), max_length=200)
    recipient = serializers.CharField(label=_("签收人"), max_length=100)
    server_names = serializers.CharField(label=_("送达人"), max_length=100)
    note = serializers.CharField(label=_("备注"), max_length=300, required=False, allow_blank=True)
    officers = _officers_field(_("送达人员"))


class PartyStepSerializer(StepSerializer):
    party = _party_field()


class WaiverSerializer(serializers.Serializer):
    party = _party_field()
    statement = serializers.BooleanField(label=_("放弃陈述申辩"))
    hearing = serializers.BooleanField(label=_("放弃听证"))
    waived_on = PlausibleDateField(
        label=_("放弃日期"), required=False, allow_null=True, help_text=_("当事人书面放弃的日期，不填为今天")
    )


class HearingRequestSerializer(serializers.Serializer):
    party = _party_field()
    requested_on = PlausibleDateField(label=_("申请听证日期"))


class HearingScheduleSerializer(serializers.Serializer):
    hearing_on = PlausibleDateField(label=_("听证日期"))
    place = serializers.CharField(label=_("听证地点"), max_length=200)
    chair = ScopedPrimaryKeyField(User, label=_("听证主持人"), help_text=_("不得为本案调查人员（行政处罚法 第64条）"))
    data = StepDataField()
    notified_on = PlausibleDateField(
        label=_("通知送达日期"), required=False, allow_null=True, help_text=_("听证会通知书当场送达时填写")
    )


class InstalmentInputSerializer(serializers.Serializer):
    due_on = PlausibleDateField(label=_("应缴日期"))
    amount = serializers.DecimalField(label=_("金额（元）"), **MONEY)


class PaymentPlanSerializer(serializers.Serializer):
    party = _party_field()
    kind = serializers.ChoiceField(label=_("方式"), choices=[("defer", _("延期缴纳")), ("instalments", _("分期缴纳"))])
    instalments = InstalmentInputSerializer(many=True, label=_("各期"), max_length=36)
    data = StepDataField()


class PaymentInputSerializer(serializers.Serializer):
    party = _party_field()
    paid_on = PlausibleDateField(label=_("缴款日期"))
    amount = serializers.DecimalField(label=_("金额（元）"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    receipt_number = serializers.CharField(label=_("缴款凭证号"), max_length=60)


class ReminderSerializer(PartyStepSerializer):
    data = StepDataField()
    served_on = PlausibleDateField(
        label=_("送达日期"), required=False, allow_null=True, help_text=_("当场送达时填写，否则另行登记送达")
    )


class CourtApplicationSerializer(serializers.Serializer):
    party = _party_field()
    applied_on = PlausibleDateField(label=_("申请日期"))
    data = StepDataField()


class ExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        label=_("延长后的办案期限（日）"),
        min_value=1,
        max_value=366,
        help_text=_(
            "自立案之日起的日历天数，须长于现行期限，不超过批准机关可批准的上限（行政处罚法 第60条及部门规章）"
        ),
    )
    reason = serializers.CharField(label=_("延期理由"), max_length=1000)
    approver_level = serializers.ChoiceField(
        label=_("批准机关"), choices=[("head", _("本机关负责人")), ("superior", _("上一级应急管理部门"))]
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("理由"), max_length=1000)


class ShareSerializer(serializers.Serializer):
    with_user = IdField(
        label=_("共享给"),
        queryset=User.objects.filter(is_active=True),
        help_text=_("用户ID（如市局案卷评查人员）；只能由办案单位共享，对方只能查阅"),
    )
