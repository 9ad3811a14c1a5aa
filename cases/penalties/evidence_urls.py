"""Routes of the evidence store and the case file, in the "cases" namespace (cases/urls.py includes them)."""

from django.urls import path

from cases.penalties import evidence_views

urlpatterns = [
    path("penalties/<int:pk>/evidence/", evidence_views.case_evidence, name="penalty_evidence"),
    path("penalties/<int:pk>/case-file/", evidence_views.case_file, name="penalty_case_file"),
    path("penalties/evidence/<int:pk>/file/", evidence_views.evidence_file, name="penalty_evidence_file"),
    path("penalties/evidence/<int:pk>/delete/", evidence_views.evidence_delete, name="penalty_evidence_delete"),
]
