"""API-only filters. The enterprise filter is shared with the HTML list and lives in enterprises.filters."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from enforcement.orgs.models import Organisation, Role, User
from enforcement.orgs.scoping import choices_in_scope

_reachable_organisations = choices_in_scope(Organisation)


class StableOrderingFilter(OrderingFilter):
    """OrderingFilter that always ends with the primary key, so pages never overlap or skip rows."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering  # the model's own ordering (already ends with the primary key)
        ordering = list(ordering)
        if not any(field.lstrip("-") in ("id", "pk") for field in ordering):
            ordering.append("id")
        return ordering


class OrganisationFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("层级"), choices=Organisation.Level.choices)
    parent = django_filters.ModelChoiceFilter(label=_("上级单位"), queryset=_reachable_organisations)
    within = django_filters.ModelChoiceFilter(
        label=_("该单位及其下级"), queryset=_reachable_organisations, method="filter_within"
    )
    authority = django_filters.ChoiceFilter(label=_("执法权来源"), choices=Organisation.Authority.choices)
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Organisation
        fields = ["level", "parent", "within", "authority", "is_active"]

    @extend_schema_field(OpenApiTypes.INT)  # an organisation id
    def filter_within(self, queryset, name, value):
        # One prefix filter on the materialised path: the organisation and its whole subtree.
        return queryset.filter(path__startswith=value.path)


class UserFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(label=_("所属单位"), queryset=_reachable_organisations)
    within = django_filters.ModelChoiceFilter(
        label=_("所属单位（含下级）"), queryset=_reachable_organisations, method="filter_within"
    )
    role = django_filters.ModelChoiceFilter(
        label=_("角色"), field_name="roles", to_field_name="code", queryset=Role.objects.order_by("code")
    )
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = User
        fields = ["organisation", "within", "role", "is_active"]

    @extend_schema_field(OpenApiTypes.INT)  # an organisation id
    def filter_within(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)
