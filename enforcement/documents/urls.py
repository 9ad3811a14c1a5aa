"""Issued documents pages."""

from django.urls import path

from enforcement.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("<int:pk>/reissue/", views.document_reissue, name="reissue"),
    path("<int:pk>/void/", views.document_void, name="void"),
    path("<int:pk>/reopen/", views.document_reopen, name="reopen"),
    path("<int:pk>/retry-render/", views.document_retry_render, name="retry_render"),
]
