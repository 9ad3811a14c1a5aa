"""REST API of the evidence store (R-20): resumable uploads in chunks, downloads, deletion. Wired in by ``register``.

/api/penalty-evidence-uploads/                 POST: start an upload (case, kind, filename, size, title…)
/api/penalty-evidence-uploads/<id>/           GET: where it stands (``received`` = the offset to resume from);
                                               DELETE: give it up
/api/penalty-evidence-uploads/<id>/chunk/     PUT: raw bytes (application/octet-stream) at ?offset=N or with
                                               "Content-Range: bytes N-M/total"; 409 with ``received`` if N is not it
/api/penalty-evidence-uploads/<id>/complete/  POST: assemble (optionally with the client's sha256)
/api/penalty-evidence-files/<id>/download/     GET: the file (scoped, audited)
/api/penalty-evidence-files/<id>/remove/       POST: delete with a reason (uploader, before any decision)

Uploads are their owner's alone, on cases in the owner's scope: anyone else's is 404. The list of a case's
evidence is part of the case API.
"""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.penalties import evidence as store
from cases.penalties.evidence_views import evidence_response
from cases.penalties.models import Evidence, EvidenceUpload
from enforcement.api.fields import IdField
from enforcement.api.parsers import BoundedJSONParser
from enforcement.api.permissions import SCOPED
from enforcement.api.viewsets import RestrictedViewSetMixin, ServiceExceptionsMixin

TAGS = [_("行政处罚证据")]
ADD = "cases.add_evidence"


class ChunkParser(parsers.BaseParser):
    """A chunk's raw bytes, at most one chunk's worth (the body limit refused anything longer already)."""

    media_type = "application/octet-stream"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(store.chunk_bytes() + 1) if stream is not None else b""


class OffsetChunkParser(ChunkParser):
    media_type = "application/offset+octet-stream"  # tus's name for the same thing


class PassthroughRenderer(renderers.BaseRenderer):
    # The download view returns the file response itself: a client may ask for the file's own type.
    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class EvidenceUploadSerializer(serializers.ModelSerializer):
    case = IdField(read_only=True, source="case_id")
    evidence = serializers.IntegerField(read_only=True, source="evidence_id", allow_null=True)
    chunk_size = serializers.SerializerMethodField(help_text=_("每个分片的最大字节数"))

    class Meta:
        model = EvidenceUpload
        fields = [
            "id",
            "case",
            "kind",
            "title",
            "original_name",
            "size",
            "received",
            "chunk_size",
            "status",
            "error",
            "evidence",
            "expires_at",
        ]
        read_only_fields = fields

    def get_chunk_size(self, upload) -> int:
        return store.chunk_bytes()


class EvidenceUploadStartSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1, max_value=2**62, help_text=_("案件ID"))
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    filename = serializers.CharField(max_length=200)
    size = serializers.IntegerField(min_value=1, max_value=2**62, help_text=_("文件总字节数"))
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    collected_on = serializers.DateField()
    record = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", required=False, allow_blank=True)


class EvidenceUploadCompleteSerializer(serializers.Serializer):
    sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$", required=False, allow_blank=True, help_text=_("客户端计算的SHA-256（可选）")
    )


class EvidenceRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("删除原因（记入操作日志）"))


class EvidenceOffsetMismatchSerializer(serializers.Serializer):
    detail = serializers.CharField()
    received = serializers.IntegerField()


_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


def _offset(request):
    """The chunk's offset: ?offset=N, or the start of "Content-Range: bytes N-M/total"."""
    raw = request.query_params.get("offset")
    if raw is None:
        match = _RANGE.match(request.headers.get("Content-Range", "").strip())
        raw = match.group(1) if match else None
    if raw is None or not raw.isdigit() or len(raw) > 15:
        raise serializers.ValidationError({"offset": [_("请用 offset 参数或 Content-Range 头给出分片起点。")]})
    return int(raw)


@extend_schema(tags=TAGS)
@extend_schema_view(
    retrieve=extend_schema(
        summary=_("查询证据上传进度"),
        description=_("断线后先查询 received（已接收字节数），再从该位置继续上传。仅上传人本人可见，其他人返回404。"),
    ),
    destroy=extend_schema(summary=_("取消证据上传"), description=_("删除已上传的分片。")),
)
class EvidenceUploadViewSet(
    ServiceExceptionsMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    permission_classes = SCOPED
    queryset = EvidenceUpload.objects.all()
    serializer_class = EvidenceUploadSerializer
    # Uploading is adding evidence: every operation on an upload needs that permission.
    action_permissions = {
        "create": ADD,
        "retrieve": ADD,
        "destroy": ADD,
        "chunk": ADD,
        "complete": ADD,
    }
    parser_classes = [BoundedJSONParser]

    def get_queryset(self):
        return store.uploads_of(self.request.user).select_related("case")

    @extend_schema(
        summary=_("开始上传证据（分片断点续传）"),
        description=_(
            "按文件名后缀和声明的大小先行检查（照片15MB、书证30MB、录音500MB、录像4GB，可配置）。"
            "之后用 PUT …/chunk/ 逐片上传，每片不超过 chunk_size。"
        ),
        request=EvidenceUploadStartSerializer,
        responses={201: EvidenceUploadSerializer},
    )
    def create(self, request):
        form = EvidenceUploadStartSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = store.start_upload(
            request.user,
            data["case"],
            kind=data["kind"],
            filename=data["filename"],
            size=data["size"],
            title=data["title"],
            collected_on=data["collected_on"],
            description=data.get("description", ""),
            record_id=data.get("record"),
            sha256=data.get("sha256", ""),
        )
        return Response(EvidenceUploadSerializer(upload).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        store.cancel_upload(self.request.user, instance.pk)

    @extend_schema(
        summary=_("上传一个分片"),
        description=_(
            "请求体为分片的原始字节。起点必须等于 received，否则返回409及应续传的位置；"
            "第一片按文件内容（文件头）检查类型。"
        ),
        parameters=[OpenApiParameter("offset", OpenApiTypes.INT, description=_("分片起点（字节）"))],
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={200: EvidenceUploadSerializer, 409: EvidenceOffsetMismatchSerializer},
    )
    @action(detail=True, methods=["put"], parser_classes=[ChunkParser, OffsetChunkParser])
    def chunk(self, request, pk=None):
        self.get_object()  # not the caller's upload: 404 before the body is looked at
        offset = _offset(request)
        data = request.data if isinstance(request.data, bytes) else b""
        try:
            upload = store.receive_chunk(request.user, int(pk), offset, data)
        except store.OffsetMismatch as exc:
            return Response({"detail": exc.messages[0], "received": exc.expected}, status=status.HTTP_409_CONFLICT)
        return Response(EvidenceUploadSerializer(upload).data)

    @extend_schema(
        summary=_("完成上传：合并分片、计算SHA-256并存为证据"),
        description=_("全部字节到齐后调用；合并在后台进行，再次查询直到 status 为 complete（evidence 为证据ID）。"),
        request=EvidenceUploadCompleteSerializer,
        responses={202: EvidenceUploadSerializer, 409: EvidenceOffsetMismatchSerializer},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        self.get_object()
        form = EvidenceUploadCompleteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            upload = store.complete_upload(request.user, int(pk), form.validated_data.get("sha256", ""))
        except store.OffsetMismatch as exc:
            return Response({"detail": exc.messages[0], "received": exc.expected}, status=status.HTTP_409_CONFLICT)
        return Response(EvidenceUploadSerializer(upload).data, status=status.HTTP_202_ACCEPTED)


class EvidenceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "title", "kind", "original_name", "size", "sha256", "collected_on"]
        read_only_fields = fields


@extend_schema(tags=TAGS)
class EvidenceFileViewSet(RestrictedViewSetMixin, viewsets.GenericViewSet):
    queryset = Evidence.objects.select_related("case").order_by("id")
    serializer_class = EvidenceBriefSerializer
    action_permissions = {"download": "view", "remove": "add"}
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        summary=_("下载证据文件"),
        description=_("先按数据权限查找证据，再返回文件并记入操作日志；范围外返回404。"),
        responses={(200, "*/*"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        renderer_classes=[renderers.JSONRenderer, PassthroughRenderer],
    )
    def download(self, request, pk=None):
        return evidence_response(request, self.get_object())

    @extend_schema(
        summary=_("删除证据（须填写原因）"),
        description=_("仅上传人可删除，且处罚决定作出后不得删除或替换（《行政处罚法》第四十七条）。"),
        request=EvidenceRemoveSerializer,
        responses={204: OpenApiResponse(description=_("已删除"))},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def remove(self, request, pk=None):
        evidence = self.get_object()
        form = EvidenceRemoveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        store.delete_evidence(request.user, evidence.pk, form.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router):
    """Register this feature's viewsets on the project router."""
    router.register("penalty-evidence-uploads", EvidenceUploadViewSet, basename="penalty-evidence-upload")
    router.register("penalty-evidence-files", EvidenceFileViewSet, basename="penalty-evidence-file")
