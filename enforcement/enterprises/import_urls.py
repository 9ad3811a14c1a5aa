"""Import (upload → preview → confirm) and export of the enterprise register."""

from django.urls import path

from enforcement.enterprises import import_views

urlpatterns = [
    path("import/", import_views.import_start, name="import"),
    path("import/template/", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_batch, name="import_batch"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/retry/", import_views.import_retry, name="import_retry"),
    path("export/", import_views.export, name="export"),
    path("export/<int:pk>/", import_views.export_job, name="export_job"),
    path("export/<int:pk>/download/", import_views.export_job_download, name="export_job_download"),
]
