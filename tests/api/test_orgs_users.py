"""/api/organisations/, /api/users/, /api/sectors/: scoped read-only lists."""

import datetime

import pytest
from django.utils import timezone

from enforcement.orgs.models import EnforcementCertificate
from tests.api.helpers import REFUSED, names, refused, results
from tests.factories import CertificateFactory, OrganisationFactory, UserFactory

ORGS = "/api/organisations/"
USERS = "/api/users/"

COUNTY_A_ORGS = {"东城区应急管理局", "城关镇人民政府", "东城工业园管委会"}
COUNTY_B_ORGS = {"西山县应急管理局", "西山镇人民政府"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_legal", {"河川市应急管理局"} | COUNTY_A_ORGS | COUNTY_B_ORGS),
        ("county_a_officer", COUNTY_A_ORGS),
        ("county_b_officer", COUNTY_B_ORGS),
        ("township_a_user", {"城关镇人民政府"}),
        ("social_supervisor", REFUSED),
        ("nobody", REFUSED),
    ],
)
def test_organisation_list_is_scoped(world, api, persona, expected):
    response = api.as_(getattr(world.people, persona)).get(ORGS)
    if expected == REFUSED:
        assert refused(response)
        return
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_organisation_fields(world, api):
    response = api.as_(world.people.county_a_officer).get(f"{ORGS}{world.orgs.township_a.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["short_name"] == "城关"
    assert body["division_code"] == "419901001"
    assert (body["level"], body["level_label"]) == ("township", "乡镇（街道）")
    assert (body["parent"], body["parent_name"]) == (world.orgs.county_a.pk, "东城区应急管理局")
    assert (body["authority"], body["authority_label"]) == ("delegated", "受委托执法")
    assert (body["delegated_by"], body["delegated_by_name"]) == (world.orgs.county_a.pk, "东城区应急管理局")
    assert body["delegated_powers"] == ["工贸企业日常检查"]
    assert body["path"] == world.orgs.township_a.path
    assert body["depth"] == world.orgs.city.depth + 2


def test_other_countys_organisation_is_not_found(world, api):
    assert api.as_(world.people.county_a_officer).get(f"{ORGS}{world.orgs.county_b.pk}/").status_code == 404


def test_organisation_filters(world, api):
    client = api.as_(world.people.city_legal)
    assert names(client.get(ORGS, {"level": "county"})) == {"东城区应急管理局", "西山县应急管理局"}
    assert names(client.get(ORGS, {"parent": world.orgs.county_a.pk})) == {"城关镇人民政府", "东城工业园管委会"}
    assert names(client.get(ORGS, {"within": world.orgs.county_b.pk})) == COUNTY_B_ORGS
    assert names(client.get(ORGS, {"authority": "delegated"})) == {"城关镇人民政府", "东城工业园管委会"}


def test_within_outside_the_scope_is_refused(world, api):
    response = api.as_(world.people.county_a_officer).get(ORGS, {"within": world.orgs.county_b.pk})
    assert response.status_code == 400
    assert "within" in response.json()


def usernames(response):
    return {row["username"] for row in results(response)}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "city_legal",
            {
                "city_legal",
                "city_admin",
                "county_a_officer",
                "county_a_officer2",
                "county_b_officer",
                "township_a_user",
                "social_supervisor",
                "technical",
                "nobody",
            },
        ),
        ("county_a_officer", {"county_a_officer", "county_a_officer2", "township_a_user", "nobody"}),
        ("county_b_officer", {"county_b_officer"}),
        ("township_a_user", {"township_a_user"}),
        ("social_supervisor", REFUSED),
    ],
)
def test_user_list_is_scoped(world, api, persona, expected):
    response = api.as_(getattr(world.people, persona)).get(USERS)
    if expected == REFUSED:
        assert refused(response)
        return
    assert usernames(response) == expected
    assert response.json()["count"] == len(expected)


def test_user_list_never_exposes_secrets(world, api):
    rows = results(api.as_(world.people.city_legal).get(USERS))
    for row in rows:
        assert not {"password", "token", "auth_token", "user_permissions", "is_superuser"} & row.keys()
        assert "pbkdf2" not in str(row) and "md5$" not in str(row)


def test_user_certificate_and_roles(world, api):
    officer = world.people.county_a_officer2
    # An expired certificate does not count.
    EnforcementCertificate.objects.filter(holder=officer).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    rows = {row["username"]: row for row in results(api.as_(world.people.county_a_officer).get(USERS))}
    assert rows["county_a_officer"]["has_valid_certificate"] is True
    assert rows["county_a_officer"]["can_enforce"] is True
    assert rows["county_a_officer"]["roles"] == [
        {"code": "officer", "name": "执法人员", "data_scope": "subtree", "data_scope_label": "本单位及下级单位数据"}
    ]
    assert rows["county_a_officer"]["organisation"]["name"] == "东城区应急管理局"
    assert rows["county_a_officer2"]["has_valid_certificate"] is False
    assert rows["county_a_officer2"]["can_enforce"] is False
    assert rows["nobody"]["roles"] == []
    assert rows["nobody"]["can_enforce"] is False


def test_user_filters(world, api):
    client = api.as_(world.people.city_legal)
    assert usernames(client.get(USERS, {"role": "admin"})) == {"city_admin"}
    assert usernames(client.get(USERS, {"within": world.orgs.county_b.pk})) == {"county_b_officer"}
    assert usernames(client.get(USERS, {"organisation": world.orgs.township_a.pk})) == {"township_a_user"}


def test_other_countys_user_is_not_found(world, api):
    target = world.people.county_b_officer
    assert api.as_(world.people.county_a_officer).get(f"{USERS}{target.pk}/").status_code == 404


def test_user_list_query_count_does_not_grow_with_page_size(world, api, django_assert_max_num_queries):
    for _ in range(210):
        CertificateFactory(holder=UserFactory(organisation=world.orgs.park_a, roles=["officer"]))
    client = api.as_(world.people.city_legal)
    for page_size in (10, 200):
        # session, user, 2× perms, scope, own org, count, page, roles prefetch
        with django_assert_max_num_queries(9):
            rows = results(client.get(USERS, {"page_size": page_size}))
        assert len(rows) == page_size
        assert all(row["roles"][0]["code"] for row in rows if row["username"].startswith("user"))


def test_organisation_list_query_count_does_not_grow_with_page_size(world, api, django_assert_max_num_queries):
    for n in range(210):
        OrganisationFactory(
            name=f"东城第{n}街道",
            level="township",
            parent=world.orgs.county_a,
            authority="delegated",
            delegated_by=world.orgs.county_a,
            delegated_powers=["日常检查"],
        )
    client = api.as_(world.people.city_legal)
    for page_size in (10, 200):
        with django_assert_max_num_queries(8):
            rows = results(client.get(ORGS, {"page_size": page_size}))
        assert len(rows) == page_size


def test_sectors_are_listed_for_everyone_signed_in(world, api):
    rows = results(api.as_(world.people.social_supervisor).get("/api/sectors/", {"page_size": 100}))
    assert {"非煤矿山", "危险化学品", "烟花爆竹", "商贸"} <= {row["name"] for row in rows}
