"""Issued documents pages."""

from django.urls import path

from enforcement.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/pdf/", views.document_pdf, name="pdf"),
]
