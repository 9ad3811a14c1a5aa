"""Supervision pages, one URL module per feature, all in the "supervision" namespace."""

from supervision.guidance.urls import urlpatterns as guidance_urls
from supervision.progress.urls import urlpatterns as progress_urls

app_name = "supervision"

urlpatterns = [*progress_urls, *guidance_urls]
