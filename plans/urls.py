"""Plan pages, mounted at /plans/."""

from django.urls import path

from plans.views import conflicts, draws, items, plans

app_name = "plans"

urlpatterns = [
    path("", plans.plan_list, name="list"),
    path("new/", plans.plan_create, name="create"),
    path("<int:pk>/", plans.plan_detail, name="detail"),
    path("<int:pk>/check/", plans.plan_check, name="check"),
    path("<int:pk>/steps/<slug:step>/", plans.plan_step, name="step"),
    path("<int:pk>/items/new/", items.item_add, name="item_add"),
    path("<int:pk>/items/key/", items.item_bulk_key, name="item_bulk_key"),
    path("items/<int:pk>/", items.item_onsite, name="item_detail"),
    path("items/<int:pk>/document/", items.item_document, name="item_document"),
    path("items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/remove/", items.item_remove, name="item_remove"),
    path("transitions/<int:pk>/attachment/", plans.transition_attachment, name="transition_attachment"),
    path("draws/", draws.draw_list, name="draw_list"),
    path("draws/new/", draws.draw_create, name="draw_create"),
    path("draws/<int:pk>/", draws.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/redraw/", draws.draw_redraw, name="draw_redraw"),
    path("draws/<int:pk>/add-to-plan/", draws.draw_add_to_plan, name="draw_add_to_plan"),
    path("draws/<int:pk>/publish/", draws.draw_publish, name="draw_publish"),
    path("draws/<int:pk>/public/", draws.draw_public, name="draw_public"),
    path("conflicts/", conflicts.conflict_list, name="conflict_list"),
    path("conflicts/<int:pk>/withdraw/", conflicts.conflict_withdraw, name="conflict_withdraw"),
]
