"""Placeholder routes; the import/export work replaces these views."""

from django.http import Http404
from django.urls import path


def _pending(request, *args, **kwargs):
    raise Http404


urlpatterns = [
    path("import/", _pending, name="import"),
    path("export/", _pending, name="export"),
]
