from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("enforcement.api.urls")),
    path("enterprises/", include("enforcement.enterprises.urls")),
    path("plans/", include("plans.urls")),
    path("cases/", include("cases.urls")),
    path("supervision/", include("supervision.urls")),
    path("documents/", include("enforcement.documents.urls")),
    path("account/", include("enforcement.accounts.urls")),
    path("audit/", include("enforcement.audit.urls")),
    path("notifications/", include("enforcement.notifications.urls")),
    path("", include("enforcement.web.urls")),
]

# API callers get JSON even when an error escapes every view (enforcement/api/errors.py).
handler400 = "enforcement.api.errors.bad_request"
handler404 = "enforcement.api.errors.page_not_found"
handler500 = "enforcement.api.errors.server_error"
