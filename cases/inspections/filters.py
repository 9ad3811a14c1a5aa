"""Filters of the inspection and hazard lists, shared by the HTML pages and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.inspections.models import Hazard, Inspection
from enforcement.api.filters import BoundedFilterSet
from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import choices_in_scope

OPEN_STATES = (Hazard.Status.OPEN, Hazard.Status.RECTIFIED)


_organisations = choices_in_scope(Organisation, order_by=["path"])


def open_hazards_exist():
    return Exists(Hazard.objects.filter(inspection=OuterRef("pk"), status__in=OPEN_STATES))


class InspectionFilter(BoundedFilterSet):
    date_from = django_filters.DateFilter(label=_("检查日期自"), field_name="inspected_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("检查日期至"), field_name="inspected_on", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("被检查单位"), method="filter_q")
    organisation = django_filters.ModelChoiceFilter(
        label=_("执法主体（含下级）"), queryset=_organisations, method="filter_organisation"
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Inspection.Status.choices)
    has_open_hazards = django_filters.BooleanFilter(label=_("有未闭环隐患"), method="filter_open_hazards")

    class Meta:
        model = Inspection
        fields = ["date_from", "date_to", "q", "organisation", "status", "has_open_hazards"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__credit_code__istartswith=value))

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)

    def filter_open_hazards(self, queryset, name, value):
        exists = open_hazards_exist()
        return queryset.filter(exists if value else ~exists)


class HazardFilter(BoundedFilterSet):
    """state: 未闭环 (open or rectified, awaiting re-inspection) / 逾期 / 已闭环 (R-13)."""

    STATES = (("open", _("未闭环")), ("overdue", _("逾期未整改")), ("closed", _("已闭环")))

    state = django_filters.ChoiceFilter(label=_("整改状态"), choices=STATES, method="filter_state")
    is_major = django_filters.BooleanFilter(label=_("重大事故隐患"))
    q = django_filters.CharFilter(label=_("被检查单位"), method="filter_q")
    organisation = django_filters.ModelChoiceFilter(
        label=_("执法主体（含下级）"), queryset=_organisations, method="filter_organisation"
    )
    inspection = django_filters.NumberFilter(label=_("检查记录ID"), field_name="inspection_id")

    class Meta:
        model = Hazard
        fields = ["state", "is_major", "q", "organisation", "inspection"]

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATES)
        if value == "overdue":
            # Same rule as Hazard.is_overdue: still open after the deadline in force.
            return queryset.filter(Hazard.overdue_q(timezone.localdate()))
        if value == "closed":
            return queryset.filter(status=Hazard.Status.CLOSED)
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(inspection__enterprise__name__icontains=value) | Q(inspection__enterprise__credit_code__istartswith=value)
        )

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)
