"""Queries and checks about people that other apps rely on."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.orgs.models import EnforcementCertificate, User


def certified_officers(users, on_date=None):
    """Narrow a user queryset to officers with a certificate valid on ``on_date`` (R-50)."""
    on_date = on_date or timezone.localdate()
    holders = EnforcementCertificate.objects.valid_on(on_date).values("holder_id")
    return users.filter(roles__code="officer", pk__in=holders, is_active=True).distinct()


def validate_enforcement_team(users, on_date=None, minimum=2):
    """Raise ValidationError unless every user may enforce on ``on_date`` and there are at least ``minimum``.

    行政处罚法 第42条 / 安全生产法 第67条: enforcement is carried out by at least two officers holding
    enforcement certificates.
    """
    on_date = on_date or timezone.localdate()
    users = list(users)
    errors = []
    if len(users) < minimum:
        errors.append(_("执法人员不得少于%(n)d人。") % {"n": minimum})
    uncertified = [str(u) for u in users if not u.can_enforce(on_date)]
    if uncertified:
        errors.append(
            _("以下人员没有有效的行政执法证，不能从事执法工作：%(names)s") % {"names": "、".join(uncertified)}
        )
    if errors:
        raise ValidationError(errors)


__all__ = ["User", "certified_officers", "validate_enforcement_team"]
