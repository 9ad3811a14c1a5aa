"""Plan pages, mounted at /plans/: one URL module per feature, all in the "plans" namespace."""

from plans.annual.urls import urlpatterns as annual_urls
from plans.draws.urls import urlpatterns as draws_urls

app_name = "plans"

urlpatterns = [*annual_urls, *draws_urls]
