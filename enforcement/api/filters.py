"""The FilterSet every filter of the project derives from, and the API-only filters.

The enterprise filter is shared with the HTML list and lives in enterprises.filters.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter

from enforcement.orgs.models import Organisation, Role, User
from enforcement.orgs.scoping import choices_in_scope

_reachable_organisations = choices_in_scope(Organisation)

# The range of a 64-bit signed integer: every id column and integer field of PostgreSQL (bigint) and SQLite. A
# value outside it made SQLite's driver raise OverflowError — a 500 — instead of matching nothing.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
# A year the calendar functions can represent: Python's datetime.MINYEAR…MAXYEAR. A ``__year`` lookup beyond it
# raised ValueError while building the date bounds.
YEAR_MIN, YEAR_MAX = 1, 9999


def _is_integer_in_range(value):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False
    return BIGINT_MIN <= number <= BIGINT_MAX


def _refuse_out_of_range_ids(field, values):
    """Refuse (as an invalid choice) ids an integer key column cannot hold, before any query runs."""
    key = field.to_field_name or "pk"
    model_field = field.queryset.model._meta.pk if key == "pk" else field.queryset.model._meta.get_field(key)
    if model_field.get_internal_type() not in ("AutoField", "BigAutoField", "IntegerField", "BigIntegerField"):
        return
    for value in values:
        if value not in field.empty_values and not _is_integer_in_range(value):
            raise ValidationError(
                field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )


class BoundedModelChoiceField(django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        _refuse_out_of_range_ids(self, [value])
        return super().to_python(value)


class BoundedModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        _refuse_out_of_range_ids(self, value)
        return super()._check_values(value)


class BoundedFilterSet(django_filters.FilterSet):
    """A FilterSet whose every filter refuses, with a 400, values the database cannot compare with.

    Ids outside the 64-bit range in model-choice filters, numbers outside it, and years outside 1–9999 are
    invalid input (“请选择有效的选项” / “确保该值小于或等于9999”), not a server error. Every FilterSet of the
    project derives from this one (tests/fuzz/test_bounded_input.py checks it).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
                filter_.field_class = BoundedModelMultipleChoiceField
            elif isinstance(filter_, django_filters.ModelChoiceFilter):
                filter_.field_class = BoundedModelChoiceField
            elif isinstance(filter_, django_filters.NumberFilter):
                is_year = name == "year" or filter_.field_name.endswith("year") or filter_.lookup_expr == "year"
                filter_.extra.setdefault("min_value", YEAR_MIN if is_year else BIGINT_MIN)
                filter_.extra.setdefault("max_value", YEAR_MAX if is_year else BIGINT_MAX)
            else:
                continue
            filter_.__dict__.pop("_field", None)  # a form field built before the swap would bypass it


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


class OrganisationFilter(BoundedFilterSet):
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


class UserFilter(BoundedFilterSet):
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
