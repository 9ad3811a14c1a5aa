"""Guidance visits and letters (执法指导, R-40…R-43), mounted under /supervision/ in the app's namespace."""

from django.urls import path

from supervision.guidance import views as g

urlpatterns = [
    path("guidance/schedule/", g.schedule, name="guidance_schedule"),
    path("guidance/schedule/<int:pk>/delete/", g.schedule_delete, name="guidance_schedule_delete"),
    path("guidance/visits/", g.visit_list, name="guidance_visits"),
    path("guidance/visits/<int:pk>/", g.visit_detail, name="guidance_visit"),
    path("guidance/visits/<int:pk>/spot-check/", g.spot_check, name="guidance_spot_check"),
    path("guidance/visits/<int:pk>/letter/", g.letter_issue, name="guidance_letter_issue"),
    path("guidance/evidence/<int:pk>/", g.evidence_file, name="guidance_evidence_file"),
    path("guidance/letters/<int:pk>/", g.letter_detail, name="guidance_letter"),
    path("guidance/letters/<int:pk>/pdf/", g.letter_pdf, name="guidance_letter_pdf"),
    path("guidance/letters/<int:pk>/report/", g.report_submit, name="guidance_report_submit"),
    path("guidance/letters/<int:pk>/review/", g.report_review, name="guidance_report_review"),
    path("guidance/reports/<int:pk>/file/", g.report_file, name="guidance_report_file"),
    path("guidance/ledger/", g.ledger, name="guidance_ledger"),
    path("guidance/ledger/export/", g.ledger_export, name="guidance_ledger_export"),
]
