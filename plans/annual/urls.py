"""Annual plan pages: plans with their workflow, and plan items with their on-site plans (R-01…R-04, R-10).

Mounted at /plans/ in the app's "plans" namespace."""

from django.urls import path

from plans.annual.views import items, plans

urlpatterns = [
    path("", plans.plan_list, name="list"),
    path("new/", plans.plan_create, name="create"),
    path("<int:pk>/", plans.plan_detail, name="detail"),
    path("<int:pk>/check/", plans.plan_check, name="check"),
    path("<int:pk>/steps/<slug:step>/", plans.plan_step, name="step"),
    path("<int:pk>/document/", plans.plan_document, name="document"),
    path("<int:pk>/items.xlsx", plans.plan_export, name="export"),
    path("<int:pk>/items/new/", items.item_add, name="item_add"),
    path("<int:pk>/items/key/", items.item_bulk_key, name="item_bulk_key"),
    path("items/<int:pk>/", items.item_onsite, name="item_detail"),
    path("items/<int:pk>/document/", items.item_document, name="item_document"),
    path("items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", items.item_remove, name="item_remove"),
    path("transitions/<int:pk>/attachment/", plans.transition_attachment, name="transition_attachment"),
]
