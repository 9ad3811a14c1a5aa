"""Enterprise register pages. Import/export routes live in import_urls (a separate module)."""

from django.urls import include, path

app_name = "enterprises"

urlpatterns = [
    path("", include("enforcement.enterprises.import_urls")),
]
