"""/api/: the REST API, its OpenAPI schema and the browsable docs (served from local static files)."""

from django.conf import settings
from django.urls import include, path
from django.utils.module_loading import import_string
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import APIRootView, DefaultRouter

from enforcement.accounts import tokens
from enforcement.api import views

app_name = "api"

# No ".json" twins of every route: the custom actions do not take the suffix's ``format`` argument (each
# twin answered 500), and JSON is the only format served anyway.


class ApiRootView(APIRootView):
    # The links to the API's lists, for any signed-in user: route names, no records (declared here rather
    # than left to the default, as every API view declares its permission).
    permission_classes = [IsAuthenticated]


router = DefaultRouter()
router.APIRootView = ApiRootView
router.include_format_suffixes = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("users", views.UserViewSet, basename="user")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
# Domain apps add their own routes; the core names them only in settings, never imports them.
for module in settings.API_MODULES:
    import_string(f"{module}.register")(router)

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", views.RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("auth/token/", tokens.TokenView.as_view(), name="token"),
    path("auth/logout/", tokens.LogoutView.as_view(), name="logout"),
    path("auth/logoutall/", tokens.LogoutAllView.as_view(), name="logoutall"),
    path("me/", views.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
