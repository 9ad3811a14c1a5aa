"""REST API of 双随机 draws (R-02) and officers' conflict declarations (R-08).

Scoping happens once, in the base viewsets (out of scope → 404); every change goes through
plans.draws.services, whose Chinese ValidationErrors come back as 400 field errors.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enforcement.api.fields import IdField, ScopedPrimaryKeyField
from enforcement.api.filters import BoundedFilterSet, StableOrderingFilter
from enforcement.api.viewsets import RestrictedModelViewSet, RestrictedViewSetMixin
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import Organisation
from plans.annual.models import InspectionPlan
from plans.api_common import docs, reachable_organisations, reachable_plans, request_user
from plans.draws import services
from plans.draws.models import ConflictDeclaration, Draw

HEAVY_DRAW_FIELDS = ("enterprise_pool", "officer_pool", "excluded_pairs", "result")


# --- serializers ---------------------------------------------------------------------------------


class DrawDefinitionSerializer(serializers.Serializer):
    sectors = IdField(label=_("行业领域"), many=True, required=False, queryset=Sector.objects.filter(is_active=True))
    organisations = ScopedPrimaryKeyField(Organisation, label=_("属地范围"), many=True, required=False)
    supervision_class = serializers.ChoiceField(
        label=_("监管类别"), choices=Enterprise.SupervisionClass.choices, required=False, allow_blank=True, default=""
    )
    responsible_only = serializers.BooleanField(label=_("仅限组织单位为执法主体的单位"), default=True)
    exclude_last_inspectors = serializers.BooleanField(label=_("排除上次检查该单位的执法人员"), default=False)


class DrawSerializer(serializers.ModelSerializer):
    organisation = ScopedPrimaryKeyField(Organisation, label=_("组织单位"))
    plan = ScopedPrimaryKeyField(InspectionPlan, "change", label=_("所属计划"), required=False, allow_null=True)
    definition = DrawDefinitionSerializer(write_only=True, required=False, label=_("抽取范围"))
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    is_current = serializers.SerializerMethodField(help_text=_("未被重新抽取"))
    enterprise_pool_size = serializers.SerializerMethodField()
    officer_pool_size = serializers.SerializerMethodField()
    officers_per_enterprise = serializers.IntegerField(label=_("每户执法人员数"), min_value=2, default=2)
    sample_size = serializers.IntegerField(label=_("抽取企业数"), min_value=1)
    planned_month = serializers.IntegerField(
        label=_("加入计划的月份"),
        min_value=1,
        max_value=12,
        required=False,
        write_only=True,
        help_text=_("与所属计划同时提供时，抽中的单位在同一事务中列入该计划（双随机抽查）。"),
    )
    result = serializers.ListField(child=serializers.DictField(), read_only=True)
    pool_definition = serializers.DictField(read_only=True)

    class Meta:
        model = Draw
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "plan",
            "title",
            "created_by",
            "created_at",
            "definition",
            "pool_definition",
            "sample_size",
            "officers_per_enterprise",
            "planned_month",
            "seed",
            "algorithm_version",
            "enterprise_pool_size",
            "officer_pool_size",
            "result",
            "redraw_of",
            "redraw_reason",
            "published_at",
            "is_current",
        ]
        read_only_fields = [
            "id",
            "created_at",
            "seed",
            "algorithm_version",
            "redraw_of",
            "redraw_reason",
            "published_at",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_current(self, draw) -> bool:
        redrawn = getattr(draw, "redrawn", None)
        return not redrawn if redrawn is not None else draw.is_current

    @extend_schema_field(OpenApiTypes.INT)
    def get_enterprise_pool_size(self, draw) -> int:
        return len(draw.enterprise_pool)

    @extend_schema_field(OpenApiTypes.INT)
    def get_officer_pool_size(self, draw) -> int:
        return len(draw.officer_pool)

    def validate(self, attrs):
        plan, org = attrs.get("plan"), attrs.get("organisation")
        if plan is not None and org is not None and plan.organisation_id != org.pk:
            raise serializers.ValidationError({"plan": [_("所属计划必须是组织单位本单位的计划。")]})
        if attrs.get("planned_month") and plan is None:
            raise serializers.ValidationError({"planned_month": [_("加入计划须同时指定所属计划。")]})
        return attrs

    def create(self, validated_data):
        definition = validated_data.get("definition") or {}
        stored = {
            "sectors": sorted(s.pk for s in definition.get("sectors", [])),
            "organisations": sorted(o.pk for o in definition.get("organisations", [])),
            "supervision_class": definition.get("supervision_class", ""),
            "responsible_only": definition.get("responsible_only", True),
            "exclude_last_inspectors": definition.get("exclude_last_inspectors", False),
        }
        return services.create_draw(
            request_user(self),
            validated_data["organisation"],
            validated_data["title"],
            stored,
            validated_data["sample_size"],
            validated_data.get("officers_per_enterprise", 2),
            plan=validated_data.get("plan"),
            planned_month=validated_data.get("planned_month"),
        )


class DrawListSerializer(DrawSerializer):
    """The list leaves out the stored pools and result (a pool can hold 100,000 ids)."""

    class Meta(DrawSerializer.Meta):
        fields = [
            f
            for f in DrawSerializer.Meta.fields
            if f
            not in (
                "result",
                "enterprise_pool_size",
                "officer_pool_size",
                "definition",
                "pool_definition",
                "planned_month",
            )
        ]


class RedrawSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("重新抽取理由"))


class AddToPlanSerializer(serializers.Serializer):
    plan = ScopedPrimaryKeyField(InspectionPlan, "change", label=_("计划"))
    planned_month = serializers.IntegerField(label=_("计划月份"), min_value=1, max_value=12)


class VerifySerializer(serializers.Serializer):
    verified = serializers.BooleanField(help_text=_("按保存的输入重新运行，结果与保存的结果相同"))
    algorithm_version = serializers.CharField()
    seed = serializers.CharField()


class ConflictDeclarationSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyField(Enterprise, label=_("生产经营单位"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    officer = serializers.CharField(source="officer.username", read_only=True)
    officer_name = serializers.CharField(source="officer.full_name", read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = ["id", "officer", "officer_name", "enterprise", "enterprise_name", "relation", "declared_at"]
        read_only_fields = ["id", "officer", "officer_name", "declared_at"]
        validators = []  # the service says "already declared" in Chinese

    def create(self, validated_data):
        return services.declare_conflict(request_user(self), validated_data["enterprise"], validated_data["relation"])


# --- filters -------------------------------------------------------------------------------------


class DrawFilter(BoundedFilterSet):
    organisation = django_filters.ModelChoiceFilter(label=_("组织单位"), queryset=reachable_organisations)
    plan = django_filters.ModelChoiceFilter(label=_("所属计划"), queryset=reachable_plans)
    published = django_filters.BooleanFilter(
        label=_("已公示"), field_name="published_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Draw
        fields = ["organisation", "plan", "published"]


# --- viewsets ------------------------------------------------------------------------------------


@extend_schema(tags=[_("双随机抽查")])
@docs(_("双随机抽取"), create=(_("新建抽取"), _("保存企业库、执法人员库快照、随机种子和算法版本，可随时复核。")))
class DrawViewSet(RestrictedModelViewSet):
    # Each action needs what its service checks: a redraw is a new draw, publishing changes it.
    action_permissions = {"add_to_plan": "plans.add_planitem", "publish": "change", "redraw": "add", "verify": "view"}
    queryset = Draw.objects.select_related("organisation", "created_by").annotate(
        redrawn=Exists(Draw.objects.filter(redraw_of=OuterRef("pk")))
    )
    serializer_class = DrawSerializer
    filterset_class = DrawFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["created_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            return queryset.defer(*HEAVY_DRAW_FIELDS)
        return queryset

    def get_serializer_class(self):
        return DrawListSerializer if self.action == "list" else DrawSerializer

    def _respond(self, draw, code=status.HTTP_200_OK):
        draw = self.get_queryset().model.objects.filter(pk=draw.pk).select_related("organisation", "created_by").get()
        return Response(DrawSerializer(draw, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary=_("重新抽取"), request=RedrawSerializer, responses={201: DrawSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def redraw(self, request, pk=None):
        draw = self.get_object()
        serializer = RedrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new = services.redraw(request.user, draw.pk, serializer.validated_data["reason"])
        return self._respond(new, status.HTTP_201_CREATED)

    @extend_schema(summary=_("复核抽取结果"), responses=VerifySerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def verify(self, request, pk=None):
        draw = self.get_object()
        data = {"verified": services.verify_draw(draw), "algorithm_version": draw.algorithm_version, "seed": draw.seed}
        return Response(VerifySerializer(data).data)

    @extend_schema(summary=_("公示抽取结果"), request=None, responses=DrawSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        draw = self.get_object()
        return self._respond(services.publish_draw(request.user, draw.pk))

    @extend_schema(
        summary=_("抽取结果加入计划"),
        request=AddToPlanSerializer,
        responses=inline_serializer(
            "AddedItems",
            {
                "added": serializers.IntegerField(),
                "plan": serializers.IntegerField(),
                "already_planned": serializers.ListField(
                    child=serializers.CharField(), help_text=_("计划中已有、未重复列入的单位")
                ),
            },
        ),
    )
    @action(detail=True, methods=["post"], url_path="add-to-plan", filter_backends=[])
    def add_to_plan(self, request, pk=None):
        draw = self.get_object()
        serializer = AddToPlanSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        plan = serializer.validated_data["plan"]
        added = services.add_draw_to_plan(request.user, draw.pk, plan.pk, serializer.validated_data["planned_month"])
        return Response({"added": len(added.items), "plan": plan.pk, "already_planned": added.already_planned})


@extend_schema(tags=[_("双随机抽查")])
@docs(
    _("回避申报"),
    create=(_("申报利害关系"), _("执法人员申报本人与生产经营单位的利害关系。")),
    destroy=(_("撤回回避申报"), _("只能撤回本人的申报。")),
)
class ConflictDeclarationViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    # Own declarations, plus (with the view permission) those of the officers in scope: an officer who may
    # declare reads and withdraws their own.
    action_permissions = {"list": ("view", "add"), "retrieve": ("view", "add"), "destroy": "add"}
    queryset = ConflictDeclaration.objects.select_related("officer", "enterprise").order_by("-declared_at", "-pk")
    serializer_class = ConflictDeclarationSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        scoped = self.queryset
        self.queryset = (
            ConflictDeclaration.objects.select_related("officer", "enterprise")
            .filter(Q(pk__in=scoped.values("pk")) | Q(officer=request.user))
            .order_by("-declared_at", "-pk")
        )

    def perform_destroy(self, instance):
        services.withdraw_conflict(self.request.user, instance.pk)


def register(router):
    """Register the draw and conflict-declaration viewsets on the project router."""
    router.register("draws", DrawViewSet, basename="draw")
    router.register("conflict-declarations", ConflictDeclarationViewSet, basename="conflict-declaration")
