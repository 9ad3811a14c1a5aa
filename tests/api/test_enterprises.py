"""/api/enterprises/: every persona sees exactly its data scope; writes go through the services."""

import pytest
from guardian.shortcuts import assign_perm

from enforcement.audit.models import AuditEvent
from enforcement.enterprises.credit_code import make_code
from enforcement.enterprises.models import Enterprise, Sector
from tests.api.helpers import REFUSED, names, refused, results
from tests.factories import EnterpriseFactory

URL = "/api/enterprises/"

COUNTY_A = {"河川化工集团有限公司", "东城机械厂", "城关纺织有限公司", "园区建材有限公司"}
COUNTY_B = {"西山矿业有限公司", "西山镇烟花爆竹店"}
GOOD_CODE = make_code("91419901MA0000001")
WRONG_CHECK = GOOD_CODE[:-1] + ("1" if GOOD_CODE[-1] != "1" else "2")


def detail(enterprise):
    return f"{URL}{enterprise.pk}/"


def new_enterprise_payload(world, **overrides):
    payload = {
        "credit_code": GOOD_CODE,
        "name": "东城新材料有限公司",
        "address": "东城区工业路8号",
        "organisation": world.orgs.county_a.pk,
        "sector": Sector.objects.get(code="machinery").pk,
        "supervision_class": "general",
        "principal_person": "王五",
    }
    payload.update(overrides)
    return payload


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_legal", COUNTY_A | COUNTY_B),
        ("city_admin", COUNTY_A | COUNTY_B),
        ("county_a_officer", COUNTY_A),
        ("county_b_officer", COUNTY_B),
        ("township_a_user", {"城关纺织有限公司"}),
        ("social_supervisor", set()),
        ("technical", set()),
        ("nobody", REFUSED),
    ],
)
def test_list_shows_exactly_the_personas_scope(world, api, persona, expected):
    response = api.as_(getattr(world.people, persona)).get(URL)
    if expected == REFUSED:
        assert refused(response)
        return
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_social_supervisor_sees_an_enterprise_once_shared(world, api):
    supervisor = world.people.social_supervisor
    client = api.as_(supervisor)
    assert client.get(URL).json()["count"] == 0
    assert client.get(detail(world.ent.b_general)).status_code == 404

    assign_perm("enterprises.view_enterprise", supervisor, world.ent.b_general)

    response = client.get(URL)
    assert names(response) == {"西山矿业有限公司"}
    assert response.json()["count"] == 1
    assert client.get(detail(world.ent.b_general)).json()["name"] == "西山矿业有限公司"
    # A view share is not a change share: the supervisor may read the record, so the refusal says why.
    assert refused(client.patch(detail(world.ent.b_general), {"name": "改名"}, format="json"))
    assert Enterprise.objects.get(pk=world.ent.b_general.pk).name == "西山矿业有限公司"


def test_retrieve_in_scope_has_names_and_labels(world, api):
    response = api.as_(world.people.county_a_officer).get(detail(world.ent.city_key))
    assert response.status_code == 200
    body = response.json()
    assert body["organisation"] == world.orgs.county_a.pk
    assert body["organisation_name"] == "东城区应急管理局"
    assert body["responsible_org_name"] == "河川市应急管理局"
    assert body["supervision_class_label"] == "重点"
    assert body["credit_status_label"] == "正常"
    assert body["standardisation_grade_label"] == "未达标"
    assert body["risk_flag_labels"] == ["重大危险源"]
    assert body["sector_name"] == world.ent.city_key.sector.name


def test_every_register_field_is_exposed(world, api):
    body = api.as_(world.people.city_legal).get(detail(world.ent.a_general)).json()
    assert {f.name for f in Enterprise._meta.concrete_fields} <= body.keys()


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_countys_enterprise_is_not_found_and_unchanged(world, api, method):
    target = world.ent.b_general
    client = api.as_(world.people.county_a_officer)
    payload = new_enterprise_payload(world, credit_code=target.credit_code, name="被篡改")
    response = getattr(client, method)(detail(target), payload, format="json")
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.name == "西山矿业有限公司"
    assert target.organisation == world.orgs.county_b
    assert not AuditEvent.objects.record_changes().exists()


def test_history_of_other_countys_enterprise_is_not_found(world, api):
    response = api.as_(world.people.county_a_officer).get(detail(world.ent.b_general) + "history/")
    assert response.status_code == 404


def test_township_user_cannot_reach_its_countys_own_enterprise(world, api):
    response = api.as_(world.people.township_a_user).get(detail(world.ent.a_general))
    assert response.status_code == 404


def test_create_in_own_county_goes_through_the_service(world, api):
    officer = world.people.county_a_officer
    # Full-width digits and stray spaces, as pasted from a county's spreadsheet.
    raw_code = " ９１４１９９０１MA0000001" + make_code("91419901MA0000001")[-1] + " "
    response = api.as_(officer).post(URL, new_enterprise_payload(world, credit_code=raw_code), format="json")
    assert response.status_code == 201, response.content.decode()
    created = Enterprise.objects.get(name="东城新材料有限公司")
    assert created.credit_code == make_code("91419901MA0000001")
    assert created.responsible_org == world.orgs.county_a  # defaults to the territorial organisation
    assert response.json()["credit_code"] == created.credit_code
    event = AuditEvent.objects.record_changes().get()
    assert (event.action, event.actor, event.target_id) == ("create", officer, str(created.pk))


def test_create_into_another_county_is_refused_in_chinese(world, api):
    response = api.as_(world.people.county_a_officer).post(
        URL, new_enterprise_payload(world, organisation=world.orgs.county_b.pk), format="json"
    )
    assert response.status_code == 400
    assert response.json()["organisation"] == ["属地不在您的管辖范围内。"]
    assert Enterprise.objects.count() == 6
    assert not AuditEvent.objects.record_changes().exists()


def test_create_without_add_permission_is_forbidden(world, api):
    supervisor = world.people.social_supervisor
    response = api.as_(supervisor).post(URL, new_enterprise_payload(world), format="json")
    assert response.status_code == 403
    assert "没有新增生产经营单位的权限" in response.json()["detail"]
    assert Enterprise.objects.count() == 6


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (WRONG_CHECK, "统一社会信用代码校验位错误"),
        ("91419901MA000000", "统一社会信用代码应为18位，当前为16位。"),
        ("91419901MA00000I12", "统一社会信用代码含有非法字符：I"),
        ("", "该字段不能为空。"),
    ],
)
def test_bad_credit_code_is_refused_with_chinese_message(world, api, code, message):
    response = api.as_(world.people.county_a_officer).post(
        URL, new_enterprise_payload(world, credit_code=code), format="json"
    )
    assert response.status_code == 400
    assert message in response.json()["credit_code"][0]
    assert Enterprise.objects.count() == 6


def test_duplicate_credit_code_is_refused_even_across_counties(world, api):
    response = api.as_(world.people.county_a_officer).post(
        URL, new_enterprise_payload(world, credit_code=world.ent.b_general.credit_code.lower()), format="json"
    )
    assert response.status_code == 400
    assert response.json()["credit_code"] == ["该统一社会信用代码已登记，请勿重复登记。"]


def test_model_rules_come_back_as_field_errors(world, api):
    client = api.as_(world.people.city_legal)
    key_without_reason = client.post(URL, new_enterprise_payload(world, supervision_class="key"), format="json")
    assert key_without_reason.status_code == 400
    assert key_without_reason.json()["class_reason"] == ["列为重点生产经营单位时须填写理由。"]
    # the responsible body is the territorial one or an ancestor, never a sibling county.
    sibling = client.patch(detail(world.ent.a_general), {"responsible_org": world.orgs.county_b.pk}, format="json")
    assert sibling.status_code == 400
    assert sibling.json()["responsible_org"] == ["执法主体必须是属地单位本身或其上级单位。"]
    world.ent.a_general.refresh_from_db()
    assert world.ent.a_general.responsible_org == world.orgs.county_a


def test_moving_an_enterprise_into_another_county_is_refused(world, api):
    target = world.ent.a_general
    response = api.as_(world.people.county_a_officer).patch(
        detail(target),
        {"organisation": world.orgs.county_b.pk, "responsible_org": world.orgs.county_b.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.json()["organisation"][0]
    target.refresh_from_db()
    assert (target.organisation, target.responsible_org) == (world.orgs.county_a, world.orgs.county_a)
    assert not AuditEvent.objects.record_changes().exists()


def test_patch_in_scope_updates_and_keeps_history(world, api):
    officer = world.people.county_a_officer
    client = api.as_(officer)
    # The city is the responsible body: the county may still edit other fields (it does not re-assign it).
    response = client.patch(detail(world.ent.city_key), {"principal_person": "李四"}, format="json")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["principal_person"] == "李四"
    world.ent.city_key.refresh_from_db()
    assert world.ent.city_key.principal_person == "李四"

    history = results(client.get(detail(world.ent.city_key) + "history/"))
    assert len(history) == 1
    assert history[0]["action"] == "update"
    assert history[0]["action_label"] == "修改"
    assert history[0]["actor"] == "county_a_officer"
    assert history[0]["changes"] == {"principal_person": ["张三", "李四"]}


def test_put_with_unchanged_out_of_scope_responsible_org_is_allowed(world, api):
    client = api.as_(world.people.county_a_officer)
    body = client.get(detail(world.ent.city_key)).json()
    body["name"] = "河川化工集团股份有限公司"
    response = client.put(detail(world.ent.city_key), body, format="json")
    assert response.status_code == 200, response.content.decode()
    world.ent.city_key.refresh_from_db()
    assert world.ent.city_key.name == "河川化工集团股份有限公司"
    assert world.ent.city_key.responsible_org == world.orgs.city


def test_delete_needs_delete_permission_and_is_audited(world, api):
    target = world.ent.a_general
    # Officers may edit but not delete: refused, saying so (they read the record, so 404 would be a lie).
    response = api.as_(world.people.county_a_officer).delete(detail(target))
    assert refused(response) and response.json()["detail"] == "您没有删除生产经营单位的权限。"
    assert Enterprise.objects.filter(pk=target.pk).exists()

    assert api.as_(world.people.city_legal).delete(detail(target)).status_code == 204
    assert not Enterprise.objects.filter(pk=target.pk).exists()
    event = AuditEvent.objects.record_changes().get()
    assert (event.action, event.actor, event.target_repr) == ("delete", world.people.city_legal, "东城机械厂")


def test_filters_are_the_shared_enterprise_filter(world, api):
    client = api.as_(world.people.city_legal)
    assert names(client.get(URL, {"q": "西山"})) == COUNTY_B
    assert names(client.get(URL, {"supervision_class": "key"})) == {"河川化工集团有限公司"}
    assert names(client.get(URL, {"organisation": world.orgs.county_a.pk})) == COUNTY_A
    assert names(client.get(URL, {"major_hazard_source": "true"})) == {"河川化工集团有限公司"}
    code_prefix = world.ent.b_general.credit_code[:17].lower()
    assert names(client.get(URL, {"q": code_prefix})) == {"西山矿业有限公司"}


def test_organisation_filter_cannot_reach_outside_the_scope(world, api):
    response = api.as_(world.people.county_a_officer).get(URL, {"organisation": world.orgs.county_b.pk})
    assert response.status_code == 400
    assert "organisation" in response.json()


def test_ordering_and_page_size(world, api):
    client = api.as_(world.people.city_legal)
    rows = results(client.get(URL, {"ordering": "-credit_code", "page_size": 4}))
    codes = [row["credit_code"] for row in rows]
    assert len(codes) == 4
    assert codes == sorted(Enterprise.objects.values_list("credit_code", flat=True), reverse=True)[:4]
    default = [row["name"] for row in results(client.get(URL))]
    # By name by default, in the database's collation (which need not be Python's code-point order).
    assert default == list(Enterprise.objects.order_by("name", "id").values_list("name", flat=True))
    by_update = [row["id"] for row in results(client.get(URL, {"ordering": "-updated_at"}))]
    assert by_update == list(Enterprise.objects.order_by("-updated_at", "id").values_list("id", flat=True))


@pytest.mark.parametrize("persona", ["city_legal", "county_a_officer"])
def test_list_query_count_does_not_grow_with_page_size(world, api, django_assert_max_num_queries, persona):
    EnterpriseFactory.create_batch(220, organisation=world.orgs.park_a, responsible_org=world.orgs.county_a)
    client = api.as_(getattr(world.people, persona))
    for page_size in (10, 200):
        with django_assert_max_num_queries(9):  # session, user, 2× perms, scope, own org, grants?, count, page
            rows = results(client.get(URL, {"page_size": page_size}))
        assert len(rows) == page_size
