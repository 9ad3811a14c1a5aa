"""The Django admin is scoped like every other view: a county administrator sees its subtree only."""

import pytest
from django.core.exceptions import PermissionDenied

from enforcement.audit.models import AuditEvent
from enforcement.enterprises.models import Enterprise
from tests.admin.helpers import changelist_rows, form_data

CHANGELIST = "/admin/enterprises/enterprise/"
COUNTY_A = {"河川化工集团有限公司", "东城机械厂", "城关纺织有限公司", "园区建材有限公司"}
COUNTY_B = {"西山矿业有限公司", "西山镇烟花爆竹店"}


def change_url(enterprise):
    return f"{CHANGELIST}{enterprise.pk}/change/"


def test_county_admin_changelist_shows_its_subtree_only(world, admin_as, county_a_admin):
    response = admin_as(county_a_admin).get(CHANGELIST)
    rows = changelist_rows(response)
    assert {e.name for e in rows} == COUNTY_A
    assert response.context["cl"].result_count == 4
    assert response.context["cl"].full_result_count == 4
    assert "西山矿业有限公司" not in response.content.decode()


def test_city_admin_changelist_shows_every_county(world, admin_as, city_admin):
    response = admin_as(city_admin).get(CHANGELIST)
    assert {e.name for e in changelist_rows(response)} == COUNTY_A | COUNTY_B


def test_organisation_list_filter_offers_only_reachable_organisations(world, admin_as, county_a_admin):
    html = admin_as(county_a_admin).get(CHANGELIST).content.decode()
    assert "东城工业园管委会" in html
    assert "西山县应急管理局" not in html
    assert "西山镇人民政府" not in html


def test_other_countys_change_page_does_not_exist_for_a_county_admin(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    response = client.get(change_url(world.ent.b_general))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    followed = client.get(change_url(world.ent.b_general), follow=True)
    assert "不存在" in followed.content.decode()
    assert "西山矿业有限公司" not in followed.content.decode()


def test_other_countys_enterprise_cannot_be_changed_or_deleted_by_post(world, admin_as, county_a_admin, city_admin):
    target = world.ent.b_general
    data = form_data(admin_as(city_admin).get(change_url(target)))
    data["name"] = "被篡改"
    client = admin_as(county_a_admin)
    assert client.post(change_url(target), data).status_code == 302
    assert client.post(f"{CHANGELIST}{target.pk}/delete/", {"post": "yes"}).status_code == 302
    assert client.get(f"{CHANGELIST}{target.pk}/history/").status_code == 302
    target.refresh_from_db()
    assert target.name == "西山矿业有限公司"
    assert not AuditEvent.objects.record_changes().exists()


def test_city_admin_opens_any_countys_change_page(world, admin_as, city_admin):
    response = admin_as(city_admin).get(change_url(world.ent.b_general))
    assert response.status_code == 200
    assert response.context["original"] == world.ent.b_general


def test_organisation_choices_are_limited_to_the_scope(world, admin_as, county_a_admin):
    response = admin_as(county_a_admin).get(f"{CHANGELIST}add/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    choices = {org.name for org in form.fields["organisation"].queryset}
    assert choices == {"东城区应急管理局", "城关镇人民政府", "东城工业园管委会"}
    assert {org.name for org in form.fields["responsible_org"].queryset} == choices


def test_change_keeps_an_out_of_scope_current_value(world, admin_as, county_a_admin):
    """The city is responsible for city_key: the county may edit it without having to pick the city."""
    client = admin_as(county_a_admin)
    response = client.get(change_url(world.ent.city_key))
    choices = {org.name for org in response.context["adminform"].form.fields["responsible_org"].queryset}
    assert "河川市应急管理局" in choices
    assert "西山县应急管理局" not in choices
    data = form_data(response)
    data["principal_person"] = "李四"
    saved = client.post(change_url(world.ent.city_key), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    world.ent.city_key.refresh_from_db()
    assert world.ent.city_key.principal_person == "李四"
    assert world.ent.city_key.responsible_org == world.orgs.city


def test_admin_change_goes_through_the_service_and_is_audited(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    target = world.ent.a_general
    data = form_data(client.get(change_url(target)))
    data["principal_person"] = "李四"
    assert client.post(change_url(target), data).status_code == 302
    event = AuditEvent.objects.record_changes().get()
    assert (event.action, event.actor, event.target_id) == ("update", county_a_admin, str(target.pk))
    assert event.changes == {"principal_person": ["张三", "李四"]}


def test_admin_add_goes_through_the_service(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    data = form_data(client.get(change_url(world.ent.a_general)))
    data.update(name="东城新建材有限公司", credit_code=" 91419901MA00000０1" + "X")
    bad = client.post(f"{CHANGELIST}add/", data)
    assert bad.status_code == 200
    assert "统一社会信用代码校验位错误" in str(bad.context["adminform"].form.errors["credit_code"])

    from enforcement.enterprises.credit_code import make_code

    data["credit_code"] = make_code("91419901MA0000001")
    assert client.post(f"{CHANGELIST}add/", data).status_code == 302
    created = Enterprise.objects.get(name="东城新建材有限公司")
    assert AuditEvent.objects.record_changes().get().target_id == str(created.pk)
    assert AuditEvent.objects.record_changes().get().action == "create"


def test_moving_into_another_county_is_refused_and_nothing_changes(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    target = world.ent.a_general
    data = form_data(client.get(change_url(target)))
    data.update(organisation=str(world.orgs.county_b.pk), responsible_org=str(world.orgs.county_b.pk))
    response = client.post(change_url(target), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "organisation" in errors and "responsible_org" in errors
    target.refresh_from_db()
    assert target.organisation == world.orgs.county_a
    assert not AuditEvent.objects.record_changes().exists()


def test_a_refused_service_write_is_rolled_back_and_explained(world, admin_as, county_a_admin, monkeypatch):
    from enforcement.enterprises import admin as enterprise_admin
    from enforcement.enterprises import services

    real_update = services.update_enterprise

    def update_then_refuse(user, pk, changes):
        real_update(user, pk, changes)
        raise PermissionDenied("该记录将超出您的数据权限范围，操作已撤销。")

    monkeypatch.setattr(enterprise_admin.services, "update_enterprise", update_then_refuse)
    client = admin_as(county_a_admin)
    target = world.ent.a_general
    data = form_data(client.get(change_url(target)))
    data["name"] = "东城机械总厂"
    response = client.post(change_url(target), data, follow=True)
    assert "该记录将超出您的数据权限范围，操作已撤销。" in response.content.decode()
    target.refresh_from_db()
    assert target.name == "东城机械厂"
    assert not AuditEvent.objects.record_changes().exists()


def test_bulk_delete_only_touches_the_scope_and_is_audited(world, admin_as, county_a_admin):
    client = admin_as(county_a_admin)
    response = client.post(
        CHANGELIST,
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [str(world.ent.a_general.pk), str(world.ent.b_general.pk)],
        },
    )
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk=world.ent.a_general.pk).exists()
    assert Enterprise.objects.filter(pk=world.ent.b_general.pk).exists()
    assert list(AuditEvent.objects.record_changes().values_list("action", "target_repr")) == [("delete", "东城机械厂")]


@pytest.mark.parametrize("persona", ["county_a_officer", "social_supervisor"])
def test_non_staff_personas_cannot_enter_the_admin(world, admin_as, persona):
    response = admin_as(getattr(world.people, persona)).get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_changelist_query_count_does_not_grow_with_rows(world, admin_as, county_a_admin, django_assert_max_num_queries):
    from tests.factories import EnterpriseFactory

    client = admin_as(county_a_admin)
    EnterpriseFactory.create_batch(5, organisation=world.orgs.park_a)
    with django_assert_max_num_queries(30) as few:
        changelist_rows(client.get(CHANGELIST))
    EnterpriseFactory.create_batch(80, organisation=world.orgs.park_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(changelist_rows(client.get(CHANGELIST))) == 89


def test_every_register_field_is_on_the_admin_form(world, admin_as, city_admin):
    form = admin_as(city_admin).get(change_url(world.ent.a_general)).context["adminform"].form
    editable = {f.name for f in Enterprise._meta.concrete_fields if f.editable and not f.primary_key}
    assert editable - {"created_at", "updated_at"} <= form.fields.keys()
