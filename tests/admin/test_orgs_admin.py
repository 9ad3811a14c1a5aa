"""Organisations, users, roles, certificates and the audit log in the admin, scoped per user."""

import datetime

import pytest

from enforcement.audit.models import AuditEvent
from enforcement.enterprises import services
from enforcement.orgs.models import EnforcementCertificate, Organisation, Role, User
from enforcement.orgs.scoping import DataScope
from tests.admin.helpers import changelist_rows, form_data
from tests.dates import today
from tests.factories import CertificateFactory, UserFactory

ORGS = "/admin/orgs/organisation/"
USERS = "/admin/orgs/user/"
ROLES = "/admin/orgs/role/"
CERTS = "/admin/orgs/enforcementcertificate/"
AUDIT = "/admin/audit/auditevent/"


def test_organisation_changelist_is_scoped(world, admin_as, county_a_admin, city_admin):
    county = {o.name for o in changelist_rows(admin_as(county_a_admin).get(ORGS))}
    assert county == {"东城区应急管理局", "城关镇人民政府", "东城工业园管委会"}
    city = {o.name for o in changelist_rows(admin_as(city_admin).get(ORGS))}
    assert city == county | {"河川市应急管理局", "西山县应急管理局", "西山镇人民政府"}


def test_other_countys_organisation_does_not_exist_for_a_county_admin(world, admin_as, county_a_admin):
    response = admin_as(county_a_admin).get(f"{ORGS}{world.orgs.county_b.pk}/change/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_county_admin_adds_a_township_under_its_county(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    response = client.get(f"{ORGS}add/")
    parents = {o.name for o in response.context["adminform"].form.fields["parent"].queryset}
    assert parents == {"东城区应急管理局", "城关镇人民政府", "东城工业园管委会"}
    data = {
        "name": "东城街道办事处",
        "short_name": "东街",
        "division_code": "419901002",
        "level": "township",
        "parent": str(world.orgs.county_a.pk),
        "is_active": "on",
        "authority": "delegated",
        "delegated_by": str(world.orgs.county_a.pk),
        "delegated_powers": "工贸企业日常检查\n\n  小微企业隐患排查  \n",
    }
    assert client.post(f"{ORGS}add/", data).status_code == 302
    created = Organisation.objects.get(name="东城街道办事处")
    assert created.path.startswith(world.orgs.county_a.path)
    assert created.delegated_powers == ["工贸企业日常检查", "小微企业隐患排查"]


def test_county_admin_cannot_create_an_organisation_outside_its_subtree(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    data = {"name": "新城市应急管理局", "short_name": "新", "level": "city", "authority": "own", "is_active": "on"}
    response = client.post(f"{ORGS}add/", data, follow=True)
    assert "超出您的数据权限范围" in response.content.decode()
    assert not Organisation.objects.filter(name="新城市应急管理局").exists()

    data.update(level="township", parent=str(world.orgs.county_b.pk))
    response = client.post(f"{ORGS}add/", data)
    assert "parent" in response.context["adminform"].form.errors
    assert not Organisation.objects.filter(name="新城市应急管理局").exists()


def test_user_changelist_is_scoped(world, admin_as, county_a_admin, city_admin):
    county = {u.username for u in changelist_rows(admin_as(county_a_admin).get(USERS))}
    assert county == {"county_a_admin", "county_a_officer", "county_a_officer2", "township_a_user", "nobody"}
    city = {u.username for u in changelist_rows(admin_as(city_admin).get(USERS))}
    assert {"county_b_officer", "city_legal", "county_a_admin"} <= city


def test_other_countys_user_and_password_page_do_not_exist(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    target = world.people.county_b_officer
    assert client.get(f"{USERS}{target.pk}/change/").status_code == 302
    assert client.get(f"{USERS}{target.pk}/password/").status_code == 404
    response = client.post(
        f"{USERS}{target.pk}/password/", {"password1": "n3w-pass-word", "password2": "n3w-pass-word"}
    )
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.check_password("pass-1234-word")


def test_county_admin_edits_a_user_without_escalating(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    target = world.people.nobody
    response = client.get(f"{USERS}{target.pk}/change/")
    form = response.context["adminform"].form
    # Superuser status, groups and raw permissions are for superusers only.
    assert not {"is_superuser", "groups", "user_permissions"} & form.fields.keys()
    assert {o.name for o in form.fields["organisation"].queryset} == {
        "东城区应急管理局",
        "城关镇人民政府",
        "东城工业园管委会",
    }
    data = form_data(response)
    data.update(roles=[str(Role.objects.get(code="officer").pk)], full_name="赵六", is_superuser="on")
    assert client.post(f"{USERS}{target.pk}/change/", data).status_code == 302
    target.refresh_from_db()
    assert target.full_name == "赵六"
    assert set(target.roles.values_list("code", flat=True)) == {"officer"}
    assert not target.is_superuser


def test_roles_wider_than_the_admins_own_cannot_be_handed_out(world, admin_as, county_a_admin):
    everything = Role.objects.create(code="auditor_all", name="全市审计", data_scope=DataScope.ALL)
    response = admin_as(county_a_admin).get(f"{USERS}{world.people.nobody.pk}/change/")
    offered = set(response.context["adminform"].form.fields["roles"].queryset.values_list("code", flat=True))
    assert "auditor_all" not in offered
    assert {"officer", "leader", "legal", "social_supervisor", "admin"} <= offered
    assert everything.pk  # still exists for superusers to assign


def test_superuser_accounts_are_read_only_for_county_admins(world, admin_as, county_a_admin):
    root = UserFactory(username="root", organisation=world.orgs.county_a, is_superuser=True, is_staff=True)
    response = admin_as(county_a_admin).get(f"{USERS}{root.pk}/change/")
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_county_admin_adds_a_user_in_its_county(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    data = {
        "username": "county_a_new",
        "usable_password": "true",
        "password1": "Str0ng-pass-word",
        "password2": "Str0ng-pass-word",
        "full_name": "钱七",
        "organisation": str(world.orgs.township_a.pk),
        "roles": [str(Role.objects.get(code="officer").pk)],
        "certificates-TOTAL_FORMS": "1",
        "certificates-INITIAL_FORMS": "0",
        "certificates-0-number": "豫执20250001",
        "certificates-0-issuer": "河川市人民政府",
        "certificates-0-valid_from": (today() - datetime.timedelta(days=365)).isoformat(),
        "certificates-0-valid_until": (today() + datetime.timedelta(days=5 * 365)).isoformat(),
    }
    response = client.post(f"{USERS}add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(username="county_a_new")
    assert created.organisation == world.orgs.township_a
    assert created.check_password("Str0ng-pass-word")
    assert created.can_enforce()  # officer role + the certificate entered inline

    data.update(username="county_b_new", organisation=str(world.orgs.county_b.pk))
    response = client.post(f"{USERS}add/", data)
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="county_b_new").exists()
    assert EnforcementCertificate.objects.filter(number="豫执20250001").count() == 1


def test_certificate_inline_and_changelist_are_scoped(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    holders = {c.holder.username for c in changelist_rows(client.get(CERTS))}
    assert holders == {"county_a_officer", "county_a_officer2", "township_a_user"}
    other = EnforcementCertificate.objects.get(holder=world.people.county_b_officer)
    assert client.get(f"{CERTS}{other.pk}/change/").status_code == 302

    response = client.get(f"{USERS}{world.people.county_a_officer.pk}/change/")
    inline = response.context["inline_admin_formsets"][0].formset
    assert [f.instance.holder for f in inline.forms] == [world.people.county_a_officer]


def test_certificate_holder_choices_are_scoped(world, admin_as, county_a_admin):
    response = admin_as(county_a_admin).get(f"{CERTS}add/")
    holders = set(response.context["adminform"].form.fields["holder"].queryset.values_list("username", flat=True))
    assert "county_b_officer" not in holders
    assert "county_a_officer" in holders


def test_certificate_validity_filter(world, admin_as, county_a_admin):
    import datetime

    expired = CertificateFactory(
        holder=world.people.county_a_officer2,
        valid_from=datetime.date(2000, 1, 1),
        valid_until=datetime.date(2001, 1, 1),
    )
    client = admin_as(county_a_admin)
    assert expired in changelist_rows(client.get(CERTS, {"valid": "no"}))
    assert expired not in changelist_rows(client.get(CERTS, {"valid": "yes"}))


def test_roles_are_read_only_for_non_superusers(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    assert {r.code for r in changelist_rows(client.get(ROLES))} >= {"officer", "admin"}
    officer = Role.objects.get(code="officer")
    response = client.get(f"{ROLES}{officer.pk}/change/")
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert client.post(f"{ROLES}{officer.pk}/change/", {"name": "改名"}).status_code == 403
    assert client.get(f"{ROLES}add/").status_code == 403
    officer.refresh_from_db()
    assert officer.name == "执法人员"


def test_builtin_roles_cannot_be_deleted_even_by_a_superuser(world, admin_as):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    officer = Role.objects.get(code="officer")
    assert admin_as(root).get(f"{ROLES}{officer.pk}/delete/").status_code == 403


@pytest.fixture
def audited(world):
    services.update_enterprise(world.people.county_a_officer, world.ent.a_general.pk, {"principal_person": "李四"})
    services.update_enterprise(world.people.county_b_officer, world.ent.b_general.pk, {"principal_person": "孙八"})


def test_audit_log_is_read_only_and_scoped(world, admin_as, audited):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = admin_as(root)
    rows = changelist_rows(client.get(AUDIT))
    # The admin's own logins are audited too; the record changes are the two updates.
    assert {e.target_repr for e in rows if e.action in AuditEvent.RECORD_ACTIONS} == {"东城机械厂", "西山矿业有限公司"}
    event = AuditEvent.objects.get(target_repr="东城机械厂")
    page = client.get(f"{AUDIT}{event.pk}/change/")
    assert page.context["has_change_permission"] is False
    assert "主要负责人" in page.content.decode()
    assert client.get(f"{AUDIT}{event.pk}/delete/").status_code == 403
    assert client.get(f"{AUDIT}add/").status_code == 403


def test_audit_log_needs_its_permission(world, admin_as, county_a_admin, audited):
    # 等保2.0 三权分立: the system administrator no longer reads the audit log (issue 9 item 3) …
    assert admin_as(county_a_admin).get(AUDIT).status_code == 403
    # … a staff auditor does, within the auditor role's scope …
    auditor = UserFactory(username="auditor_a", organisation=world.orgs.county_a, is_staff=True)
    auditor.roles.add(Role.objects.get(code="auditor"))
    rows = changelist_rows(admin_as(auditor).get(AUDIT))
    assert {e.target_repr for e in rows if e.action in AuditEvent.RECORD_ACTIONS} == {"东城机械厂", "西山矿业有限公司"}
    # … and a staff user whose roles do not carry it is refused.
    officer = world.people.county_a_officer
    officer.is_staff = True
    officer.save()
    assert admin_as(officer).get(AUDIT).status_code == 403


def test_holder_autocomplete_is_scoped(world, admin_as, county_a_admin):
    response = admin_as(county_a_admin).get(
        "/admin/autocomplete/",
        {"app_label": "orgs", "model_name": "enforcementcertificate", "field_name": "holder", "term": "officer"},
    )
    assert response.status_code == 200
    found = {row["text"] for row in response.json()["results"]}
    expected = {str(world.people.county_a_officer), str(world.people.county_a_officer2)}
    assert found == expected
