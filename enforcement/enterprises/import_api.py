"""REST API of the register import: upload → preview → confirm, through the same steps as the web pages.

POST a workbook (multipart ``file``) and the batch comes back "parsing" (解析中); poll it until it is
"previewed" (or "rejected", with the reason), read its rows, then confirm it — optionally with the reason for
key enterprises whose row gives none — and poll again until "applied" (or "failed": retry). A batch is
private to the user who uploaded it: anyone else gets 404, as on the pages.
"""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from enforcement.api.parsers import BoundedJSONParser
from enforcement.api.viewsets import ServiceExceptionsMixin
from enforcement.enterprises import import_flow, importing
from enforcement.enterprises.import_forms import ImportConfirmForm, ImportUploadForm
from enforcement.enterprises.models import ImportBatch

TAGS = [_("生产经营单位导入")]
ROW_STATUSES = ("error", "warning", "create", "update", "unchanged")
ROWS_PER_PAGE = 200


class CanImport(permissions.BasePermission):
    """The web import's permission: register administrators (importing.can_import, the navigation's rule)."""

    message = _("您没有导入生产经营单位的权限。")

    def has_permission(self, request, view):
        return importing.can_import(request.user)


# Described as a string listing its values rather than as an enum: drf-spectacular would otherwise name
# competing "StatusEnum" components with the other apps' status fields.
@extend_schema_field(
    {
        "type": "string",
        "description": _(
            "parsing 解析中；rejected 无法导入（见 error_message）；previewed 待确认；applying 正在导入；"
            "applied 已导入；failed 导入失败（可重试）"
        ),
    }
)
class BatchStatusField(serializers.CharField):
    pass


class ColumnMappingSerializer(serializers.Serializer):
    sheet_header = serializers.CharField(label=_("表格中的列"))
    field = serializers.CharField(label=_("导入为"))


class IgnoredLineSerializer(serializers.Serializer):
    row = serializers.IntegerField(label=_("行号"))
    text = serializers.CharField(label=_("内容"))


class SectorAliasUseSerializer(serializers.Serializer):
    written = serializers.CharField(label=_("表格中的行业名称"))
    sector = serializers.CharField(label=_("对应的行业领域"))


class ImportBatchSerializer(serializers.ModelSerializer):
    status = BatchStatusField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    in_progress = serializers.BooleanField(source="is_in_progress", read_only=True, label=_("处理中（请稍后再查询）"))
    warning_count = serializers.SerializerMethodField(label=_("提醒行"))
    column_mapping = serializers.SerializerMethodField(label=_("列的对应关系"))
    ignored_columns = serializers.SerializerMethodField(label=_("未识别的列"))
    ignored_lines = serializers.SerializerMethodField(label=_("已忽略的签字、日期等说明行"))
    sector_aliases = serializers.SerializerMethodField(label=_("按别名对应的行业领域"))
    unknown_sectors = serializers.SerializerMethodField(label=_("未能对应的行业名称"))

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "original_name",
            "status",
            "status_label",
            "in_progress",
            "error_message",
            "created_at",
            "confirmed_at",
            "finished_at",
            "attempts",
            "header_row",
            "row_count",
            "create_count",
            "update_count",
            "unchanged_count",
            "error_count",
            "warning_count",
            "key_reason",
            "column_mapping",
            "ignored_columns",
            "ignored_lines",
            "sector_aliases",
            "unknown_sectors",
        ]
        read_only_fields = fields

    def get_warning_count(self, batch) -> int:
        return int(batch.columns.get("warning_count", 0))

    @extend_schema_field(ColumnMappingSerializer(many=True))
    def get_column_mapping(self, batch):
        return [{"sheet_header": sheet, "field": field} for sheet, field in importing.column_mapping(batch)]

    def get_ignored_columns(self, batch) -> list[str]:
        return list(batch.columns.get("ignored", []))

    @extend_schema_field(IgnoredLineSerializer(many=True))
    def get_ignored_lines(self, batch):
        return list(batch.columns.get("footer", []))

    @extend_schema_field(SectorAliasUseSerializer(many=True))
    def get_sector_aliases(self, batch):
        return [{"written": k, "sector": v} for k, v in sorted(batch.columns.get("sector_aliases", {}).items())]

    def get_unknown_sectors(self, batch) -> list[str]:
        return list(batch.columns.get("unknown_sectors", []))


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("Excel文件（.xlsx）"))

    def validate(self, attrs):
        # The web form's checks (name, type, size), before anything is stored.
        form = ImportUploadForm(data={}, files={"file": attrs["file"]})
        if not form.is_valid():
            raise serializers.ValidationError({"file": form.errors["file"]})
        return attrs


class ConfirmSerializer(serializers.Serializer):
    key_reason = serializers.CharField(
        label=_("统一的列为重点理由"),
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("给未填写理由的重点单位；留空则这些单位导入后标记为“重点理由待补充”。"),
    )

    def validate_key_reason(self, value):
        form = ImportConfirmForm(data={"key_reason": value})
        if not form.is_valid():
            raise serializers.ValidationError(form.errors["key_reason"])
        return form.cleaned_data["key_reason"]


# A 400 answer: field name → its messages (Chinese).
FIELD_ERRORS = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(label=_("说明"))


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(label=_("字段"))
    old = serializers.CharField(label=_("原值"), allow_blank=True)
    new = serializers.CharField(label=_("新值"), allow_blank=True)


class ReportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(label=_("行号"))
    status = serializers.ChoiceField(choices=[(s, s) for s in ROW_STATUSES if s != "warning"], label=_("结果"))
    code = serializers.CharField(label=_("统一社会信用代码"), allow_blank=True)
    name = serializers.CharField(label=_("单位名称"), allow_blank=True)
    org = serializers.CharField(label=_("属地"), required=False)
    errors = serializers.ListField(child=serializers.CharField(), required=False, label=_("错误原因"))
    warnings = serializers.ListField(child=serializers.CharField(), required=False, label=_("提醒"))
    changes = ChangeSerializer(many=True, required=False, label=_("变更内容"))

    def to_representation(self, row):
        data = {k: row[k] for k in ("row", "status", "code", "name", "org", "errors", "warnings") if k in row}
        if "changes" in row:
            data["changes"] = [{"field": f, "old": o, "new": n} for f, o, n in row["changes"]]
        return data


class ReportPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = ReportRowSerializer(many=True)


def _queue_answer(outcome, batch):
    if outcome == import_flow.Outcome.BROKER_DOWN:
        raise BrokerDown()
    batch.refresh_from_db()
    return Response(ImportBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


class BrokerDown(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("任务队列暂时不可用，请稍后重试。")
    default_code = "broker_down"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@extend_schema(tags=TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("我的导入批次"), description=_("只列出本人上传的批次，最新的在前。")),
    retrieve=extend_schema(
        summary=_("导入批次（预览与结果）"),
        description=_("in_progress 为 true 时（解析中、排队或正在导入）请稍后再查询。他人的批次返回404。"),
    ),
    create=extend_schema(
        summary=_("上传名录工作簿"),
        description=_(
            "multipart/form-data 的 file 字段上传 .xlsx。工作簿在后台任务中解析（status 为 parsing），"
            "解析完成后为 previewed 或 rejected（error_message 说明原因）。任务队列不可用时文件已保存，"
            "恢复后自动解析。"
        ),
        request={"multipart/form-data": UploadSerializer},
        responses={201: ImportBatchSerializer, 400: FIELD_ERRORS},
    ),
)
class ImportBatchViewSet(
    ServiceExceptionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ImportBatch.objects.all()
    serializer_class = ImportBatchSerializer
    permission_classes = [permissions.IsAuthenticated, CanImport]
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]
    filter_backends = []

    def get_queryset(self):
        # A batch is private to the user who uploaded it, whatever the data scope (OwnedQuerySet, the
        # scoping of the import pages): anyone else, another county's user included, gets 404.
        return self.queryset.owned_by(self.request.user).defer("rows", "report")

    def create(self, request, *args, **kwargs):
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        batch, outcome = import_flow.upload(request.user, upload.validated_data["file"])
        if outcome == import_flow.Outcome.REJECTED:
            raise exceptions.ValidationError({"file": [batch.error_message]})
        # With the queue down the batch is kept as parsing: the sweep parses it once the queue is back.
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("预览或结果的逐行明细"),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(ROW_STATUSES), description=_("只看某一类行")),
            OpenApiParameter("page", OpenApiTypes.INT, description=_("页码，每页200行")),
        ],
        responses={200: ReportPageSerializer, 400: FIELD_ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def rows(self, request, pk=None):
        batch = self.get_object()
        wanted = request.query_params.get("status")
        if wanted and wanted not in ROW_STATUSES:
            raise exceptions.ValidationError({"status": [_("可选：%(s)s。") % {"s": "、".join(ROW_STATUSES)}]})
        report = ImportBatch.objects.filter(pk=batch.pk).values_list("report", flat=True).get()
        if wanted == "warning":
            report = [r for r in report if r.get("warnings")]
        elif wanted:
            report = [r for r in report if r["status"] == wanted]
        paginator = Paginator(report, ROWS_PER_PAGE)
        page = paginator.get_page(request.query_params.get("page"))
        return Response(
            {
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "results": ReportRowSerializer(page.object_list, many=True).data,
            }
        )

    @extend_schema(
        summary=_("确认导入"),
        description=_(
            "只能确认一次（重复确认返回409）。在后台任务中写入，错误行跳过；任务队列不可用时返回503，可稍后再确认。"
        ),
        request=ConfirmSerializer,
        responses={202: ImportBatchSerializer, 400: FIELD_ERRORS, 409: DetailSerializer, 503: DetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        batch = self.get_object()
        serializer = ConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = import_flow.confirm(batch, serializer.validated_data["key_reason"])
        if outcome == import_flow.Outcome.NOT_ALLOWED:
            raise Conflict(_("该批次已经确认过或尚未完成解析，不能确认。"))
        return _queue_answer(outcome, batch)

    @extend_schema(
        summary=_("重试失败的批次"),
        description=_("只有失败（failed）的批次可以重试（否则返回409），从失败的步骤（解析或写入）重新开始。"),
        request=None,
        responses={202: ImportBatchSerializer, 409: DetailSerializer, 503: DetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        batch = self.get_object()
        outcome = import_flow.retry(batch)
        if outcome == import_flow.Outcome.NOT_ALLOWED:
            raise Conflict(_("该批次不是失败状态，无需重试。"))
        return _queue_answer(outcome, batch)


def register(router):
    """Register the import's viewset on the project router."""
    router.register("enterprise-imports", ImportBatchViewSet, basename="enterprise-import")
