"""Case pages, one URL module per feature, all in the "cases" namespace."""

from cases.inspections.urls import urlpatterns as inspection_urls
from cases.penalties.evidence_urls import urlpatterns as evidence_urls
from cases.penalties.urls import urlpatterns as penalty_urls

app_name = "cases"

urlpatterns = [*inspection_urls, *penalty_urls, *evidence_urls]
