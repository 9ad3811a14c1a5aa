"""Enterprise register pages. Import/export routes live in import_urls (a separate module)."""

from django.urls import include, path

from enforcement.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/delete/", views.enterprise_delete, name="delete"),
    path("", include("enforcement.enterprises.import_urls")),
]
