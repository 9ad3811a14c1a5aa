"""REST API of annual plans: plans and their workflow (R-01…R-04), plan items with their on-site plans and
the check-item library (R-10).

Scoping happens once, in the base viewsets (out of scope → 404); every change goes through
plans.annual.services, whose Chinese ValidationErrors come back as 400 field errors.
"""

import django_filters
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from enforcement.api.fields import IdField, ScopedPrimaryKeyField
from enforcement.api.filters import BoundedFilterSet
from enforcement.api.parsers import BoundedJSONParser
from enforcement.api.permissions import ReferenceData
from enforcement.api.viewsets import RestrictedModelViewSet
from enforcement.audit.services import downloaded
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation, User
from enforcement.orgs.services import certified_officers
from enforcement.uploads import DOCUMENT, serve_scoped_file, validate_upload
from plans.annual import services
from plans.annual.coverage import check_plan
from plans.annual.forms import plan_title, responsibility_error
from plans.annual.models import CheckItem, InspectionMode, InspectionPlan, PlanItem, PlanTransition, PlanType
from plans.api_common import docs, reachable_organisations, reachable_plans, request_user

S = InspectionPlan.Status


def _upload(value):
    from django.core.exceptions import ValidationError as DjangoValidationError

    if not value:
        return value
    try:
        return validate_upload(value, DOCUMENT)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


# --- serializers ---------------------------------------------------------------------------------


# Plan statuses appear on plans and on their transitions. Described as a string listing its values
# rather than as an enum: drf-spectacular would otherwise name competing "StatusEnum" components with
# the other apps' status fields (and fail the --fail-on-warn schema check).
@extend_schema_field(
    {
        "type": "string",
        "description": _(
            "draft 草稿；submitted 已报本级政府审批；approved 已批准；filed 已向上级报备；"
            "published 已公示；superseded 已被新版本替代"
        ),
    }
)
class PlanStatusField(serializers.CharField):
    pass


class RuleResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField()
    details = serializers.ListField(child=serializers.CharField())


class PlanCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text=_("全部规则均满足"))
    rules = RuleResultSerializer(many=True)


class PlanTransitionSerializer(serializers.ModelSerializer):
    from_status = PlanStatusField(read_only=True)
    to_status = PlanStatusField(read_only=True)
    from_status_label = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status_label = serializers.CharField(source="get_to_status_display", read_only=True)
    by = serializers.CharField(source="by.username", read_only=True)
    by_name = serializers.CharField(source="by.full_name", read_only=True)
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = PlanTransition
        fields = [
            "id",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "at",
            "by",
            "by_name",
            "note",
            "has_attachment",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_attachment(self, transition) -> bool:
        return bool(transition.attachment)


class InspectionPlanSerializer(serializers.ModelSerializer):
    organisation = ScopedPrimaryKeyField(Organisation, label=_("编制单位"))
    title = serializers.CharField(label=_("标题"), max_length=200, required=False, allow_blank=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    plan_type_label = serializers.CharField(source="get_plan_type_display", read_only=True)
    status = PlanStatusField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    item_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    overdue = serializers.SerializerMethodField(help_text=_("逾期未批准（R-04）"))

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "year",
            "plan_type",
            "plan_type_label",
            "version",
            "previous",
            "title",
            "status",
            "status_label",
            "revision_reason",
            "created_by",
            "created_at",
            "submitted_at",
            "approved_at",
            "approved_on",
            "approval_kind",
            "approval_reference",
            "filed_at",
            "filing_acknowledged_at",
            "filing_acknowledged_by",
            "published_at",
            "published_where",
            "item_count",
            "overdue",
        ]
        read_only_fields = [f for f in fields if f not in ("organisation", "year", "plan_type", "title")]
        # Uniqueness is the service's decision (with its Chinese message), not DRF's generic validator.
        validators = []

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, plan) -> bool:
        overdue = self.context.get("overdue_ids")
        if overdue is not None:
            return plan.pk in overdue
        return services.overdue_plans(plan.year).filter(pk=plan.pk).exists()

    def validate_year(self, value):
        if not 2000 <= value <= 2100:
            raise serializers.ValidationError(_("年度应在2000至2100之间。"))
        return value

    def create(self, validated_data):
        organisation, year, plan_type = (
            validated_data["organisation"],
            validated_data["year"],
            validated_data.get("plan_type", PlanType.WORK_SAFETY),
        )
        title = validated_data.get("title") or plan_title(organisation, year, plan_type)
        return services.create_plan(request_user(self), organisation, year, plan_type, title)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("说明"), required=False, allow_blank=True, default="")


class ApproveSerializer(NoteSerializer):
    approval_kind = serializers.ChoiceField(
        label=_("批准方式"), choices=[("document", _("政府批复文件")), ("instruction", _("领导批示"))]
    )
    approval_reference = serializers.CharField(label=_("批复文号/批示"), max_length=200)
    approved_on = serializers.DateField(
        label=_("批复日期"), help_text=_("批复文件或批示上的日期；不能晚于今天，不能早于报批日期。")
    )
    attachment = serializers.FileField(label=_("批复文件或批示扫描件"))

    def validate_approved_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("批复日期不能晚于今天。"))
        return value

    def validate_attachment(self, value):
        return _upload(value)


class FileSerializer(NoteSerializer):
    attachment = serializers.FileField(label=_("报备文件"), required=False, allow_null=True)

    def validate_attachment(self, value):
        return _upload(value)


class PublishSerializer(NoteSerializer):
    published_where = serializers.CharField(label=_("公示位置"), max_length=300)
    published_at = serializers.DateTimeField(label=_("公示时间"), required=False, allow_null=True)

    def validate_published_at(self, value):
        if value and value > timezone.now():
            raise serializers.ValidationError(_("公示时间不能晚于现在。"))
        return value


class ReviseSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("调整理由"))


class PlanItemSerializer(serializers.ModelSerializer):
    plan = ScopedPrimaryKeyField(InspectionPlan, label=_("计划"))
    enterprise = ScopedPrimaryKeyField(Enterprise, label=_("生产经营单位"))
    officers = ScopedPrimaryKeyField(User, label=_("执法人员"), many=True, required=False)
    check_items = IdField(
        label=_("检查事项"), many=True, required=False, queryset=CheckItem.objects.filter(is_active=True)
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "enterprise",
            "enterprise_name",
            "mode",
            "mode_label",
            "planned_month",
            "team",
            "officers",
            "check_items",
            "include_principal_duties",
            "onsite_notes",
            "draw",
        ]
        read_only_fields = ["id", "draw"]
        validators = []  # the service's full_clean reports duplicates in Chinese

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, PlanItem):
            # An item stays in its plan and keeps its enterprise; re-planning is remove + add.
            fields["plan"].read_only = True
            fields["enterprise"].read_only = True
        return fields

    def validate(self, attrs):
        plan = attrs.get("plan") or getattr(self.instance, "plan", None)
        enterprise = attrs.get("enterprise") or getattr(self.instance, "enterprise", None)
        errors = {}
        if "enterprise" in attrs:
            error = responsibility_error(enterprise, plan)
            if error:
                errors["enterprise"] = [error]
        if "officers" in attrs:
            allowed = set(
                certified_officers(User.objects.filter(organisation=plan.organisation_id)).values_list("pk", flat=True)
            )
            if self.instance is not None:
                allowed |= {o.pk for o in self.instance.officers.all()}
            wrong = [str(o) for o in attrs["officers"] if o.pk not in allowed]
            if wrong:
                errors["officers"] = [
                    _("只能安排本单位持有有效执法证的执法人员：%(names)s") % {"names": "、".join(wrong)}
                ]
        if "check_items" in attrs:
            wrong = [c.pk for c in attrs["check_items"] if c.sector_id not in (None, enterprise.sector_id)]
            if wrong:
                errors["check_items"] = [_("只能选择通用检查事项和该单位所属行业的检查事项。")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        plan = validated_data.pop("plan")
        enterprise = validated_data.pop("enterprise")
        return services.add_item(request_user(self), plan.pk, enterprise, **validated_data)

    def update(self, instance, validated_data):
        return services.update_item(request_user(self), instance.pk, **validated_data)


class CheckItemSerializer(serializers.ModelSerializer):
    sector_name = serializers.CharField(source="sector.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = CheckItem
        fields = ["id", "sector", "sector_name", "category", "text", "basis", "principal_duty", "sort_order"]
        read_only_fields = fields


# --- filters -------------------------------------------------------------------------------------


class PlanFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    plan_type = django_filters.ChoiceFilter(label=_("计划类型"), choices=PlanType.choices)
    organisation = django_filters.ModelChoiceFilter(label=_("编制单位"), queryset=reachable_organisations)
    within = django_filters.ModelChoiceFilter(
        label=_("编制单位（含下级）"), queryset=reachable_organisations, method="filter_within"
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=S.choices)

    class Meta:
        model = InspectionPlan
        fields = ["year", "plan_type", "organisation", "within", "status"]

    @extend_schema_field(OpenApiTypes.INT)  # an organisation id
    def filter_within(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)


class PlanItemFilter(BoundedFilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("计划"), queryset=reachable_plans)
    planned_month = django_filters.NumberFilter(label=_("计划月份"))
    mode = django_filters.ChoiceFilter(label=_("检查方式"), choices=InspectionMode.choices)
    enterprise = django_filters.NumberFilter(label=_("生产经营单位"))

    class Meta:
        model = PlanItem
        fields = ["plan", "planned_month", "mode", "enterprise"]


class CheckItemFilter(BoundedFilterSet):
    sector = django_filters.NumberFilter(label=_("行业领域（含通用事项）"), method="filter_sector")
    principal_duty = django_filters.BooleanFilter(label=_("主要负责人履职事项"))
    category = django_filters.CharFilter(label=_("类别"))

    class Meta:
        model = CheckItem
        fields = ["sector", "principal_duty", "category"]

    def filter_sector(self, queryset, name, value):
        # The choices for an enterprise of that sector: its sector's items plus the general ones.
        return queryset.filter(Q(sector_id=value) | Q(sector__isnull=True))


# --- viewsets ------------------------------------------------------------------------------------


def _step_doc(summary, request, description=""):
    return extend_schema(
        summary=summary,
        description=description or _("不能跳过环节；不满足条件时返回400并说明原因，无权办理返回403，范围外返回404。"),
        request=request,
        responses=InspectionPlanSerializer,
    )


@extend_schema(tags=[_("年度计划")])
@docs(
    _("年度监督检查计划"),
    create=(
        _("新建年度计划（草稿）"),
        _("编制单位须在数据权限范围内；同一单位同一年度同类计划只能有一份（调整请发起新版本）。"),
    ),
)
class InspectionPlanViewSet(RestrictedModelViewSet):
    # Annual plans (R-01…R-04): list, retrieve, create; the workflow as POST actions, each needing the
    # permission its service checks (a revision is a new plan).
    action_permissions = {
        "submit": "submit",
        "approve": "approve",
        "file_plan": "file",
        "publish": "publish",
        "acknowledge": "acknowledge",
        "revise": "add",
        "check": "view",
        "transitions": "view",
        "attachment": "view",
    }
    queryset = (
        InspectionPlan.objects.select_related("organisation", "created_by")
        .annotate(item_count=Count("items"))
        .order_by("-year", "organisation__path", "plan_type", "-version", "pk")
    )
    serializer_class = InspectionPlanSerializer
    filterset_class = PlanFilter
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list" and hasattr(self, "_page_ids"):
            context["overdue_ids"] = self._overdue_ids
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        flagged = None
        for year in {p.year for p in rows}:
            qs = services.overdue_plans(year)
            flagged = qs if flagged is None else flagged | qs
        self._overdue_ids = (
            set(flagged.filter(pk__in=[p.pk for p in rows]).values_list("pk", flat=True))
            if flagged is not None and not flagged.query.is_empty()
            else set()
        )
        serializer = self.get_serializer(rows, many=True)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)

    def _done(self, plan, created=False):
        plan = self.get_queryset().model.objects.filter(pk=plan.pk).annotate(item_count=Count("items")).get()
        return Response(
            InspectionPlanSerializer(plan, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary=_("规则检查"), description=_("覆盖规则逐条检查结果（报批时强制执行）。"), responses=PlanCheckSerializer
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def check(self, request, pk=None):
        plan = self.get_object()
        results = check_plan(plan)
        data = {"ok": all(r.ok for r in results), "rules": [r.__dict__ for r in results]}
        return Response(PlanCheckSerializer(data).data)

    @extend_schema(summary=_("办理记录"), responses=PlanTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def transitions(self, request, pk=None):
        plan = self.get_object()
        rows = plan.transitions.select_related("by").order_by("at", "pk")
        return Response(PlanTransitionSerializer(rows, many=True).data)

    @extend_schema(
        summary=_("下载办理附件"),
        description=_("批复文件、报备文件；只有能查看该计划的用户可以下载。"),
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], filter_backends=[], url_path=r"attachments/(?P<transition_id>\d+)")
    def attachment(self, request, pk=None, transition_id=None):
        plan = self.get_object()  # scoped first: another county's plan is 404
        transition = PlanTransition.objects.filter(plan=plan, pk=transition_id).first()
        if transition is None or not transition.attachment:
            raise Http404
        try:
            response = serve_scoped_file(transition.attachment)
        except FileNotFoundError as exc:
            raise Http404 from exc
        downloaded(request, plan, _("计划办理附件"), transition.attachment.name)
        return response

    @_step_doc(_("报本级政府审批"), NoteSerializer, _("草稿 → 已报本级政府审批；覆盖规则不满足时返回400并逐条说明。"))
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        plan = self.get_object()
        return self._done(services.submit_plan(request.user, plan.pk, self._input(NoteSerializer)["note"]))

    @_step_doc(
        _("登记批准"), ApproveSerializer, _("multipart/form-data 上传批复文件或领导批示（PDF、JPG、PNG、OFD）。")
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        plan = self.get_object()
        data = self._input(ApproveSerializer)
        return self._done(
            services.approve_plan(
                request.user,
                plan.pk,
                data["approval_kind"],
                data["approval_reference"],
                data["attachment"],
                data["note"],
                approved_on=data["approved_on"],
            )
        )

    @_step_doc(_("向上级报备"), FileSerializer)
    @action(detail=True, methods=["post"], url_path="file", filter_backends=[])
    def file_plan(self, request, pk=None):
        plan = self.get_object()
        data = self._input(FileSerializer)
        return self._done(services.file_plan(request.user, plan.pk, data.get("attachment"), data["note"]))

    @_step_doc(_("上级确认报备"), NoteSerializer, _("只有上级应急管理部门可以确认。"))
    @action(detail=True, methods=["post"], filter_backends=[])
    def acknowledge(self, request, pk=None):
        plan = self.get_object()
        return self._done(services.acknowledge_filing(request.user, plan.pk, self._input(NoteSerializer)["note"]))

    @_step_doc(_("登记公示"), PublishSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        plan = self.get_object()
        data = self._input(PublishSerializer)
        return self._done(
            services.publish_plan(
                request.user, plan.pk, data["published_where"], data.get("published_at"), data["note"]
            )
        )

    @_step_doc(
        _("调整计划（新版本）"),
        ReviseSerializer,
        _("已批准的计划调整时生成新版本草稿，重新报批、报备。返回新版本（201）。"),
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def revise(self, request, pk=None):
        plan = self.get_object()
        return self._done(services.revise_plan(request.user, plan.pk, self._input(ReviseSerializer)["reason"]), True)


@extend_schema(tags=[_("年度计划")])
@docs(
    _("计划检查事项"),
    create=(_("添加计划检查事项"), _("仅草稿计划；只能添加本单位为执法主体的单位（R-03）。")),
    update=(_("修改计划检查事项"), _("仅草稿计划。")),
    partial_update=(_("修改计划检查事项（部分字段）"), _("仅草稿计划。")),
    destroy=(_("移除计划检查事项"), _("仅草稿计划。")),
)
class PlanItemViewSet(RestrictedModelViewSet):
    queryset = (
        PlanItem.objects.select_related("enterprise", "plan")
        .prefetch_related("officers", "check_items")
        .order_by("plan_id", "planned_month", "enterprise__name", "pk")
    )
    serializer_class = PlanItemSerializer
    filterset_class = PlanItemFilter
    delete_service = services.remove_item


@extend_schema(tags=[_("年度计划")])
@docs(_("检查事项库"))
class CheckItemViewSet(viewsets.ReadOnlyModelViewSet):
    # The check-item library: shared reference data maintained by administrators, not scoped.
    permission_classes = [ReferenceData]
    queryset = CheckItem.objects.filter(is_active=True).select_related("sector")
    serializer_class = CheckItemSerializer
    filterset_class = CheckItemFilter


def register(router):
    """Register the annual-plan viewsets on the project router."""
    router.register("plans", InspectionPlanViewSet, basename="plan")
    router.register("plan-items", PlanItemViewSet, basename="plan-item")
    router.register("check-items", CheckItemViewSet, basename="check-item")
