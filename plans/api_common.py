"""Helpers both plan features' API modules share (plans.annual.api, plans.draws.api): the requesting user,
the scope wording of list and detail operations, and the filter choices within the user's scope."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view

from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import choices_in_scope
from plans.annual.models import InspectionPlan

reachable_organisations = choices_in_scope(Organisation)
reachable_plans = choices_in_scope(InspectionPlan)


def request_user(serializer):
    return serializer.context["request"].user


def docs(noun, **extra):
    operations = {
        "list": (_("%(noun)s列表（仅限数据权限范围内）") % {"noun": noun}, _("只返回您数据权限范围内的记录。")),
        "retrieve": (
            _("%(noun)s详情（范围外返回404）") % {"noun": noun},
            _("数据权限范围外的记录与不存在的记录一样返回404。"),
        ),
        **extra,
    }
    return extend_schema_view(
        **{
            name: extend_schema(summary=summary, description=description)
            for name, (summary, description) in operations.items()
        }
    )
