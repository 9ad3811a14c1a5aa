"""双随机 draw pages and conflict declarations (R-02, R-08), mounted at /plans/ in the app's namespace."""

from django.urls import path

from plans.draws import views

urlpatterns = [
    path("draws/", views.draw_list, name="draw_list"),
    path("draws/new/", views.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/redraw/", views.draw_redraw, name="draw_redraw"),
    path("draws/<int:pk>/add-to-plan/", views.draw_add_to_plan, name="draw_add_to_plan"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw_publish"),
    path("draws/<int:pk>/public/", views.draw_public, name="draw_public"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
]
