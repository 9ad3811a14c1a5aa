"""Inspection pages: recording on site (tablet), hazards with photos, re-inspections (R-10…R-13).

Mounted under /cases/ in the app's "cases" namespace."""

from django.urls import path

from cases.inspections import views

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/hazards/", views.hazard_create, name="hazard_create"),
    path("inspections/<int:pk>/complete/", views.inspection_complete, name="inspection_complete"),
    path("inspections/<int:pk>/correct/", views.inspection_correct, name="inspection_correct"),
    path("inspections/<int:pk>/documents/<slug:kind>/", views.inspection_document, name="inspection_document"),
    path("inspections/<int:pk>/reinspect/", views.inspection_reinspect, name="inspection_reinspect"),
    path("reinspection-visits/<int:pk>/document/", views.reinspection_document, name="reinspection_document"),
    path("hazards/", views.hazard_list, name="hazard_list"),
    path("hazards/<int:pk>/reinspect/", views.hazard_reinspect, name="hazard_reinspect"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/pending/<int:pk>/", views.pending_photo, name="pending_photo"),
]
