"""Filters of the penalty-case lists: cases, the deadline board and evidence (API; the pages may share them)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.penalties.models import Deadline, Evidence, PenaltyCase
from cases.penalties.queries import FINISHED
from enforcement.api.filters import BoundedFilterSet
from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import choices_in_scope

_organisations = choices_in_scope(Organisation, order_by=["path"])
_enterprises = choices_in_scope(Enterprise, order_by=["name", "pk"])


def overdue_deadlines(today=None):
    """Open deadlines already past their due date (overdue is a query, never a stored flag)."""
    return Deadline.objects.filter(Deadline.due_q(), due_on__lt=today or timezone.localdate())


class OrganisationWithinMixin:
    def filter_organisation(self, queryset, name, value):
        # One prefix filter on the materialised path: the organisation and its whole subtree.
        return queryset.filter(organisation__path__startswith=value.path)


class PenaltyCaseFilter(OrganisationWithinMixin, BoundedFilterSet):
    state = django_filters.ChoiceFilter(label=_("办理环节"), choices=PenaltyCase.State.choices)
    procedure = django_filters.ChoiceFilter(label=_("程序"), choices=PenaltyCase.Procedure.choices)
    source = django_filters.ChoiceFilter(label=_("案件来源"), choices=PenaltyCase.Source.choices)
    enterprise = django_filters.ModelChoiceFilter(label=_("涉案单位"), queryset=_enterprises)
    organisation = django_filters.ModelChoiceFilter(
        label=_("执法主体（含下级）"), queryset=_organisations, method="filter_organisation"
    )
    overdue = django_filters.BooleanFilter(label=_("有逾期期限"), method="filter_overdue")
    q = django_filters.CharFilter(label=_("案由或当事人"), method="filter_q")

    class Meta:
        model = PenaltyCase
        fields = ["state", "procedure", "source", "enterprise", "organisation", "overdue", "q"]

    def filter_overdue(self, queryset, name, value):
        late = Exists(overdue_deadlines().filter(case=OuterRef("pk")))
        return queryset.filter(late if value else ~late)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cause__icontains=value) | Q(parties__name__icontains=value)).distinct()


class DeadlineFilter(OrganisationWithinMixin, BoundedFilterSet):
    """The deadline board: open deadlines by default (``open=false`` adds the met and superseded ones)."""

    organisation = django_filters.ModelChoiceFilter(
        label=_("执法主体（含下级）"), queryset=_organisations, method="filter_organisation"
    )
    case = django_filters.NumberFilter(label=_("案件ID"), field_name="case_id")
    kind = django_filters.ChoiceFilter(label=_("期限"), choices=Deadline.Kind.choices)
    open = django_filters.BooleanFilter(label=_("未完成"), method="filter_open")
    overdue = django_filters.BooleanFilter(label=_("已逾期"), method="filter_overdue")

    class Meta:
        model = Deadline
        fields = ["organisation", "case", "kind", "open", "overdue"]

    def filter_queryset(self, queryset):
        if self.form.cleaned_data.get("open") is None:
            queryset = self.filter_open(queryset, "open", True)
        return super().filter_queryset(queryset)

    def filter_open(self, queryset, name, value):
        # As the board of the pages (queries.deadline_board): open deadlines of cases not yet over.
        return queryset.filter(Deadline.due_q()).exclude(case__state__in=FINISHED) if value else queryset

    def filter_overdue(self, queryset, name, value):
        late = Q(pk__in=overdue_deadlines().values("pk"))
        return queryset.filter(late if value else ~late)


class EvidenceFilter(BoundedFilterSet):
    case = django_filters.NumberFilter(label=_("案件ID"), field_name="case_id")
    kind = django_filters.ChoiceFilter(label=_("证据类型"), choices=Evidence.Kind.choices)

    class Meta:
        model = Evidence
        fields = ["case", "kind"]
