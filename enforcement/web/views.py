"""Site-wide pages: the home page — what I have to do, the key figures of my scope, who I am and what I
reach."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from enforcement.enterprises.models import Enterprise
from enforcement.enterprises.services import manages_register
from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import DataScope
from enforcement.web.navigation import reads_api_docs
from enforcement.web.todo import figures_for, todo_for

TOP_ORGS_SHOWN = 12


def _enterprise_counts(user):
    """Counts of the reachable enterprises: two aggregate queries whatever the number of sectors."""
    reachable = Enterprise.objects.restrict(user, "view")
    key = Q(supervision_class=Enterprise.SupervisionClass.KEY)
    general = Q(supervision_class=Enterprise.SupervisionClass.GENERAL)
    totals = reachable.aggregate(
        total=Count("pk"),
        key=Count("pk", filter=key),
        general=Count("pk", filter=general),
        major_hazard=Count("pk", filter=Q(major_hazard_source=True)),
    )
    by_sector = list(
        reachable.values("sector_id", "sector__name", "sector__high_risk")
        .annotate(total=Count("pk"), key=Count("pk", filter=key), general=Count("pk", filter=general))
        .order_by("sector__sort_order", "sector__code")
    )
    return totals, by_sector


def _reachable_organisations(user):
    reachable = Organisation.objects.restrict(user, "view")
    count = reachable.count()
    # The top of what the user reaches: reachable organisations whose parent is not reachable.
    top = list(reachable.exclude(parent_id__in=reachable.values("pk")).order_by("path")[: TOP_ORGS_SHOWN + 1])
    return count, top[:TOP_ORGS_SHOWN], len(top) > TOP_ORGS_SHOWN


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    organisation = user.organisation
    if organisation is not None and organisation.delegated_by_id:
        organisation = Organisation.objects.select_related("delegated_by").get(pk=organisation.pk)
    org_count, top_orgs, more_orgs = _reachable_organisations(user)
    totals, by_sector = _enterprise_counts(user)
    return render(
        request,
        "home.html",
        {
            "today": today,
            "todo": todo_for(user, today),
            "figures": figures_for(user, today),
            "organisation": organisation,
            "roles": list(user.roles.all()),
            "data_scope": DataScope(user.data_scope),
            "all_data": user.is_superuser or user.data_scope == DataScope.ALL,
            "org_count": org_count,
            "top_orgs": top_orgs,
            "more_orgs": more_orgs,
            "totals": totals,
            "by_sector": by_sector,
            "can_add_enterprise": user.has_perm("enterprises.add_enterprise"),
            "can_import": manages_register(user),
            "can_read_api_docs": reads_api_docs(user),
        },
    )
