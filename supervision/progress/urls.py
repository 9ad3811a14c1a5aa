"""Monthly progress (月调度) pages, mounted under /supervision/ in the app's namespace."""

from django.urls import path

from supervision.progress import views

urlpatterns = [
    path("progress/", views.progress, name="progress"),
    path("progress/export/", views.progress_export, name="progress_export"),
    path("progress/rebuild/", views.progress_rebuild, name="progress_rebuild"),
    path("progress/<int:pk>/", views.progress_detail, name="progress_detail"),
    path("progress/<int:pk>/document/", views.progress_document, name="progress_document"),
    path("progress/<int:pk>/confirm/", views.progress_confirm, name="progress_confirm"),
]
