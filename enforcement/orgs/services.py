"""Queries and checks about people that other apps rely on."""

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.orgs.models import EnforcementCertificate, Organisation, User


def certified_officers(users, on_date=None):
    """Narrow a user queryset to officers with a certificate valid on ``on_date`` (R-50)."""
    on_date = on_date or timezone.localdate()
    holders = EnforcementCertificate.objects.valid_on(on_date).values("holder_id")
    return users.filter(roles__code="officer", pk__in=holders, is_active=True).distinct()


def enforcement_area(organisation):
    """The organisations whose officers may join an inspection recorded by ``organisation`` (R-09, R-55).

    The bureau system of one city: its city bureau and everything below it (county bureaus, townships and
    parks acting under delegation), the bodies above it (the province), and always the body that delegated
    ``organisation`` its powers. A joint inspection with a bureau of another city is organised by the
    province, which records it itself.
    """
    ancestor_ids = [int(part) for part in organisation.path.strip("/").split("/") if part]
    city = (
        Organisation.objects.filter(pk__in=ancestor_ids, level=Organisation.Level.CITY).order_by("-path").first()
        or organisation
    )
    area = Q(path__startswith=city.path) | Q(pk__in=ancestor_ids)
    if organisation.delegated_by_id:
        area |= Q(pk=organisation.delegated_by_id)
    return Organisation.objects.filter(area, is_active=True)


def team_candidates(organisation, on_date=None):
    """Officers certified on ``on_date`` who may be on an inspection team of ``organisation``.

    Own officers first, then the delegating body's, then the rest of the area by organisation. Names and
    organisations of certified officers are public (行政执法公示制度), so this list deliberately reaches
    beyond the recording user's data scope: a township under delegation has to be able to name the county
    officer who comes along. It exposes nothing else about them.
    """
    rank = Case(
        When(organisation_id=organisation.pk, then=Value(0)),
        When(organisation_id=organisation.delegated_by_id or 0, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    people = User.objects.filter(organisation__in=enforcement_area(organisation).values("pk"))
    return (
        certified_officers(people, on_date)
        .select_related("organisation")
        .annotate(team_rank=rank)
        .order_by("team_rank", "organisation__path", "full_name", "username")
    )


def validate_enforcement_team(users, on_date=None, minimum=2, organisation=None):
    """Raise ValidationError unless every user may enforce on ``on_date`` and there are at least ``minimum``.

    行政处罚法 第42条 / 安全生产法 第67条: enforcement is carried out by at least two officers holding
    enforcement certificates. With ``organisation`` (the body recording the work), the team must also include
    one of its own officers, and everyone else must come from its enforcement area (its delegating body or
    another bureau of the same city: a joint inspection, R-09 / R-55).
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
    if organisation is not None and users:
        errors.extend(_team_membership_errors(users, organisation))
    if errors:
        raise ValidationError(errors)


def _team_membership_errors(users, organisation):
    if not any(u.organisation_id == organisation.pk for u in users):
        yield _("执法人员中须至少有一名%(org)s的执法人员。") % {"org": organisation.name}
    others = {u.organisation_id for u in users} - {organisation.pk}
    allowed = set(enforcement_area(organisation).filter(pk__in=others).values_list("pk", flat=True))
    outsiders = [str(u) for u in users if u.organisation_id in others - allowed]
    if outsiders:
        yield _("以下人员不属于本单位、委托机关或本市其他执法单位，不能参加本次检查：%(names)s") % {
            "names": "、".join(outsiders)
        }


__all__ = ["User", "certified_officers", "enforcement_area", "team_candidates", "validate_enforcement_team"]
