"""REST API of the city's guidance supervision (执法指导, R-40…R-43). Wired in by ``register(router)``.

/api/guidance-schedule/    list, retrieve, create, delete; GET …/warnings/?year= the R-40 warnings of a year
/api/guidance-visits/      list, retrieve (checklist and evidence), create; POST …/<id>/checks/<check_id>/,
                           …/evidence/ (multipart), …/spot-check/, …/complete/, …/issue-letter/; GET …/verify/
/api/guidance-letters/     list, retrieve (with the county's reports); POST …/<id>/report/ (multipart), …/review/
/api/guidance-ledger/      GET ?year= the supervision ledger (执法监督台账)

Querysets are restricted by the base viewsets (another county's visit or letter is 404). Every write
calls supervision.guidance.services, which decides who may act (the city runs visits and letters, only
the county a letter went to answers it: 403 otherwise) and answers bad input with Chinese 400s.
"""

import django_filters
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from enforcement.api.fields import IdField, ScopedPrimaryKeyField
from enforcement.api.filters import BoundedFilterSet
from enforcement.api.permissions import SCOPED
from enforcement.api.serializers import PersonSerializer
from enforcement.api.viewsets import (
    RestrictedModelViewSet,
    RestrictedReadOnlyViewSet,
    ScopedCreateListRetrieveViewSet,
    ServiceExceptionsMixin,
)
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, User
from enforcement.orgs.scoping import choices_in_scope
from supervision.guidance import services
from supervision.guidance.forms import ReviewForm
from supervision.guidance.models import (
    GuidanceCheck,
    GuidanceEvidence,
    GuidanceLetter,
    GuidanceSchedule,
    GuidanceVisit,
    RectificationReport,
)
from supervision.guidance.queries import (
    ledger_data,
    ledger_totals,
    schedule_entry_for,
    schedule_status,
    schedule_year,
)
from supervision.guidance.rules import SPOT_CHECK_MAX, SlotStatus

TAGS = [_("执法指导")]


def _user(serializer):
    return serializer.context["request"].user


def _absolute(serializer, url):
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


def _name(user):
    return (user.full_name or user.username) if user else None


# Status fields are described as strings listing their values: as enums drf-spectacular would name
# competing "StatusEnum" components with the other apps' status fields (and fail --fail-on-warn).
def _choices_field(choices, **kwargs):
    description = "；".join(f"{value} {label}" for value, label in choices)

    @extend_schema_field({"type": "string", "description": description})
    class ChoicesField(serializers.CharField):
        pass

    return ChoicesField(**kwargs)


# --- filters -------------------------------------------------------------------------------------


_reachable_organisations = choices_in_scope(Organisation)


class ScheduleFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    county = django_filters.ModelChoiceFilter(label=_("县区"), queryset=_reachable_organisations)

    class Meta:
        model = GuidanceSchedule
        fields = ["year", "county"]


class VisitFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(label=_("年度"), field_name="visit_date__year")
    county = django_filters.ModelChoiceFilter(label=_("县区"), queryset=_reachable_organisations)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=GuidanceVisit.Status.choices)

    class Meta:
        model = GuidanceVisit
        fields = ["year", "county", "status"]


class LetterFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(label=_("年度（指导日期）"), field_name="visit__visit_date__year")
    county = django_filters.ModelChoiceFilter(
        label=_("县区"), field_name="visit__county", queryset=_reachable_organisations
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=GuidanceLetter.Status.choices)
    overdue = django_filters.BooleanFilter(label=_("逾期未报送整改报告"), method="filter_overdue")

    class Meta:
        model = GuidanceLetter
        fields = ["year", "county", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        condition = GuidanceLetter.overdue_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)


YEAR_PARAMETER = OpenApiParameter("year", OpenApiTypes.INT, description=_("年度，默认今年"))


def _query_year(request):
    serializer = YearQuerySerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("year") or timezone.localdate().year


# --- schedule ------------------------------------------------------------------------------------


class ScheduleEntrySerializer(serializers.ModelSerializer):
    county = ScopedPrimaryKeyField(Organisation, label=_("县区"))
    county_name = serializers.CharField(source="county.name", read_only=True)
    year = serializers.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    # The range (1–12) is the service's rule, answered in Chinese.
    planned_month = serializers.IntegerField(label=_("计划月份"), help_text=_("1至12"))
    visited = serializers.SerializerMethodField(
        help_text=_("已有指导计入该安排（晚于计划月份的指导也计入，见 status）")
    )
    status = serializers.SerializerMethodField(
        help_text=_("done 已指导；pending 未指导（计划月份未过）；overdue 逾期未指导（计划月份已过）")
    )
    status_label = serializers.SerializerMethodField()
    visit = serializers.SerializerMethodField(help_text=_("计入该安排的指导（id），没有为null"))
    visit_date = serializers.SerializerMethodField(help_text=_("计入该安排的指导日期（可能晚于计划月份）"))

    class Meta:
        model = GuidanceSchedule
        fields = [
            "id",
            "city",
            "county",
            "county_name",
            "year",
            "planned_month",
            "note",
            "visited",
            "status",
            "status_label",
            "visit",
            "visit_date",
        ]
        read_only_fields = ["id", "city"]
        validators = []  # the service says "already scheduled" in Chinese

    def _status(self, entry):
        statuses = self.context.get("schedule_status")
        if statuses is None or entry.pk not in statuses:
            statuses = schedule_status(_user(self), [entry.year])
        return statuses[entry.pk]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_visited(self, entry) -> bool:
        return self._status(entry)[0] == SlotStatus.DONE

    @extend_schema_field({"type": "string", "enum": [SlotStatus.DONE, SlotStatus.PENDING, SlotStatus.OVERDUE]})
    def get_status(self, entry) -> str:
        return self._status(entry)[0]

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_label(self, entry) -> str:
        return str(SlotStatus.LABELS[self._status(entry)[0]])

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_visit(self, entry):
        visit = self._status(entry)[1]
        return visit.pk if visit else None

    @extend_schema_field({"type": "string", "format": "date", "nullable": True})
    def get_visit_date(self, entry):
        visit = self._status(entry)[1]
        return visit.visit_date.isoformat() if visit else None

    def create(self, validated_data):
        return services.add_schedule_entry(
            _user(self),
            validated_data["county"],
            validated_data["year"],
            validated_data["planned_month"],
            validated_data.get("note", ""),
        )


class ScheduleWarningsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("plan_warnings 与 progress_warnings 合在一起；县区用户和没有问题的年度为空"),
    )
    plan_warnings = serializers.ListField(child=serializers.CharField(), help_text=_("安排本身不符合R-40之处"))
    progress_warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("执行情况：逾期未指导的安排；临近或超过11月底仍未接受指导的县区"),
    )
    counties = serializers.IntegerField(help_text=_("所辖县区数（市局用户）"))
    counties_visited = serializers.IntegerField(help_text=_("本年度至今已接受指导的县区数"))
    overdue = serializers.IntegerField(help_text=_("逾期未指导的安排数"))


# --- visits --------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text=_("经数据权限校验后下载（网页端的下载地址）"))

    class Meta:
        model = GuidanceEvidence
        fields = ["id", "check_item", "original_name", "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, evidence) -> str:
        return _absolute(self, reverse("supervision:guidance_evidence_file", args=[evidence.pk]))


class CheckSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text=_("指导事项名称（R-41）"))
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = GuidanceCheck
        fields = ["id", "item", "label", "position", "finding", "conforms", "evidence"]
        read_only_fields = fields


class SpotRowSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField(label=_("生产经营单位"))
    enterprise_name = serializers.CharField()
    officers = serializers.ListField(child=serializers.IntegerField(), label=_("检查人员"))
    officer_names = serializers.ListField(child=serializers.CharField())


def _spot_rows(user, visit):
    """The stored draw with names: enterprises as the user may see them, officers from the visit's team."""
    if not visit.spot_result:
        return []
    ids = [row["enterprise"] for row in visit.spot_result]
    names = dict(Enterprise.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", "name"))
    team = {member.pk: member for member in visit.team.all()}
    return [
        {
            "enterprise": row["enterprise"],
            "enterprise_name": names.get(row["enterprise"], str(row["enterprise"])),
            "officers": row["officers"],
            "officer_names": [_name(team.get(o)) or str(o) for o in row["officers"]],
        }
        for row in visit.spot_result
    ]


class VisitSerializer(serializers.ModelSerializer):
    county = ScopedPrimaryKeyField(Organisation, label=_("指导县区"))
    team = ScopedPrimaryKeyField(User, many=True, allow_empty=True, label=_("指导组成员"), help_text=_("本局人员"))
    county_name = serializers.CharField(source="county.name", read_only=True)
    city_name = serializers.CharField(source="city.name", read_only=True)
    team_details = PersonSerializer(source="team", many=True, read_only=True)
    status = _choices_field(GuidanceVisit.Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    spot_checked = serializers.SerializerMethodField(help_text=_("已随机抽取抽查企业"))
    letter = serializers.SerializerMethodField(help_text=_("已下达的意见书ID"))
    letter_number = serializers.SerializerMethodField(label=_("意见书文号"))

    class Meta:
        model = GuidanceVisit
        fields = [
            "id",
            "city",
            "city_name",
            "county",
            "county_name",
            "visit_date",
            "schedule",
            "team",
            "team_details",
            "status",
            "status_label",
            "spot_checked",
            "letter",
            "letter_number",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "city", "schedule", "created_by", "created_at"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_spot_checked(self, visit) -> bool:
        return bool(visit.spot_result)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_letter(self, visit) -> int | None:
        letter = getattr(visit, "letter", None)
        return letter.pk if letter else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_letter_number(self, visit) -> str | None:
        letter = getattr(visit, "letter", None)
        return letter.document.number if letter and letter.document_id else None

    def create(self, validated_data):
        user, county, visit_date = _user(self), validated_data["county"], validated_data["visit_date"]
        # The visit carries out the county's earliest entry of that year, as on the web page.
        schedule = schedule_entry_for(user, county, visit_date)
        return services.create_visit(user, county, visit_date, validated_data["team"], schedule)


class VisitDetailSerializer(VisitSerializer):
    checks = CheckSerializer(many=True, read_only=True, label=_("指导事项（R-41）"))
    spot_plan = IdField(read_only=True, label=_("抽查所依据的计划"))
    spot_seed = serializers.CharField(read_only=True, label=_("抽查随机种子"))
    spot_result = serializers.SerializerMethodField(label=_("抽查结果"))

    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "spot_plan", "spot_seed", "spot_result", "checks"]

    @extend_schema_field(SpotRowSerializer(many=True))
    def get_spot_result(self, visit):
        return SpotRowSerializer(_spot_rows(_user(self), visit), many=True).data


class CheckInputSerializer(serializers.Serializer):
    finding = serializers.CharField(label=_("发现情况"), required=False, allow_blank=True, default="")
    # A non-conforming item needs its finding: the service's rule, answered as a 400 on "finding".
    conforms = serializers.BooleanField(label=_("是否符合"))


class VisitCheckField(IdField):
    """A checklist item of the visit in the URL; another visit's item reads "does not exist"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", GuidanceCheck.objects.none())  # the schema's model; narrowed per request
        super().__init__(**kwargs)

    def get_queryset(self):
        request, visit = self.context.get("request"), self.context.get("visit")
        if request is None or visit is None:
            return GuidanceCheck.objects.none()
        return GuidanceCheck.objects.restrict(request.user, "view").filter(visit=visit)


class EvidenceInputSerializer(serializers.Serializer):
    check_item = VisitCheckField(label=_("指导事项"))
    file = serializers.FileField(label=_("佐证材料"), help_text=_("PDF、OFD或照片（JPG、PNG、WEBP、HEIC）"))


class SpotCheckSerializer(serializers.Serializer):
    count = serializers.IntegerField(label=_("抽查企业数"), min_value=1, max_value=SPOT_CHECK_MAX, default=1)


class SpotVerifySerializer(serializers.Serializer):
    verified = serializers.BooleanField(
        allow_null=True, help_text=_("按保存的种子和企业库重新抽取，结果与保存的结果相同；尚未抽取时为null")
    )
    seed = serializers.CharField()
    result = SpotRowSerializer(many=True)


class FindingSerializer(serializers.Serializer):
    problem = serializers.CharField(label=_("主要问题"), allow_blank=True)
    opinion = serializers.CharField(label=_("指导意见"), allow_blank=True, required=False, default="")


class LetterIssueSerializer(serializers.Serializer):
    findings = FindingSerializer(
        many=True, required=False, label=_("主要问题及意见"), help_text=_("不填时取本次指导中不符合的指导事项")
    )
    report_deadline = serializers.DateField(label=_("整改报告期限"), help_text=_("须晚于今天"))
    contact_name = serializers.CharField(label=_("市局联系人"), max_length=50)
    contact_phone = serializers.CharField(label=_("联系电话"), max_length=30)


# --- letters -------------------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField(help_text=_("经数据权限校验后下载（网页端的下载地址）"))
    submitted_by_name = serializers.SerializerMethodField()
    reviewed_by_name = serializers.SerializerMethodField()
    decision = _choices_field(RectificationReport.Decision.choices, read_only=True)
    decision_label = serializers.CharField(source="get_decision_display", read_only=True)

    class Meta:
        model = RectificationReport
        fields = [
            "id",
            "text",
            "original_name",
            "file_url",
            "submitted_by",
            "submitted_by_name",
            "submitted_at",
            "late",
            "decision",
            "decision_label",
            "reasons",
            "reviewed_by",
            "reviewed_by_name",
            "reviewed_at",
        ]
        read_only_fields = fields

    def get_file_url(self, report) -> str:
        return _absolute(self, reverse("supervision:guidance_report_file", args=[report.pk]))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_submitted_by_name(self, report) -> str | None:
        return _name(report.submitted_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reviewed_by_name(self, report) -> str | None:
        return _name(report.reviewed_by)


class LetterSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="document.number", read_only=True, label=_("文号"))
    county = serializers.IntegerField(source="visit.county_id", read_only=True, label=_("县区"))
    county_name = serializers.CharField(source="visit.county.name", read_only=True)
    visit_date = serializers.DateField(source="visit.visit_date", read_only=True, label=_("指导日期"))
    findings = FindingSerializer(many=True, read_only=True, label=_("主要问题及意见"))
    status = _choices_field(GuidanceLetter.Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text=_("已过整改报告期限且没有待审核或已通过的报告"))
    issued_by_name = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField(help_text=_("意见书PDF（网页端的下载地址）；生成前为null"))

    class Meta:
        model = GuidanceLetter
        fields = [
            "id",
            "number",
            "visit",
            "county",
            "county_name",
            "visit_date",
            "findings",
            "report_deadline",
            "contact_name",
            "contact_phone",
            "status",
            "status_label",
            "overdue",
            "issued_by",
            "issued_by_name",
            "issued_at",
            "closed_at",
            "document_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, letter) -> bool:
        return letter.is_overdue(timezone.localdate())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_issued_by_name(self, letter) -> str | None:
        return _name(letter.issued_by)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document_url(self, letter) -> str | None:
        if not (letter.document_id and letter.document.pdf):
            return None
        return _absolute(self, reverse("supervision:guidance_letter_pdf", args=[letter.pk]))


class LetterDetailSerializer(LetterSerializer):
    reports = ReportSerializer(many=True, read_only=True, label=_("整改报告"))
    may_answer = serializers.SerializerMethodField(help_text=_("当前用户可以报送整改报告"))
    may_review = serializers.SerializerMethodField(help_text=_("当前用户可以审核整改报告"))

    class Meta(LetterSerializer.Meta):
        fields = [*LetterSerializer.Meta.fields, "reports", "may_answer", "may_review"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_may_answer(self, letter) -> bool:
        return services.may_answer(_user(self), letter)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_may_review(self, letter) -> bool:
        return services.may_review(_user(self), letter)


class ReportInputSerializer(serializers.Serializer):
    text = serializers.CharField(label=_("整改情况"))
    file = serializers.FileField(label=_("整改报告"), help_text=_("PDF、图片或OFD"))


class ReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(label=_("审核结果"), choices=ReviewForm.base_fields["decision"].choices)
    reasons = serializers.CharField(
        label=_("理由/意见"), required=False, allow_blank=True, default="", help_text=_("退回时必填")
    )


# --- ledger --------------------------------------------------------------------------------------


class LedgerRowSerializer(serializers.Serializer):
    county = serializers.IntegerField(source="county.pk", label=_("县区"))
    county_name = serializers.CharField(source="county.name")
    visits = serializers.IntegerField(label=_("指导次数"))
    last_visit = serializers.DateField(allow_null=True, label=_("最近指导日期"))
    letters = serializers.IntegerField(label=_("意见书"))
    open = serializers.IntegerField(label=_("未销号"))
    overdue = serializers.IntegerField(label=_("逾期"))
    closed = serializers.IntegerField(label=_("已销号"))


class LedgerTotalsSerializer(serializers.Serializer):
    visits = serializers.IntegerField()
    letters = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closed = serializers.IntegerField()


class LedgerLetterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    county = serializers.IntegerField(source="visit.county_id")
    county_name = serializers.CharField(source="visit.county.name")
    visit_date = serializers.DateField(source="visit.visit_date")
    number = serializers.CharField(source="document.number", default="")
    report_deadline = serializers.DateField()
    status = _choices_field(GuidanceLetter.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    overdue = serializers.BooleanField()
    report_count = serializers.IntegerField(label=_("报告次数"))
    closed_at = serializers.DateTimeField(allow_null=True)


# One object, not a list, although the view is a ViewSet's ``list`` (drf-spectacular would say array).
@extend_schema_serializer(many=False)
class LedgerSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    rows = LedgerRowSerializer(many=True, label=_("县区汇总"))
    totals = LedgerTotalsSerializer(label=_("合计"))
    letters = LedgerLetterSerializer(many=True, label=_("意见书明细"))


# --- viewsets ------------------------------------------------------------------------------------
# drf-spectacular shows docstrings in the docs; the docs are Chinese, so these classes use comments.


def _scoped_checks(user):
    """A visit's checklist with its evidence, both read through restrict() like the visit itself."""
    evidence = GuidanceEvidence.objects.restrict(user, "view").order_by("uploaded_at", "id")
    return (
        GuidanceCheck.objects.restrict(user, "view")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("position")
    )


def _with_reports(letters, user):
    reports = (
        RectificationReport.objects.restrict(user, "view")
        .select_related("submitted_by", "reviewed_by")
        .order_by("submitted_at", "id")
    )
    return letters.prefetch_related(Prefetch("reports", queryset=reports))


SCOPED_LIST = _("只返回您数据权限范围内的记录（县区只看到本县区的）；分页参数 page、page_size。")
SCOPED_DETAIL = _("数据权限范围外的记录与不存在的记录一样返回404。")
CITY_STEP = _("只有指导该县区的市应急管理局可以办理（否则403）；范围外返回404；不满足条件时返回400并说明原因。")


UPLOAD_PARSERS = [MultiPartParser, FormParser]


def _input(view, serializer_class, **context):
    """The request body validated by ``serializer_class`` (400 with field errors otherwise)."""
    serializer = serializer_class(data=view.request.data, context={**view.get_serializer_context(), **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _step_doc(summary, request, responses, description=CITY_STEP, **kwargs):
    return extend_schema(summary=summary, description=description, request=request, responses=responses, **kwargs)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("执法指导年度安排列表"), description=SCOPED_LIST),
    retrieve=extend_schema(summary=_("执法指导安排详情（范围外返回404）"), description=SCOPED_DETAIL),
    create=extend_schema(
        summary=_("添加执法指导安排"),
        description=_("市局为所辖县区安排某年某月的执法指导；县区用户返回403，同一县区同月重复安排返回400。"),
    ),
    destroy=extend_schema(
        summary=_("删除执法指导安排"), description=_("只有市局可以删除；无删除权限或范围外返回404。")
    ),
)
class GuidanceScheduleViewSet(RestrictedModelViewSet):
    queryset = GuidanceSchedule.objects.select_related("county", "city").order_by(
        "year", "planned_month", "county__path", "id"
    )
    serializer_class = ScheduleEntrySerializer
    filterset_class = ScheduleFilter
    # The warnings action reads no scoped queryset, so the permission must keep out users without guidance
    # rights (a shared-only user at the city read every county's name there, issue 9 item 1).
    action_permissions = {"warnings": "view"}
    action_refusals = {"create": services.CITY_ONLY, "destroy": services.CITY_ONLY}
    http_method_names = ["get", "post", "delete", "head", "options"]
    delete_service = services.delete_schedule_entry

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        # How far each entry was carried out: computed once for the page's years, not once per entry.
        context = {
            **self.get_serializer_context(),
            "schedule_status": schedule_status(request.user, {e.year for e in rows}),
        }
        serializer = self.get_serializer(rows, many=True, context=context)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    @extend_schema(
        summary=_("年度安排的提示"),
        description=_(
            "与网页“年度安排”相同的提示（R-40）：安排本身（未安排的县区、11月以后的安排、同月安排多个县区、"
            "县区过多无法按月完成）和执行情况（计划月份已过仍未指导的安排、临近或超过11月底仍未接受指导的县区）。"
            "只对市局用户给出。"
        ),
        parameters=[YEAR_PARAMETER],
        responses=ScheduleWarningsSerializer,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def warnings(self, request):
        year = _query_year(request)
        overview = schedule_year(request.user, year)
        body = {
            "year": year,
            "warnings": overview.warnings,
            "plan_warnings": overview.plan_warnings,
            "progress_warnings": overview.progress_warnings,
            "counties": len(overview.units),
            "counties_visited": overview.counties_visited,
            "overdue": overview.overdue,
        }
        return Response(ScheduleWarningsSerializer(body).data)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("执法指导列表（仅限数据权限范围内）"), description=SCOPED_LIST),
    retrieve=extend_schema(summary=_("执法指导详情（含指导事项、佐证材料和抽查结果）"), description=SCOPED_DETAIL),
    create=extend_schema(
        summary=_("新建执法指导"),
        description=_("创建时带出12项指导事项（R-41），并对应该县区当年最早的安排。")
        + _("指导组成员须为本局人员。")
        + CITY_STEP,
    ),
)
class GuidanceVisitViewSet(ScopedCreateListRetrieveViewSet):
    # A visit's steps need what services._locked_visit checks: changing the visit (the letter: issuing it).
    action_permissions = {
        "checks": "change",
        "evidence": "change",
        "spot_check": "change",
        "complete": "change",
        "issue_letter": "supervision.issue_guidanceletter",
        "verify": "view",
    }
    action_refusals = dict.fromkeys(
        ("create", "checks", "evidence", "spot_check", "complete", "issue_letter"), services.CITY_ONLY
    )
    queryset = (
        GuidanceVisit.objects.select_related("county", "city", "letter__document")
        .prefetch_related("team")
        .order_by("-visit_date", "-id")
    )
    filterset_class = VisitFilter

    def get_serializer_class(self):
        return VisitSerializer if self.action == "list" else VisitDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" or getattr(self, "swagger_fake_view", False):
            return queryset
        return queryset.prefetch_related(Prefetch("checks", queryset=_scoped_checks(self.request.user)))

    def _visit(self, pk, code=status.HTTP_200_OK):
        visit = self.get_queryset().get(pk=pk)
        return Response(VisitDetailSerializer(visit, context=self.get_serializer_context()).data, status=code)

    @_step_doc(
        _("填写指导事项的发现情况"),
        CheckInputSerializer,
        CheckSerializer,
        _("不符合时须写明发现的问题；已完成的指导不能再修改。") + CITY_STEP,
        parameters=[OpenApiParameter("check_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"checks/(?P<check_id>\d+)", filter_backends=[])
    def checks(self, request, pk=None, check_id=None):
        visit = self.get_object()
        checks = _scoped_checks(request.user).filter(visit=visit)
        check = get_object_or_404(checks, pk=check_id)  # another visit's item is not found either
        data = _input(self, CheckInputSerializer)
        services.record_check(request.user, check.pk, data["finding"], data["conforms"])
        return Response(CheckSerializer(checks.get(pk=check.pk), context=self.get_serializer_context()).data)

    @_step_doc(
        _("上传佐证材料"),
        EvidenceInputSerializer,
        {201: EvidenceSerializer},
        _("multipart/form-data：check_item 为本次指导的指导事项ID，file 为文件或照片（按内容校验类型）。") + CITY_STEP,
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=UPLOAD_PARSERS)
    def evidence(self, request, pk=None):
        visit = self.get_object()
        data = _input(self, EvidenceInputSerializer, visit=visit)
        evidence = services.add_evidence(request.user, data["check_item"].pk, data["file"])
        body = EvidenceSerializer(evidence, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @_step_doc(
        _("随机抽取抽查企业"),
        SpotCheckSerializer,
        VisitDetailSerializer,
        _("从该县区当年监督检查计划中随机抽取1至2家企业（R-40），每家配两名指导组成员；只能抽取一次，")
        + _("随机种子和企业库一并保存，可复核。")
        + CITY_STEP,
    )
    @action(detail=True, methods=["post"], url_path="spot-check", filter_backends=[])
    def spot_check(self, request, pk=None):
        visit = self.get_object()
        services.draw_spot_check(request.user, visit.pk, _input(self, SpotCheckSerializer)["count"])
        return self._visit(visit.pk)

    @extend_schema(
        summary=_("复核抽查结果"),
        description=_("按保存的随机种子、企业库和人员库重新抽取，与保存的结果比较。范围外返回404。"),
        responses=SpotVerifySerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def verify(self, request, pk=None):
        visit = self.get_object()
        body = {
            "verified": services.verify_spot_check(visit),
            "seed": visit.spot_seed,
            "result": _spot_rows(request.user, visit),
        }
        return Response(SpotVerifySerializer(body).data)

    @_step_doc(_("完成执法指导"), None, VisitDetailSerializer, _("全部指导事项填写是否符合后方可完成。") + CITY_STEP)
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        visit = self.get_object()
        services.complete_visit(request.user, visit.pk)
        return self._visit(visit.pk)

    @_step_doc(
        _("下达执法指导意见书"),
        LetterIssueSerializer,
        {201: LetterDetailSerializer},
        _("编号并生成意见书（R-42）；整改报告期限须晚于今天；每次指导只能下达一份。") + CITY_STEP,
    )
    @action(detail=True, methods=["post"], url_path="issue-letter", filter_backends=[])
    def issue_letter(self, request, pk=None):
        visit = self.get_object()
        data = _input(self, LetterIssueSerializer)
        findings = data.get("findings")
        if findings is None:
            findings = services.default_findings(visit)
        letter = services.issue_letter(
            request.user, visit.pk, findings, data["report_deadline"], data["contact_name"], data["contact_phone"]
        )
        letters = GuidanceLetterViewSet.queryset.restrict(request.user, "view")
        letter = _with_reports(letters, request.user).get(pk=letter.pk)
        body = LetterDetailSerializer(letter, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("执法指导意见书列表（仅限数据权限范围内）"), description=SCOPED_LIST),
    retrieve=extend_schema(summary=_("执法指导意见书详情（含整改报告）"), description=SCOPED_DETAIL),
)
class GuidanceLetterViewSet(RestrictedReadOnlyViewSet):
    action_permissions = {"report": "answer", "review": "review"}
    action_refusals = {"report": services.COUNTY_ANSWERS, "review": services.CITY_REVIEWS}
    queryset = GuidanceLetter.objects.select_related("visit__county", "document", "issued_by").order_by(
        "-issued_at", "-id"
    )
    filterset_class = LetterFilter

    def get_serializer_class(self):
        return LetterSerializer if self.action == "list" else LetterDetailSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" or getattr(self, "swagger_fake_view", False):
            return queryset
        return _with_reports(queryset, self.request.user)

    def _letter(self, pk, code=status.HTTP_200_OK):
        letter = self.get_queryset().get(pk=pk)
        return Response(LetterDetailSerializer(letter, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary=_("报送整改报告"),
        description=_(
            "multipart/form-data：text 整改情况，file 整改报告（PDF、图片或OFD）。只有收到意见书的县区可以报送"
            "（否则403）；范围外返回404；超过期限的报告照收但标记逾期。返回意见书（201）。"
        ),
        request=ReportInputSerializer,
        responses={201: LetterDetailSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[], parser_classes=UPLOAD_PARSERS)
    def report(self, request, pk=None):
        letter = self.get_object()
        data = _input(self, ReportInputSerializer)
        services.submit_report(request.user, letter.pk, data["text"], data["file"])
        return self._letter(letter.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("审核整改报告"),
        description=_(
            "accept 通过并销号，return 退回重报（须说明理由）。只有下达意见书的市局可以审核（否则403）；范围外返回404。"
        ),
        request=ReviewInputSerializer,
        responses=LetterDetailSerializer,
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        letter = self.get_object()
        data = _input(self, ReviewInputSerializer)
        services.review_report(request.user, letter.pk, data["decision"] == "accept", data["reasons"])
        return self._letter(letter.pk)


@extend_schema(tags=TAGS)
class GuidanceLedgerViewSet(ServiceExceptionsMixin, viewsets.ViewSet):
    # No queryset of its own: the ledger reads visits and letters through restrict().
    permission_classes = SCOPED
    action_permissions = {"list": "supervision.view_guidancevisit"}

    @extend_schema(
        summary=_("执法监督台账"),
        description=_(
            "与网页“执法监督台账”相同（R-43）：各县区的指导次数、意见书、未销号、逾期、已销号，以及意见书明细。"
            "市局看到所辖全部县区，县区只看到本县区。需要查看执法指导的权限（否则403）。"
        ),
        parameters=[YEAR_PARAMETER],
        responses=LedgerSerializer,
    )
    def list(self, request):
        year = _query_year(request)
        rows, letters = ledger_data(request.user, year)
        body = {"year": year, "rows": rows, "totals": ledger_totals(rows), "letters": letters}
        return Response(LedgerSerializer(body).data)


def register(router):
    router.register("guidance-schedule", GuidanceScheduleViewSet, basename="guidance-schedule")
    router.register("guidance-visits", GuidanceVisitViewSet, basename="guidance-visit")
    router.register("guidance-letters", GuidanceLetterViewSet, basename="guidance-letter")
    router.register("guidance-ledger", GuidanceLedgerViewSet, basename="guidance-ledger")
