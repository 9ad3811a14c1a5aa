"""Filters of the enterprise register, shared by the HTML list, the API and the export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enforcement.api.filters import BoundedFilterSet
from enforcement.enterprises.credit_code import VALUES, normalise
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import choices_in_scope

_organisations = choices_in_scope(Organisation)


class EnterpriseFilter(BoundedFilterSet):
    """q: name or credit code; organisation: that organisation and everything below it."""

    q = django_filters.CharFilter(label=_("名称或信用代码"), method="filter_q")
    organisation = django_filters.ModelChoiceFilter(
        label=_("所属单位（含下级）"), queryset=_organisations, method="filter_organisation"
    )
    sector = django_filters.ModelChoiceFilter(label=_("行业领域"), queryset=Sector.objects.filter(is_active=True))
    supervision_class = django_filters.ChoiceFilter(label=_("监管类别"), choices=Enterprise.SupervisionClass.choices)
    credit_status = django_filters.ChoiceFilter(label=_("信用状况"), choices=Enterprise.CreditStatus.choices)
    major_hazard_source = django_filters.BooleanFilter(label=_("重大危险源"))

    class Meta:
        model = Enterprise
        fields = ["q", "organisation", "sector", "supervision_class", "credit_status", "major_hazard_source"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Chinese has no letter case: UPPER(name) LIKE … would only cost time (and defeat the planner's
        # choice to narrow by organisation first), so fold case only when the text has cased letters.
        cased = any(ch.lower() != ch.upper() for ch in value)
        condition = Q(name__icontains=value) if cased else Q(name__contains=value)
        code = normalise(value)
        if code and all(ch in VALUES for ch in code):
            condition |= Q(credit_code__startswith=code)
        return queryset.filter(condition)

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)
