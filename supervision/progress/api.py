"""REST API of the monthly progress reports (月调度, R-05/R-06). Wired in by ``register(router)``.

/api/monthly-progress/            list, retrieve (scoped: out of scope is 404); POST …/<id>/confirm/
/api/monthly-progress-runs/       the job's runs (read-only); POST …/rebuild/ queues a past month again
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enforcement.api.filters import BoundedFilterSet
from enforcement.api.permissions import SCOPED
from enforcement.api.viewsets import RestrictedReadOnlyViewSet, ServiceExceptionsMixin
from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import choices_in_scope
from supervision.progress import services
from supervision.progress.forms import MonthField, month_label, parse_month
from supervision.progress.models import MonthlyProgress, MonthlyProgressRun

TAGS = [_("月度调度")]


# --- filters -------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)  # "YYYY-MM"
class MonthFilter(django_filters.Filter):
    field_class = MonthField


_reachable_organisations = choices_in_scope(Organisation)


class MonthlyProgressFilter(BoundedFilterSet):
    month = MonthFilter(label=_("月份（如 2026-06）"), field_name="month")
    organisation = django_filters.ModelChoiceFilter(label=_("执法主体"), queryset=_reachable_organisations)
    within = django_filters.ModelChoiceFilter(
        label=_("该单位及其下级"), queryset=_reachable_organisations, method="filter_within"
    )
    confirmed = django_filters.BooleanFilter(label=_("已确认"), field_name="confirmed_at", method="filter_confirmed")

    class Meta:
        model = MonthlyProgress
        fields = ["month", "organisation", "within", "confirmed"]

    @extend_schema_field(OpenApiTypes.INT)  # an organisation id
    def filter_within(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)

    def filter_confirmed(self, queryset, name, value):
        return queryset.filter(confirmed_at__isnull=not value)


class MonthlyProgressRunFilter(BoundedFilterSet):
    month = MonthFilter(label=_("月份（如 2026-06）"), field_name="month")

    class Meta:
        model = MonthlyProgressRun
        fields = ["month", "status"]


# --- serializers ---------------------------------------------------------------------------------


class BehindItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(label=_("计划检查事项"))
    enterprise = serializers.CharField(label=_("生产经营单位"))
    month = serializers.IntegerField(label=_("计划月份"))


class MonthlyProgressSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    month_label = serializers.SerializerMethodField(label=_("月份"))
    behind = BehindItemSerializer(many=True, read_only=True, label=_("滞后计划检查（前20项）"))
    completion_rate = serializers.FloatField(read_only=True, allow_null=True, label=_("计划检查任务完成率（%）"))
    reinspection_rate = serializers.FloatField(read_only=True, allow_null=True, label=_("隐患整改复查率（%）"))
    key_coverage_rate = serializers.FloatField(read_only=True, allow_null=True, label=_("重点单位覆盖率（%）"))
    general_coverage_rate = serializers.FloatField(read_only=True, allow_null=True, label=_("一般单位覆盖率（%）"))
    confirmed_by_name = serializers.SerializerMethodField(label=_("确认人"))

    class Meta:
        model = MonthlyProgress
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "month",
            "month_label",
            *[name for name in MonthlyProgress.FIGURES if name != "behind"],
            "behind",
            "completion_rate",
            "reinspection_rate",
            "key_coverage_rate",
            "general_coverage_rate",
            "generated_at",
            "confirmed_at",
            "confirmed_by",
            "confirmed_by_name",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_month_label(self, report) -> str:
        return month_label(report.month)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_confirmed_by_name(self, report) -> str | None:
        user = report.confirmed_by
        return (user.full_name or user.username) if user else None


class MonthlyProgressRunSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    error = serializers.SerializerMethodField(label=_("错误"))

    class Meta:
        model = MonthlyProgressRun
        fields = ["id", "month", "status", "status_label", "started_at", "finished_at", "organisations", "changed"]
        fields += ["error", "queued_at", "attempts"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_error(self, run) -> str:
        # A failure's text can name internals; only those who can re-run the month need it.
        request = self.context.get("request")
        return run.error if request and services.can_rebuild(request.user) else ""


class RebuildRequestSerializer(serializers.Serializer):
    month = serializers.CharField(label=_("月份（如 2026-06）"))

    def validate_month(self, value):
        try:
            return parse_month(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class RebuildResponseSerializer(serializers.Serializer):
    month = serializers.CharField()
    queued = serializers.BooleanField()
    detail = serializers.CharField()


# --- viewsets ------------------------------------------------------------------------------------


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary=_("月度调度报表列表（仅限数据权限范围内）"),
        description=_("县级只看到本单位（及下级）的报表，市级看到所辖各县；按月份、执法主体、是否已确认筛选。"),
    ),
    retrieve=extend_schema(
        summary=_("月度调度报表详情（范围外返回404）"),
        description=_("数据权限范围外的报表与不存在的报表一样返回404。"),
    ),
)
class MonthlyProgressViewSet(RestrictedReadOnlyViewSet):
    action_permissions = {"confirm": "confirm"}
    queryset = MonthlyProgress.objects.select_related("organisation", "confirmed_by")
    serializer_class = MonthlyProgressSerializer
    filterset_class = MonthlyProgressFilter

    @extend_schema(
        request=None,
        responses=MonthlyProgressSerializer,
        summary=_("确认上报本单位月度调度"),
        description=_("只能由本单位有确认权限的用户确认本单位的报表（否则403）；范围外返回404；已确认的返回400。"),
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        # the county confirms its own report; the service checks organisation and permission.
        report = self.get_object()
        report = services.confirm_progress(request.user, report.pk)
        report = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(report).data)


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(
        summary=_("月度调度生成记录"),
        description=_("每个月份一条：状态、开始与完成时间、单位数、有变化的报表数。需要查看月度调度的权限。"),
    ),
    retrieve=extend_schema(summary=_("月度调度生成记录详情"), description=_("需要查看月度调度的权限。")),
)
class MonthlyProgressRunViewSet(ServiceExceptionsMixin, viewsets.ReadOnlyModelViewSet):
    # Runs carry no organisation's data (one row per month for the whole system), so they are not scoped;
    # seeing them needs the permission to view monthly progress.
    queryset = MonthlyProgressRun.objects.order_by("-month")
    serializer_class = MonthlyProgressRunSerializer
    filterset_class = MonthlyProgressRunFilter
    permission_classes = SCOPED
    action_permissions = {
        "list": "supervision.view_monthlyprogress",
        "retrieve": "supervision.view_monthlyprogress",
        "rebuild": "supervision.rebuild_monthlyprogress",
    }

    @extend_schema(
        request=RebuildRequestSerializer,
        responses={202: RebuildResponseSerializer},
        summary=_("重新生成某个已结束月份的月度调度"),
        description=_(
            "排队重新计算该月全部单位的报表。重复生成是安全的（幂等）：数据未变化的报表保持不变，"
            "有变化的报表更新并需重新确认。需要“重新生成月度调度”权限且为市级及以上单位（否则403）。"
            "任务队列暂不可用时请求仍被记录（queued为true），队列恢复后自动开始。"
        ),
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def rebuild(self, request):
        serializer = RebuildRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        month = serializer.validated_data["month"]
        label, outcome = services.request_rebuild(request.user, month)
        body = {
            "month": label,
            "queued": outcome != services.RebuildOutcome.FAILED,
            "detail": str(
                _("已提交重新生成%(month)s月度调度的任务。") % {"month": month_label(month)}
                if outcome == services.RebuildOutcome.SENT
                else services.rebuild_message(outcome, month)
            ),
        }
        return Response(RebuildResponseSerializer(body).data, status=status.HTTP_202_ACCEPTED)


def register(router):
    router.register("monthly-progress", MonthlyProgressViewSet, basename="monthlyprogress")
    router.register("monthly-progress-runs", MonthlyProgressRunViewSet, basename="monthlyprogressrun")
