"""REST API views. Scoping happens once, in the base viewsets; these only declare what they serve."""

from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.filters import OrganisationFilter, StableOrderingFilter, UserFilter
from enforcement.api.permissions import ReferenceData
from enforcement.api.serializers import (
    AuditEventSerializer,
    EnterpriseSerializer,
    MeSerializer,
    OrganisationSerializer,
    SectorSerializer,
    UserSerializer,
)
from enforcement.api.viewsets import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from enforcement.audit.services import history_for
from enforcement.enterprises import services as enterprise_services
from enforcement.enterprises.filters import EnterpriseFilter
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import EnforcementCertificate, Organisation, User

# Every asset of the docs pages is served from here, and no script is inline (Swagger UI's set-up is
# served as a script of its own by the split view; Redoc reads its spec URL from an element). Styles stay
# loose: both bundles style their widgets inline. Redoc's search runs in a blob: worker.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'self'"
)


class DocsPageMixin:
    """The docs pages need a login (issue 9 item 2): a browser is sent to the login page, like every page."""

    permission_classes = []  # checked in get(): a redirect to the login page rather than a bare 403

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().get(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response


class SchemaView(SpectacularAPIView):
    # The OpenAPI description: every signed-in user may read it (issue 9 item 2: not strangers).
    permission_classes = [IsAuthenticated]


class SwaggerView(DocsPageMixin, SpectacularSwaggerSplitView):
    pass


class RedocView(DocsPageMixin, SpectacularRedocView):
    # Our template drops the Google Fonts links of drf-spectacular's own and its inline start-up script.
    template_name = "api/redoc.html"


# drf-spectacular shows docstrings in the docs; the docs are Chinese, so these views use comments and
# pass a translated description instead.


class MeView(APIView):
    # The signed-in user: organisation, roles, data scope and the permissions the UI acts on.
    # Every signed-in user reads their own account; it names no one else's record.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=MeSerializer,
        tags=[_("认证")],
        summary=_("当前用户：单位、角色、数据权限"),
        description=_("permissions 只列出界面用到的模型权限（enterprises、orgs、audit）。"),
    )
    def get(self, request):
        user = User.objects.select_related("organisation").prefetch_related("roles").get(pk=request.user.pk)
        return Response(MeSerializer(user, context={"request": request}).data)


def _summaries(noun, *, write=False, scoped=True):
    """Chinese summaries and descriptions for the docs (without them the base classes' English
    docstrings would show)."""
    if scoped:
        list_doc = (
            _("%(noun)s列表（仅限数据权限范围内）"),
            _("只返回您数据权限范围内的记录；分页参数 page、page_size。"),
        )
        detail_doc = (_("%(noun)s详情（范围外返回404）"), _("数据权限范围外的记录与不存在的记录一样返回404。"))
    else:
        list_doc = (_("%(noun)s列表"), _("公共基础数据，所有登录用户可见。"))
        detail_doc = (_("%(noun)s详情"), _("公共基础数据，所有登录用户可见。"))
    write_doc = _("格式由接口校验；法定规则与数据权限由业务服务校验，错误以字段错误（400）返回，范围外返回404。")
    operations = {"list": list_doc, "retrieve": detail_doc}
    if write:
        operations.update(
            create=(_("新增%(noun)s"), write_doc),
            update=(_("修改%(noun)s（全部字段）"), write_doc),
            partial_update=(_("修改%(noun)s（部分字段）"), write_doc),
            destroy=(_("删除%(noun)s"), _("需要删除权限；删除记入操作日志。")),
        )
    return extend_schema_view(
        **{
            name: extend_schema(summary=summary % {"noun": noun}, description=description)
            for name, (summary, description) in operations.items()
        }
    )


@extend_schema(tags=[_("组织机构")])
@_summaries(_("组织机构"))
class OrganisationViewSet(RestrictedReadOnlyViewSet):
    queryset = Organisation.objects.select_related("parent", "delegated_by")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter


@extend_schema(tags=[_("用户")])
@_summaries(_("用户"))
class UserViewSet(RestrictedReadOnlyViewSet):
    queryset = User.objects.select_related("organisation").prefetch_related("roles").order_by("username", "id")
    serializer_class = UserSerializer
    filterset_class = UserFilter

    def get_queryset(self):
        # "holds a valid certificate" is decided per request date, in the same query as the page.
        valid = EnforcementCertificate.objects.valid_on(timezone.localdate()).filter(holder=OuterRef("pk"))
        return super().get_queryset().annotate(has_valid_certificate=Exists(valid))


@extend_schema(tags=[_("行业领域")])
@_summaries(_("行业领域"), scoped=False)
class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    # Industry sectors: a shared reference table, not owned by any organisation, so not scoped.
    permission_classes = [ReferenceData]

    queryset = Sector.objects.filter(is_active=True)
    serializer_class = SectorSerializer


@extend_schema(tags=[_("生产经营单位")])
@_summaries(_("生产经营单位"), write=True)
class EnterpriseViewSet(RestrictedModelViewSet):
    action_permissions = {"history": "view"}
    queryset = Enterprise.objects.select_related("organisation", "responsible_org", "sector")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    ordering_fields = ["name", "credit_code", "updated_at"]
    delete_service = enterprise_services.delete_enterprise

    @extend_schema(
        responses=AuditEventSerializer(many=True),
        summary=_("生产经营单位变更记录"),
        description=_("按时间倒序；能查看该单位的用户即可查看其变更记录，范围外返回404。"),
    )
    @action(detail=True, filter_backends=[], serializer_class=AuditEventSerializer)
    def history(self, request, pk=None):
        # Change history, newest first; whoever may see the enterprise may see its history.
        enterprise = self.get_object()  # scoped: another county's enterprise is 404 here too
        page = self.paginate_queryset(history_for(enterprise))
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)
