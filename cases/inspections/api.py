"""REST API of inspections, hazards, hazard photos and re-inspections (R-10…R-13). Wired in by ``register``.

/api/inspections/              list, retrieve, create (with nested check results); POST …/<id>/complete/,
                               POST …/<id>/correct/ (a correction with its reason; the history is in "corrections")
/api/hazards/                  list, retrieve, create (multipart: photos uploaded with the hazard)
/api/hazard-photos/            list, retrieve; GET …/<id>/download/ streams the file (scoped; ?size=thumb)
/api/reinspections/            list, retrieve, create (each joins the visit of its inspection, day and team)

Every queryset is restricted by the base viewsets (out of scope is 404); references in a request body
(plan item, enterprise, officers, inspection, hazard) resolve only inside the caller's scope. Writes call
cases.inspections.services, which check the law (two certified officers, dates, upload type and size).
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from cases.inspections import corrections, services
from cases.inspections.filters import HazardFilter, InspectionFilter
from cases.inspections.models import CheckResult, Hazard, HazardPhoto, Inspection, InspectionCorrection, ReInspection
from cases.inspections.views import photo_response
from enforcement.api.fields import IdField, ScopedPrimaryKeyField
from enforcement.api.filters import BoundedFilterSet
from enforcement.api.parsers import BoundedJSONParser
from enforcement.api.serializers import OrganisationBriefSerializer, PersonSerializer
from enforcement.api.viewsets import RestrictedViewSetMixin, ScopedCreateListRetrieveViewSet
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import User
from enforcement.orgs.services import team_candidates
from enforcement.uploads import PHOTO, validate_upload
from plans.models import CheckItem, PlanItem

INSPECTION_TAGS = [_("执法检查")]
HAZARD_TAGS = [_("隐患整改")]

# --- fields ------------------------------------------------------------------------------------------


class TeamMemberField(ScopedPrimaryKeyField):
    """An officer id: anyone in the caller's scope, or a certified officer of the bureaus of the caller's city
    (the delegating body, a joint inspection: R-55, R-09). The service decides who may be on the team."""

    def get_queryset(self):
        scoped = super().get_queryset()
        request = self.context.get("request")
        organisation = getattr(getattr(request, "user", None), "organisation", None)
        if organisation is None:
            return scoped
        return User.objects.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=team_candidates(organisation).values("pk")))


def _officers_field(label):
    # An empty or short list reaches the service, which answers with the legal rule in Chinese.
    return TeamMemberField(
        User,
        many=True,
        allow_empty=True,
        label=label,
        help_text=_(
            "至少两名持有效行政执法证的执法人员（R-50），其中至少一名本单位人员；"
            "可包括委托机关和本市其他执法单位的人员（联合检查）"
        ),
    )


# --- inspections -------------------------------------------------------------------------------------


class CheckResultSerializer(serializers.ModelSerializer):
    check_item = IdField(label=_("检查事项"), queryset=CheckItem.objects.all(), allow_null=True, required=False)
    text = serializers.CharField(label=_("检查内容"), max_length=300, required=False, allow_blank=True)
    compliant = serializers.BooleanField(
        label=_("符合要求"),
        allow_null=True,
        required=False,
        default=None,
        help_text=_("true 符合，false 不符合，null 未检查"),
    )

    class Meta:
        model = CheckResult
        fields = ["id", "check_item", "text", "compliant", "note"]
        read_only_fields = ["id"]

    def validate(self, attrs):
        if not attrs.get("check_item") and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError(_("请选择检查事项或填写检查内容。"))
        return attrs


class InspectionCorrectionSerializer(serializers.ModelSerializer):
    corrected_by = PersonSerializer(read_only=True)
    changes = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        read_only=True,
        help_text=_("每项：field 字段、label 名称、old 原值、new 新值（按页面显示的文字）"),
    )

    class Meta:
        model = InspectionCorrection
        fields = ["id", "corrected_at", "corrected_by", "reason", "was_completed", "changes"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    plan_item = ScopedPrimaryKeyField(
        PlanItem, label=_("计划检查事项"), required=False, allow_null=True, help_text=_("与 enterprise 二选一")
    )
    enterprise = ScopedPrimaryKeyField(
        Enterprise, label=_("被检查单位"), required=False, help_text=_("计划外检查时填写；按计划检查时由计划事项带出")
    )
    officers = _officers_field(_("执法人员"))
    officer_details = PersonSerializer(source="officers", many=True, read_only=True)
    results = CheckResultSerializer(many=True, required=False, label=_("检查结果"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    partner_organisations = OrganisationBriefSerializer(
        many=True, read_only=True, help_text=_("派执法人员参加检查的其他单位（含委托机关），由执法人员所在单位得出")
    )
    is_joint = serializers.SerializerMethodField(help_text=_("联合检查：有其他单位人员或系统外部门参加"))
    corrections = InspectionCorrectionSerializer(many=True, read_only=True, label=_("更正历史"))

    class Meta:
        model = Inspection
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "enterprise",
            "enterprise_name",
            "plan_item",
            # The facts of the record, as a correction may change them.
            *corrections.CORRECTABLE,
            "officers",
            "officer_details",
            "is_joint",
            "partner_organisations",
            "status",
            "status_label",
            "results",
            "corrections",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "organisation", "status", "created_by", "created_at"]
        extra_kwargs = {
            "started_at": {"help_text": _("检查开始时间，须在检查日期当天，不晚于当前时间")},
            "ended_at": {"help_text": _("检查结束时间，不早于开始时间，不晚于当前时间")},
            "feedback_meeting_at": {
                "help_text": _("反馈会时间，在检查起止时间之内；填写时须 feedback_meeting_held=true")
            },
        }

    def get_is_joint(self, inspection) -> bool:
        return bool(inspection.other_departments) or bool(inspection.partner_organisations.all())

    def validate(self, attrs):
        if bool(attrs.get("plan_item")) == bool(attrs.get("enterprise")):
            raise serializers.ValidationError(
                _("请填写计划检查事项（plan_item）或被检查单位（enterprise），二者选一。")
            )
        return attrs

    def create(self, validated_data):
        plan_item = validated_data.pop("plan_item", None)
        enterprise = validated_data.pop("enterprise", None)
        return services.record_inspection(
            self.context["request"].user,
            inspected_on=validated_data.pop("inspected_on"),
            officers=list(validated_data.pop("officers", [])),
            plan_item_id=plan_item.pk if plan_item else None,
            enterprise_id=None if plan_item else enterprise.pk,
            results=validated_data.pop("results", []),
            **validated_data,
        )


class CompleteInspectionSerializer(serializers.Serializer):
    launch_meeting_held = serializers.BooleanField(label=_("已召开启动会"), required=False, default=False)
    feedback_meeting_held = serializers.BooleanField(label=_("已召开反馈会"), required=False, default=False)
    ended_at = serializers.DateTimeField(label=_("检查结束时间"), required=False, allow_null=True, default=None)
    feedback_meeting_at = serializers.DateTimeField(
        label=_("反馈会时间"), required=False, allow_null=True, default=None
    )
    feedback_attendees = serializers.CharField(
        label=_("企业参会人员"), max_length=200, required=False, allow_blank=True, default=""
    )
    feedback_content = serializers.CharField(label=_("反馈内容"), required=False, allow_blank=True, default="")


class ResultCorrectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(label=_("检查结果ID"))
    compliant = serializers.BooleanField(
        label=_("符合要求"), allow_null=True, help_text=_("true 符合，false 不符合，null 未检查")
    )
    note = serializers.CharField(label=_("说明"), max_length=500, required=False, allow_blank=True, default="")


class CorrectInspectionSerializer(serializers.Serializer):
    """Only the fields sent are corrected; every change is recorded old → new with the reason."""

    reason = serializers.CharField(label=_("更正原因"))
    officers = _officers_field(_("执法人员（更正后的全部人员）"))
    results = ResultCorrectionSerializer(many=True, required=False, label=_("检查结果（需更正的行）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officers"].required = False
        model_fields = serializers.ModelSerializer.serializer_field_mapping
        for name in corrections.CORRECTABLE:
            model_field = Inspection._meta.get_field(name)
            field_class = model_fields[type(model_field)]
            options = {"label": model_field.verbose_name, "required": False}
            if model_field.null:
                options["allow_null"] = True
            if isinstance(model_field, models.CharField | models.TextField):
                options["allow_blank"] = True
                if model_field.max_length:
                    options["max_length"] = model_field.max_length
            self.fields[name] = field_class(**options)

    def correction(self):
        data = dict(self.validated_data)
        if "results" in data:
            data["results"] = {
                row["id"]: {"compliant": row["compliant"], "note": row["note"]} for row in data["results"]
            }
        if "officers" in data:
            data["officers"] = list(data["officers"])
        return data


# --- hazards and photos ------------------------------------------------------------------------------


class HazardPhotoSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text=_("经数据权限校验后下载原图；加 ?size=thumb 取缩略图"))

    class Meta:
        model = HazardPhoto
        fields = ["id", "hazard", "original_name", "uploaded_by", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, photo) -> str:
        url = reverse("api:hazard-photo-download", args=[photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class HazardSerializer(serializers.ModelSerializer):
    inspection = ScopedPrimaryKeyField(Inspection, label=_("检查"))
    photos = HazardPhotoSerializer(many=True, read_only=True)
    photo_files = serializers.ListField(
        child=serializers.FileField(),
        write_only=True,
        required=False,
        label=_("现场照片"),
        help_text=_("multipart/form-data 上传，可多张；JPG、PNG、WEBP、HEIC，每张不超过15MB"),
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    enterprise_name = serializers.CharField(source="inspection.enterprise.name", read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "inspection",
            "organisation",
            "enterprise_name",
            "description",
            "location",
            "is_major",
            "found_on",
            "rectification_deadline",
            "current_deadline",
            "status",
            "status_label",
            "is_overdue",
            "rectified_on",
            "closed_on",
            "photos",
            "photo_files",
        ]
        read_only_fields = ["id", "organisation", "found_on", "current_deadline", "status", "rectified_on", "closed_on"]
        extra_kwargs = {
            "rectification_deadline": {"help_text": _("责令限期整改指令书规定的期限，复查不合格也不改变")},
            "current_deadline": {"help_text": _("当前有效的整改期限：复查不合格时为重新确定的期限")},
        }

    def validate_photo_files(self, files):
        errors = []
        for upload in files:
            try:
                validate_upload(upload, PHOTO)
            except DjangoValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise serializers.ValidationError(errors)
        return files

    def create(self, validated_data):
        return services.add_hazard(
            self.context["request"].user,
            validated_data["inspection"].pk,
            description=validated_data["description"],
            location=validated_data.get("location", ""),
            is_major=validated_data.get("is_major", False),
            rectification_deadline=validated_data["rectification_deadline"],
            photos=validated_data.get("photo_files", []),
        )


class ReInspectionSerializer(serializers.ModelSerializer):
    hazard = ScopedPrimaryKeyField(Hazard, label=_("隐患"))
    officers = _officers_field(_("复查人员"))
    officer_details = PersonSerializer(source="officers", many=True, read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = ReInspection
        fields = [
            "id",
            "hazard",
            "visit",
            "inspected_on",
            "officers",
            "officer_details",
            "result",
            "result_label",
            "note",
            "new_deadline",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "visit", "created_by", "created_at"]
        extra_kwargs = {
            "visit": {"help_text": _("同一检查、同一日期、同一复查组的复查归为一次，出具一份整改复查意见书")}
        }

    def create(self, validated_data):
        return services.record_reinspection(
            self.context["request"].user,
            validated_data["hazard"].pk,
            inspected_on=validated_data["inspected_on"],
            officers=list(validated_data.get("officers", [])),
            result=validated_data["result"],
            note=validated_data.get("note", ""),
            new_deadline=validated_data.get("new_deadline"),
        )


# Plain ids, not model choices: a choice field would tell "exists elsewhere" from "does not exist".
class ReInspectionFilter(BoundedFilterSet):
    hazard = django_filters.NumberFilter(label=_("隐患ID"), field_name="hazard_id")

    class Meta:
        model = ReInspection
        fields = ["hazard", "result"]


class HazardPhotoFilter(BoundedFilterSet):
    hazard = django_filters.NumberFilter(label=_("隐患ID"), field_name="hazard_id")

    class Meta:
        model = HazardPhoto
        fields = ["hazard"]


# --- viewsets ----------------------------------------------------------------------------------------
# drf-spectacular shows docstrings in the docs; the docs are Chinese, so these classes use comments.


SCOPED_LIST = _("只返回您数据权限范围内的记录；分页参数 page、page_size。")
SCOPED_DETAIL = _("数据权限范围外的记录与不存在的记录一样返回404。")
SERVICE_WRITE = _(
    "格式由接口校验；法定规则（两名持证执法人员、日期、上传文件类型与大小）由业务服务校验，错误以400返回。"
)


@extend_schema(tags=INSPECTION_TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("执法检查列表（仅限数据权限范围内）"), description=SCOPED_LIST),
    retrieve=extend_schema(summary=_("执法检查详情（范围外返回404）"), description=SCOPED_DETAIL),
    create=extend_schema(
        summary=_("录入现场检查记录（含各检查事项结果）"),
        description=_("按计划检查填写 plan_item，计划外检查填写 enterprise。") + SERVICE_WRITE,
    ),
)
class InspectionViewSet(ScopedCreateListRetrieveViewSet):
    action_permissions = {"complete": "change", "correct": "change"}
    queryset = (
        Inspection.objects.select_related("enterprise", "organisation")
        .prefetch_related(
            "officers",
            "results",
            "partner_organisations",
            Prefetch("corrections", queryset=InspectionCorrection.objects.select_related("corrected_by")),
        )
        .order_by("-inspected_on", "-id")
    )
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    @extend_schema(
        request=CompleteInspectionSerializer,
        responses=InspectionSerializer,
        summary=_("完成检查"),
        description=_("“三位一体”：启动会和反馈会均已召开方可完成（R-11）；可在此一并勾选会议。范围外返回404。"),
    )
    @action(detail=True, methods=["post"], serializer_class=CompleteInspectionSerializer, filter_backends=[])
    def complete(self, request, pk=None):
        inspection = self.get_object()
        serializer = CompleteInspectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.complete_inspection(request.user, inspection.pk, **serializer.validated_data)
        fresh = self.get_queryset().get(pk=inspection.pk)
        return Response(InspectionSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=CorrectInspectionSerializer,
        responses=InspectionSerializer,
        summary=_("更正检查记录"),
        description=_(
            "保存后（含已完成的检查）更正检查记录：只更正所传字段；须说明原因。每项的原值与新值、更正人和时间"
            "记入更正历史（corrections）与操作日志，已出具的文书据此判断是否需要重新出具。范围外返回404。"
        ),
    )
    @action(detail=True, methods=["post"], serializer_class=CorrectInspectionSerializer, filter_backends=[])
    def correct(self, request, pk=None):
        inspection = self.get_object()
        serializer = CorrectInspectionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        corrections.correct_inspection(request.user, inspection.pk, **serializer.correction())
        fresh = self.get_queryset().get(pk=inspection.pk)
        return Response(InspectionSerializer(fresh, context=self.get_serializer_context()).data)


@extend_schema(tags=HAZARD_TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("隐患列表（仅限数据权限范围内）"), description=SCOPED_LIST),
    retrieve=extend_schema(summary=_("隐患详情（范围外返回404）"), description=SCOPED_DETAIL),
    create=extend_schema(
        summary=_("登记隐患（可同时上传照片）"),
        description=_("照片用 multipart/form-data 的 photo_files 字段上传，可多张。") + SERVICE_WRITE,
    ),
)
class HazardViewSet(ScopedCreateListRetrieveViewSet):
    queryset = (
        Hazard.objects.select_related("inspection__enterprise", "organisation")
        .prefetch_related("photos")
        .order_by("current_deadline", "id")
    )
    serializer_class = HazardSerializer
    filterset_class = HazardFilter
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]


class PassthroughRenderer(renderers.BaseRenderer):
    # Lets a client ask for the file's own type (Accept: image/*) without a 406; the view returns the
    # file response itself, so nothing is rendered here.
    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema(tags=HAZARD_TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("隐患照片列表（仅限数据权限范围内）"), description=SCOPED_LIST),
    retrieve=extend_schema(summary=_("隐患照片信息（范围外返回404）"), description=SCOPED_DETAIL),
)
class HazardPhotoViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    action_permissions = {"download": "view"}
    queryset = HazardPhoto.objects.select_related("hazard").order_by("uploaded_at", "id")
    serializer_class = HazardPhotoSerializer
    filterset_class = HazardPhotoFilter

    @extend_schema(
        summary=_("下载隐患照片"),
        description=_("先按数据权限查找照片，再返回文件；范围外返回404。照片从不通过 /media/ 公开。"),
        parameters=[
            OpenApiParameter("size", OpenApiTypes.STR, enum=["thumb"], description=_("thumb：约480像素的JPEG缩略图"))
        ],
        responses={(200, "image/*"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        renderer_classes=[renderers.JSONRenderer, PassthroughRenderer],
    )
    def download(self, request, pk=None):
        photo = self.get_object()  # the scoped queryset: another county's photo is 404 here
        return photo_response(request, photo, thumb=request.query_params.get("size") == "thumb")


@extend_schema(tags=HAZARD_TAGS)
@extend_schema_view(
    list=extend_schema(summary=_("整改复查记录列表（仅限数据权限范围内）"), description=SCOPED_LIST),
    retrieve=extend_schema(summary=_("整改复查记录详情（范围外返回404）"), description=SCOPED_DETAIL),
    create=extend_schema(
        summary=_("录入整改复查"),
        description=_("合格则隐患闭环；不合格须给出晚于复查日期的新整改期限（R-13）。") + SERVICE_WRITE,
    ),
)
class ReInspectionViewSet(ScopedCreateListRetrieveViewSet):
    queryset = (
        ReInspection.objects.select_related("hazard").prefetch_related("officers").order_by("-inspected_on", "-id")
    )
    serializer_class = ReInspectionSerializer
    filterset_class = ReInspectionFilter


def register(router):
    """Register this app's viewsets on the project router."""
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("hazards", HazardViewSet, basename="hazard")
    router.register("hazard-photos", HazardPhotoViewSet, basename="hazard-photo")
    router.register("reinspections", ReInspectionViewSet, basename="reinspection")
