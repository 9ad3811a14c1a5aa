"""Penalty-case pages (行政处罚案件), mounted under /cases/ in the app's "cases" namespace."""

from django.urls import path

from cases.penalties import views

urlpatterns = [
    path("penalties/", views.case_list, name="penalty_list"),
    path("penalties/new/", views.case_create, name="penalty_create"),
    path("penalties/deadlines/", views.deadline_board, name="penalty_deadlines"),
    path("penalties/<int:pk>/", views.case_detail, name="penalty_detail"),
    path("penalties/<int:pk>/actions/<slug:action>/", views.case_action, name="penalty_action"),
]
