"""The demo city built by ``manage.py seed_demo``: shape, validity, idempotence and data scope."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from enforcement.enterprises.credit_code import validate_credit_code
from enforcement.enterprises.models import Enterprise, Sector
from enforcement.orgs.models import EnforcementCertificate, Organisation, Role, User
from enforcement.web import demo

pytestmark = pytest.mark.django_db
L = Organisation.Level


def seed(**options):
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in (Organisation, Enterprise, User, EnforcementCertificate)}


def test_demo_city_has_counties_townships_and_a_zone():
    seed()
    city = Organisation.objects.get(division_code=demo.CITY_CODE)
    assert city.name == "河川市应急管理局"
    assert city.short_name == "川"
    assert city.parent.level == L.PROVINCE
    counties = list(city.children.filter(level=L.COUNTY))
    assert len(counties) >= 6
    for county in counties:
        townships = county.children.filter(level=L.TOWNSHIP)
        assert 3 <= townships.count() <= 5, county.name
    # delegated units name their delegating body and list the delegated powers.
    zone = city.children.get(level=L.ZONE)
    assert zone.authority == Organisation.Authority.DELEGATED
    assert zone.delegated_by == city
    assert zone.delegated_powers
    delegated_townships = Organisation.objects.filter(level=L.TOWNSHIP, authority=Organisation.Authority.DELEGATED)
    assert delegated_townships.count() >= 3
    for township in delegated_townships:
        assert township.delegated_by == township.parent
        assert township.delegated_powers
    for org in Organisation.objects.all():
        org.full_clean()


def test_demo_enterprises_are_valid_and_spread_over_sectors_and_classes():
    seed()
    enterprises = list(Enterprise.objects.select_related("organisation", "responsible_org", "sector"))
    assert len(enterprises) == 500
    assert {e.sector_id for e in enterprises} == set(Sector.objects.values_list("pk", flat=True))
    key = [e for e in enterprises if e.supervision_class == Enterprise.SupervisionClass.KEY]
    assert 0.10 <= len(key) / len(enterprises) <= 0.20
    assert all(e.class_reason for e in key)
    assert any(e.major_hazard_source for e in key)
    assert any(e.dust_explosion for e in key)
    assert len({e.name for e in enterprises}) == len(enterprises)
    assert {e.standardisation_grade for e in enterprises} >= {"none", "small", "3", "2"}
    assert {e.credit_status for e in enterprises} >= {"normal", "trustworthy", "watchlist"}
    levels = {e.organisation.level for e in enterprises}
    assert levels == {L.COUNTY, L.TOWNSHIP, L.ZONE}
    for e in enterprises:
        assert validate_credit_code(e.credit_code) == e.credit_code
        # the responsible body is the territorial organisation or one of its ancestors.
        assert e.responsible_org.is_ancestor_of(e.organisation), e.name
        assert e.principal_person and e.address.startswith("河川市")
    # Key enterprises are often kept by the county or the city, not left to a township.
    assert {e.responsible_org.level for e in key} >= {L.CITY, L.COUNTY}
    # The whole row passes the model's own validation (credit code, R-03, reason for key class).
    for e in enterprises[:100]:
        e.full_clean()


def test_demo_users_cover_every_role_and_print_logins():
    output = seed()
    city = Organisation.objects.get(division_code=demo.CITY_CODE)
    city_roles = set(Role.objects.filter(users__organisation=city).values_list("code", flat=True))
    assert city_roles == set(Role.objects.filter(builtin=True).values_list("code", flat=True))
    assert User.objects.filter(organisation=city, roles__code="officer").count() >= 3
    for county in city.children.filter(level=L.COUNTY):
        county_roles = set(Role.objects.filter(users__organisation=county).values_list("code", flat=True))
        assert county_roles >= {"officer", "legal", "leader", "admin"}, county.name
    for officer in User.objects.filter(roles__code="officer"):
        assert officer.can_enforce(), officer.username  # every demo officer holds a valid certificate
    assert all(u.is_staff for u in User.objects.filter(roles__code="admin"))
    superuser = User.objects.get(username="admin")
    assert superuser.is_superuser and superuser.is_staff
    township_user = User.objects.get(username="township_officer")
    assert township_user.organisation.level == L.TOWNSHIP
    # The printed table lists each login with the shared password, organisation and role.
    assert "demo12345" in output
    for username in ("admin", "city_legal", "linhe_officer1", "township_officer", "city_auditor"):
        assert username in output
    assert "法规科（执法监督）" in output and "临河县应急管理局" in output
    # The published password still works, and demo accounts skip the first-login change (README).
    client = Client()
    answer = client.post("/login/", {"username": "linhe_officer1", "password": demo.DEMO_PASSWORD})
    assert answer.status_code == 302 and "_auth_user_id" in client.session
    assert client.get("/").status_code == 200


def test_seed_demo_twice_creates_nothing_new():
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert "已存在" in output
    assert "city_legal" in output  # the logins are printed again


def test_county_officer_sees_only_that_county():
    seed()
    officer = User.objects.get(username="linhe_officer1")
    county = officer.organisation
    visible = Enterprise.objects.restrict(officer)
    in_county = Enterprise.objects.filter(organisation__path__startswith=county.path)
    assert 0 < visible.count() == in_county.count() < Enterprise.objects.count()
    assert all(path.startswith(county.path) for path in visible.values_list("organisation__path", flat=True))
    other = User.objects.get(username="shimen_officer1")
    assert not Enterprise.objects.restrict(other).filter(pk__in=in_county).exists()
    assert Enterprise.objects.restrict(User.objects.get(username="city_legal")).count() == 500
    township_user = User.objects.get(username="township_officer")
    assert set(Enterprise.objects.restrict(township_user).values_list("organisation", flat=True)) == {
        township_user.organisation_id
    }
    # the social supervisor sees only the few enterprises shared with them.
    assert Enterprise.objects.restrict(User.objects.get(username="city_supervisor")).count() == 3


def test_generator_is_deterministic():
    seed()
    city = Organisation.objects.get(division_code=demo.CITY_CODE)
    territories = [(org, org if org.level == L.COUNTY else None) for org in city.descendants(include_self=False)]
    sectors = list(Sector.objects.all())

    def sample(seed_value):
        generator = demo.EnterpriseGenerator(city, territories, sectors, seed=seed_value)
        return [(e.credit_code, e.name, e.address, e.organisation_id) for e in map(generator.make, range(50))]

    assert sample(7) == sample(7)
    assert sample(7) != sample(8)


def test_demo_penalty_cases_cover_every_state_and_the_special_cases():
    """GIVEN the demo city built by seed_demo (penalty cases through the services)
    THEN there is a case in every state of the procedure; a 一案双罚 case whose unit and principal person each have
    their own numbered decision; a hearing case; a summary-procedure case; a unit paying in instalments; a case not
    filed, a withdrawn one and an archived one; and, dated relative to today, open deadlines due within three days
    and some already missed — which the daily deadline job marks and notifies."""
    from cases.penalties import tasks
    from cases.penalties.models import CaseParty, Deadline, Instalment, PenaltyCase
    from enforcement.notifications.models import Notification
    from tests.dates import today

    seed()
    State = PenaltyCase.State
    cases = PenaltyCase.objects.all()
    assert set(cases.values_list("state", flat=True)) == set(State.values)
    # 一案双罚: one case, two parties, two decisions with two numbers.
    double = cases.get(parties__role=CaseParty.Role.PRINCIPAL)
    decisions = [party.decision for party in double.parties.select_related("decision").order_by("kind")]
    assert [party.kind for party in double.parties.order_by("kind")] == ["person", "unit"]
    assert all(decisions) and len({document.number for document in decisions}) == 2
    assert all(document.number for document in decisions)
    # The unit pays its fine in two instalments (行政处罚法 第66条), due after today.
    instalments = Instalment.objects.filter(party__case=double).order_by("number")
    assert [i.number for i in instalments] == [1, 2] and instalments[0].due_on > today()
    hearing = cases.get(state=State.HEARING)
    assert hearing.parties.get(kind=CaseParty.Kind.UNIT).hearing_requested_on is not None
    summary = cases.get(procedure=PenaltyCase.Procedure.SUMMARY)
    assert summary.state == State.DECIDED and summary.parties.get().decided_fine <= 3000
    assert cases.get(state=State.TERMINATED).outcome == PenaltyCase.Outcome.WITHDRAWN
    assert cases.get(state=State.NOT_FILED).filed_on is None
    assert cases.get(state=State.ARCHIVED).archived_at is not None
    # Every case belongs to a demo county and was made by its officers.
    assert {case.organisation.level for case in cases.select_related("organisation")} == {L.COUNTY}
    # The demo looks alive: deadlines soon and deadlines missed.
    open_deadlines = Deadline.objects.filter(Deadline.open_q()).exclude(case__state__in=tasks.FINISHED)
    assert open_deadlines.filter(due_on__gte=today(), due_on__lte=today() + datetime.timedelta(days=3)).exists()
    assert open_deadlines.filter(due_on__lt=today()).exists()
    counts = tasks.run()
    assert counts["marked_overdue"] >= 2 and counts["reminders"] >= 1
    assert Notification.objects.filter(recipient__username__endswith="_leader").exists()
