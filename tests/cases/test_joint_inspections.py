"""Joint and delegated inspections (R-09 “进一次门、查多项事”, R-55 委托执法; 行政处罚法 第42条).

The demo-like set-up: 城关镇 acts under powers delegated by 东城区 and has one certified officer of its own;
东城区's officer comes along so that the township can inspect at all.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.inspections import services
from cases.inspections.documents import inspection_record_context
from cases.models import Inspection
from enforcement.orgs.models import Organisation
from tests.cases.helpers import inspection_post
from tests.factories import CertificateFactory, OrganisationFactory, UserFactory

NEW = reverse("cases:inspection_create")


def township_inspection(world):
    """城关镇's officer and 东城区's officer inspect a township enterprise (recorded through the service)."""
    people = world.people
    return services.record_inspection(
        people.township_a_user,
        inspected_on=timezone.localdate(),
        officers=[people.township_a_user, people.county_a_officer],
        enterprise_id=world.ent.a_township.pk,
        launch_meeting_held=True,
    )


def test_township_under_delegation_records_with_the_delegating_countys_officer(world, as_):
    """GIVEN a township acting under 东城区's delegation with a single certified officer of its own
    WHEN its officer opens an inspection of a township enterprise
    THEN 东城区's certified officer is offered as the delegating body's officer, and the two can record it."""
    people = world.people
    client = as_(people.township_a_user)
    url = f"{NEW}?enterprise={world.ent.a_township.pk}"
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    offered = {o.pk for o in form.fields["officers"].queryset}
    assert {people.township_a_user.pk, people.county_a_officer.pk} <= offered
    groups = {g["kind"]: g for g in form.officer_groups}
    assert groups["delegator"]["organisation"] == world.orgs.county_a
    body = response.content.decode()
    assert 'data-team="delegator"' in body and "委托机关" in body and "东城区应急管理局" in body
    assert "本单位暂无持有效执法证的执法人员" not in body

    response = client.post(url, inspection_post([people.township_a_user, people.county_a_officer]))
    assert response.status_code == 302, response.context["form"].errors
    inspection = Inspection.objects.get()
    assert inspection.organisation == world.orgs.township_a
    assert set(inspection.officers.all()) == {people.township_a_user, people.county_a_officer}
    assert list(inspection.partner_organisations.all()) == [world.orgs.county_a]
    assert inspection.is_joint

    body = client.get(response["Location"]).content.decode()
    assert 'id="joint-badge"' in body
    assert '东城区应急管理局<span class="muted">（委托机关）</span>' in body


def test_township_under_delegation_records_through_the_api(world):
    people = world.people
    api = APIClient()
    api.force_login(people.township_a_user)
    response = api.post(
        "/api/inspections/",
        {
            "enterprise": world.ent.a_township.pk,
            "inspected_on": timezone.localdate().isoformat(),
            "officers": [people.township_a_user.pk, people.county_a_officer.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content.decode()
    data = response.json()
    assert data["is_joint"] is True
    assert [o["name"] for o in data["partner_organisations"]] == ["东城区应急管理局"]
    assert data["organisation"] == world.orgs.township_a.pk


def test_joint_inspection_with_another_county_and_a_department_outside_the_system(world, as_):
    """GIVEN 东城区 inspects with an officer of 西山县 and the district market regulator
    WHEN it records the inspection THEN both are named on the record and the detail page."""
    people = world.people
    client = as_(people.county_a_officer)
    url = f"{NEW}?enterprise={world.ent.a_general.pk}"
    form = client.get(url).context["form"]
    partner_groups = [g for g in form.officer_groups if g["kind"] == "partner"]
    assert world.orgs.county_b in [g["organisation"] for g in partner_groups]
    assert not form.joint_open()  # nothing joint chosen yet: the part starts folded

    response = client.post(
        url,
        inspection_post([people.county_a_officer, people.county_b_officer], other_departments="东城区市场监督管理局"),
    )
    assert response.status_code == 302, response.context["form"].errors
    inspection = Inspection.objects.get()
    assert inspection.organisation == world.orgs.county_a
    assert list(inspection.partner_organisations.all()) == [world.orgs.county_b]
    assert inspection.other_departments == "东城区市场监督管理局"
    body = client.get(response["Location"]).content.decode()
    assert "西山县应急管理局、东城区市场监督管理局" in body
    assert f'{people.county_b_officer}<span class="muted">（西山县应急管理局）</span>' in body

    context = inspection_record_context(inspection)
    assert context["joint"] is True
    assert context["partners"] == ["西山县应急管理局"]
    assert context["other_departments"] == "东城区市场监督管理局"


def test_team_rules_own_officer_city_area_and_certificate_on_the_day(world):
    """Each partner still holds a certificate valid on the day; one officer is the recording body's own;
    officers of another city's bureaus cannot join (the province organises such inspections)."""
    people = world.people
    today = timezone.localdate()
    other_city = OrganisationFactory(name="远山市应急管理局", level=Organisation.Level.CITY, division_code="429900")
    stranger = UserFactory(username="far_officer", organisation=other_city, roles=["officer"])
    CertificateFactory(holder=stranger)

    def attempt(officers, on=today):
        with pytest.raises(ValidationError) as exc:
            services.record_inspection(
                people.county_a_officer, inspected_on=on, officers=officers, enterprise_id=world.ent.a_general.pk
            )
        return " ".join(exc.value.messages)

    assert "不属于本单位、委托机关或本市其他执法单位" in attempt([people.county_a_officer, stranger])
    assert "须至少有一名东城区应急管理局的执法人员" in attempt([people.county_b_officer, people.township_a_user])
    # 西山县's officer whose certificate ran out before the inspection day.
    lapsed = UserFactory(username="county_b_lapsed", organisation=world.orgs.county_b, roles=["officer"])
    CertificateFactory(holder=lapsed, valid_from=today - datetime.timedelta(days=400), valid_until=today)
    CertificateFactory(holder=people.county_a_officer, valid_from=today - datetime.timedelta(days=800))
    assert "没有有效的行政执法证" in attempt([people.county_a_officer, lapsed], on=today - datetime.timedelta(days=401))
    assert not Inspection.objects.exists()


def test_partners_see_the_joint_inspection_where_their_scope_allows(world, as_):
    """The inspection belongs to the recording body. A partner officer sees it when its data scope covers
    that body (the delegating county over its township), not merely because they took part."""
    people = world.people
    township = township_inspection(world)
    joint = services.record_inspection(
        people.county_a_officer,
        inspected_on=timezone.localdate(),
        officers=[people.county_a_officer, people.county_b_officer],
        enterprise_id=world.ent.a_general.pk,
    )
    assert list(joint.partner_organisations.all()) == [world.orgs.county_b]
    detail = reverse("cases:inspection_detail", args=[township.pk])
    assert as_(people.county_a_officer2).get(detail).status_code == 200  # the delegating county
    assert as_(people.city_legal).get(reverse("cases:inspection_detail", args=[joint.pk])).status_code == 200
    # 西山县's officer took part in 东城区's inspection, but 东城区's records are outside 西山县's scope.
    client = as_(people.county_b_officer)
    assert client.get(reverse("cases:inspection_detail", args=[joint.pk])).status_code == 404
    assert joint.pk not in {i.pk for i in client.get(reverse("cases:inspection_list")).context["page"]}
    # The township officer sees its own record, not 东城区's.
    client = as_(people.township_a_user)
    assert client.get(detail).status_code == 200
    assert client.get(reverse("cases:inspection_detail", args=[joint.pk])).status_code == 404


def test_township_reinspects_with_the_delegating_countys_officer(world, as_, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    people = world.people
    inspection = township_inspection(world)
    today = timezone.localdate()
    hazard = services.add_hazard(
        people.township_a_user, inspection.pk, description="消防通道堵塞", rectification_deadline=today
    )
    url = reverse("cases:inspection_reinspect", args=[inspection.pk])
    client = as_(people.township_a_user)
    form = client.get(url).context["visit_form"]
    assert people.county_a_officer.pk in {o.pk for o in form.fields["officers"].queryset}
    response = client.post(
        url,
        {
            "inspected_on": today.isoformat(),
            "officers": [people.township_a_user.pk, people.county_a_officer.pk],
            "rows-TOTAL_FORMS": "1",
            "rows-INITIAL_FORMS": "1",
            "rows-0-hazard": hazard.pk,
            "rows-0-result": "passed",
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.status == hazard.Status.CLOSED
