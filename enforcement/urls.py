from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("enforcement.api.urls")),
    path("enterprises/", include("enforcement.enterprises.urls")),
    path("", include("enforcement.web.urls")),
]
