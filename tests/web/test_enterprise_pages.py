"""Enterprise register pages: every persona reaches exactly its scope; out of scope is 404."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import assign_perm

from enforcement.audit.models import AuditEvent
from enforcement.enterprises.models import Enterprise, Sector
from tests.factories import EnterpriseFactory, credit_code_for

ALL = {"city_key", "a_general", "a_township", "a_park", "b_general", "b_township"}
COUNTY_A = {"city_key", "a_general", "a_township", "a_park"}
COUNTY_B = {"b_general", "b_township"}

# persona: (view, change, delete) — the enterprises (keys of world.ent) each page must open for.
ACCESS = {
    "city_legal": (ALL, ALL, ALL),
    "city_admin": (ALL, ALL, ALL),
    "county_a_officer": (COUNTY_A, COUNTY_A, set()),  # officers may not delete
    "county_a_officer2": (COUNTY_A, COUNTY_A, set()),
    "county_b_officer": (COUNTY_B, COUNTY_B, set()),
    "township_a_user": ({"a_township"}, {"a_township"}, set()),
    "social_supervisor": (set(), set(), set()),
    "technical": (set(), set(), set()),
    "nobody": (set(), set(), set()),
}
CASES = [(persona, key) for persona in ACCESS for key in sorted(ALL)]


def form_data(enterprise, **overrides):
    """What the edit form posts for ``enterprise`` unchanged, plus ``overrides``."""
    data = {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "address": enterprise.address,
        "sector": enterprise.sector_id,
        "organisation": enterprise.organisation_id,
        "responsible_org": enterprise.responsible_org_id,
        "supervision_class": enterprise.supervision_class,
        "class_reason": enterprise.class_reason,
        "standardisation_grade": enterprise.standardisation_grade,
        "credit_status": enterprise.credit_status,
        "last_accident_on": "",
        "principal_person": enterprise.principal_person,
        "principal_phone": enterprise.principal_phone,
        "contact_person": enterprise.contact_person,
        "contact_phone": enterprise.contact_phone,
    }
    for flag in Enterprise.RISK_FLAGS:
        if getattr(enterprise, flag):
            data[flag] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def new_data(world, **overrides):
    data = {
        "credit_code": credit_code_for(990001),
        "name": "东城新建五金厂",
        "address": "东城区新华路8号",
        "sector": Sector.objects.order_by("sort_order").first().pk,
        "organisation": world.orgs.county_a.pk,
        "responsible_org": world.orgs.county_a.pk,
        "supervision_class": "general",
        "class_reason": "",
        "standardisation_grade": "none",
        "credit_status": "normal",
        "principal_person": "钱五",
        "principal_phone": "13900000000",
        "contact_person": "",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def listed_names(body):
    table = body[body.index('id="enterprise-table"') :]
    return set(re.findall(r'<td class="col-name"><a href="/enterprises/\d+/">([^<]+)</a>', table))


def listed_count(body):
    match = re.search(r'id="result-count">共 <strong>(\d+)</strong> 家', body)
    assert match, "result count missing"
    return int(match.group(1))


# --- access matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "key"), CASES)
def test_detail_page_scope(browse, world, persona, key):
    enterprise = getattr(world.ent, key)
    response = browse.as_(getattr(world.people, persona)).get(f"/enterprises/{enterprise.pk}/")
    if key in ACCESS[persona][0]:
        assert response.status_code == 200
        assert enterprise.name in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(("persona", "key"), CASES)
def test_edit_page_scope(browse, world, persona, key):
    enterprise = getattr(world.ent, key)
    client = browse.as_(getattr(world.people, persona))
    url = f"/enterprises/{enterprise.pk}/edit/"
    response = client.post(url, form_data(enterprise, principal_person="新负责人"))
    enterprise.refresh_from_db()
    if key in ACCESS[persona][1]:
        assert client.get(url).status_code == 200
        assert response.status_code == 302, response.content.decode()
        assert response["Location"] == f"/enterprises/{enterprise.pk}/"
        assert enterprise.principal_person == "新负责人"
    else:
        assert client.get(url).status_code == 404
        assert response.status_code == 404
        assert enterprise.principal_person == "张三"


@pytest.mark.parametrize(("persona", "key"), CASES)
def test_delete_page_scope(browse, world, persona, key):
    enterprise = getattr(world.ent, key)
    client = browse.as_(getattr(world.people, persona))
    url = f"/enterprises/{enterprise.pk}/delete/"
    if key in ACCESS[persona][2]:
        page = client.get(url)
        assert page.status_code == 200
        assert "确认删除" in page.content.decode()
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == "/enterprises/"
        assert not Enterprise.objects.filter(pk=enterprise.pk).exists()
        assert AuditEvent.objects.filter(action="delete", target_id=str(enterprise.pk)).exists()
    else:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_detail_buttons_follow_permissions(browse, world):
    url = f"/enterprises/{world.ent.a_general.pk}/"
    officer_page = browse.as_(world.people.county_a_officer).get(url).content.decode()
    assert 'id="btn-edit"' in officer_page
    assert 'id="btn-delete"' not in officer_page
    legal_page = browse.as_(world.people.city_legal).get(url).content.decode()
    assert 'id="btn-edit"' in legal_page and 'id="btn-delete"' in legal_page


# --- lists ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_legal", ALL),
        ("county_a_officer", COUNTY_A),
        ("county_b_officer", COUNTY_B),
        ("township_a_user", {"a_township"}),
        ("social_supervisor", set()),
        ("nobody", set()),
    ],
)
def test_list_shows_exactly_the_scope(browse, world, persona, expected):
    response = browse.as_(getattr(world.people, persona)).get("/enterprises/")
    assert response.status_code == 200
    body = response.content.decode()
    assert listed_names(body) == {getattr(world.ent, key).name for key in expected}
    assert listed_count(body) == len(expected)


def test_list_count_counts_the_whole_scope_not_the_page(browse, world):
    for n in range(25):
        EnterpriseFactory(name=f"东城批量单位{n:02d}", organisation=world.orgs.township_a)
    EnterpriseFactory(name="西山批量单位", organisation=world.orgs.county_b)
    body = browse.as_(world.people.county_a_officer).get("/enterprises/?per_page=20").content.decode()
    assert listed_count(body) == 29
    assert len(listed_names(body)) == 20
    assert "第 1 / 2 页" in body
    second = browse.as_(world.people.county_a_officer).get("/enterprises/?per_page=20&page=2").content.decode()
    assert len(listed_names(second)) == 9
    assert "西山批量单位" not in body + second


def test_social_supervisor_sees_only_what_is_shared(browse, world):
    supervisor = world.people.social_supervisor
    client = browse.as_(supervisor)
    shared = world.ent.b_general
    assert listed_names(client.get("/enterprises/").content.decode()) == set()
    assert client.get(f"/enterprises/{shared.pk}/").status_code == 404
    assign_perm("enterprises.view_enterprise", supervisor, shared)
    body = client.get("/enterprises/").content.decode()
    assert listed_names(body) == {shared.name}
    assert listed_count(body) == 1
    assert client.get(f"/enterprises/{shared.pk}/").status_code == 200
    # shared for viewing only: no edit page, no edit button
    assert client.get(f"/enterprises/{shared.pk}/edit/").status_code == 404
    assert 'id="btn-edit"' not in client.get(f"/enterprises/{shared.pk}/").content.decode()


def test_list_filters_by_name(browse, world):
    body = browse.as_(world.people.county_a_officer).get("/enterprises/", {"q": "机械"}).content.decode()
    assert listed_names(body) == {"东城机械厂"}
    assert listed_count(body) == 1


def test_list_filter_cannot_reach_another_county(browse, world):
    # county B's name matches, but county B is outside county A's scope
    body = browse.as_(world.people.county_a_officer).get("/enterprises/", {"q": "西山"}).content.decode()
    assert listed_names(body) == set()


def test_list_filters_by_organisation_subtree(browse, world):
    client = browse.as_(world.people.city_legal)
    body = client.get("/enterprises/", {"organisation": world.orgs.county_a.pk}).content.decode()
    assert listed_names(body) == {getattr(world.ent, key).name for key in COUNTY_A}


def test_out_of_scope_organisation_filter_shows_chinese_error(browse, world):
    response = browse.as_(world.people.county_a_officer).get("/enterprises/", {"organisation": world.orgs.county_b.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="filter-errors"' in body
    assert "选择一个有效的选项" in body
    assert listed_names(body) == set()


@pytest.mark.parametrize("params", [{"supervision_class": "bogus"}, {"sector": "abc"}, {"per_page": "x", "page": "y"}])
def test_nonsense_parameters_do_not_break_the_list(browse, world, params):
    assert browse.as_(world.people.county_a_officer).get("/enterprises/", params).status_code == 200


def test_list_filters_by_class_and_hazard(browse, world):
    client = browse.as_(world.people.city_legal)
    key_body = client.get("/enterprises/", {"supervision_class": "key"}).content.decode()
    assert listed_names(key_body) == {"河川化工集团有限公司"}
    hazard_body = client.get("/enterprises/", {"major_hazard_source": "false"}).content.decode()
    assert "河川化工集团有限公司" not in listed_names(hazard_body)
    assert listed_count(hazard_body) == 5


def test_export_and_import_links(browse, world):
    body = browse.as_(world.people.county_a_officer).get("/enterprises/", {"q": "机械", "page": 1}).content.decode()
    assert 'href="/enterprises/export/?q=%E6%9C%BA%E6%A2%B0"' in body
    assert 'href="/enterprises/import/"' in body
    supervisor_body = browse.as_(world.people.social_supervisor).get("/enterprises/").content.decode()
    assert 'id="link-import"' not in supervisor_body


@pytest.mark.parametrize("per_page", [20, 100])
def test_list_query_count_does_not_grow_with_page_size(browse, world, django_assert_max_num_queries, per_page):
    sectors = list(Sector.objects.all())
    orgs = [world.orgs.county_a, world.orgs.township_a, world.orgs.park_a, world.orgs.county_b]
    for n in range(120):
        EnterpriseFactory(organisation=orgs[n % 4], sector=sectors[n % len(sectors)], dust_explosion=n % 3 == 0)
    client = browse.as_(world.people.city_legal)
    client.get("/")  # warm the session
    with django_assert_max_num_queries(11):  # + the "any shared grants?" probe of restrict()
        response = client.get("/enterprises/", {"per_page": per_page})
    assert len(listed_names(response.content.decode())) == per_page


# --- create ---------------------------------------------------------------------------------------


def test_create_in_own_county(browse, world):
    response = browse.as_(world.people.county_a_officer).post("/enterprises/new/", new_data(world))
    created = Enterprise.objects.get(name="东城新建五金厂")
    assert response.status_code == 302
    assert response["Location"] == f"/enterprises/{created.pk}/"
    assert created.organisation == world.orgs.county_a
    assert AuditEvent.objects.filter(action="create", target_id=str(created.pk)).count() == 1
    detail = browse.get(response["Location"]).content.decode()
    assert "已登记生产经营单位“东城新建五金厂”" in detail


def test_create_page_offers_only_reachable_organisations(browse, world):
    body = browse.as_(world.people.county_a_officer).get("/enterprises/new/").content.decode()
    form = body[body.index('id="enterprise-form"') :]
    assert "城关镇人民政府" in form
    assert "西山县应急管理局" not in form
    assert "河川市应急管理局" not in form


def test_create_into_another_county_is_refused(browse, world):
    before = Enterprise.objects.count()
    response = browse.as_(world.people.county_a_officer).post(
        "/enterprises/new/",
        new_data(world, organisation=world.orgs.county_b.pk, responsible_org=world.orgs.county_b.pk),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "选择一个有效的选项" in body
    assert Enterprise.objects.count() == before
    assert not AuditEvent.objects.filter(action="create").exists()


def test_create_with_responsible_body_above_the_scope_is_refused(browse, world):
    before = Enterprise.objects.count()
    response = browse.as_(world.people.county_a_officer).post(
        "/enterprises/new/", new_data(world, responsible_org=world.orgs.city.pk)
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert Enterprise.objects.count() == before


def test_bad_credit_code_keeps_what_was_typed(browse, world):
    code = credit_code_for(990002)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = browse.as_(world.people.county_a_officer).post(
        "/enterprises/new/", new_data(world, credit_code=wrong, address="东城区幸福路99号")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "统一社会信用代码校验位错误" in body
    assert f'value="{wrong}"' in body
    assert 'value="东城新建五金厂"' in body
    assert 'value="东城区幸福路99号"' in body
    assert 'value="钱五"' in body
    assert not Enterprise.objects.filter(name="东城新建五金厂").exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [("91350100M000100Y4", "应为18位"), ("91350100M000100YI3", "非法字符")],
)
def test_credit_code_messages(browse, world, code, message):
    body = browse.as_(world.people.county_a_officer).post("/enterprises/new/", new_data(world, credit_code=code))
    assert message in body.content.decode()


def test_credit_code_is_normalised(browse, world):
    code = credit_code_for(990003)
    typed = "９１" + " ".join(code[2:].lower())  # full-width digits, spaces, lower case
    response = browse.as_(world.people.county_a_officer).post("/enterprises/new/", new_data(world, credit_code=typed))
    assert response.status_code == 302
    assert Enterprise.objects.get(name="东城新建五金厂").credit_code == code


def test_duplicate_credit_code_is_refused(browse, world):
    response = browse.as_(world.people.county_a_officer).post(
        "/enterprises/new/", new_data(world, credit_code=world.ent.b_general.credit_code)
    )
    assert response.status_code == 200
    assert "该统一社会信用代码已登记在册" in response.content.decode()


def test_key_class_needs_a_reason(browse, world):
    response = browse.as_(world.people.county_a_officer).post(
        "/enterprises/new/", new_data(world, supervision_class="key", class_reason="")
    )
    assert response.status_code == 200
    assert "列为重点生产经营单位时须填写理由" in response.content.decode()


def test_blank_responsible_body_defaults_to_the_territorial_one(browse, world):
    response = browse.as_(world.people.county_a_officer).post(
        "/enterprises/new/", new_data(world, organisation=world.orgs.township_a.pk, responsible_org="")
    )
    assert response.status_code == 302
    assert Enterprise.objects.get(name="东城新建五金厂").responsible_org == world.orgs.township_a


def test_users_without_add_permission_cannot_open_the_create_page(browse, world):
    client = browse.as_(world.people.social_supervisor)
    assert client.get("/enterprises/new/").status_code == 403
    assert client.post("/enterprises/new/", new_data(world)).status_code == 403
    assert not Enterprise.objects.filter(name="东城新建五金厂").exists()


def test_service_refusals_land_on_the_form(browse, world, monkeypatch):
    from enforcement.enterprises import services

    def refuse(user, enterprise):
        raise ValidationError({"organisation": ["属地不在您的管辖范围内。"], "__all__": ["整体错误"]})

    monkeypatch.setattr(services, "create_enterprise", refuse)
    body = browse.as_(world.people.county_a_officer).post("/enterprises/new/", new_data(world)).content.decode()
    assert "属地不在您的管辖范围内。" in body and "整体错误" in body
    assert 'value="东城新建五金厂"' in body

    def deny(user, enterprise):
        raise PermissionDenied("该记录将超出您的数据权限范围，操作已撤销。")

    monkeypatch.setattr(services, "create_enterprise", deny)
    body = browse.post("/enterprises/new/", new_data(world)).content.decode()
    assert "该记录将超出您的数据权限范围，操作已撤销。" in body
    assert 'value="钱五"' in body


# --- edit and history -----------------------------------------------------------------------------


def test_county_edits_enterprise_the_city_is_responsible_for(browse, world):
    enterprise = world.ent.city_key
    client = browse.as_(world.people.county_a_officer)
    page = client.get(f"/enterprises/{enterprise.pk}/edit/").content.decode()
    assert "河川市应急管理局" in page  # the current responsible body stays selectable
    response = client.post(f"/enterprises/{enterprise.pk}/edit/", form_data(enterprise, address="东城区化工路1号"))
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.address == "东城区化工路1号"
    assert enterprise.responsible_org == world.orgs.city


def test_moving_an_enterprise_to_another_county_is_refused(browse, world):
    enterprise = world.ent.a_general
    response = browse.as_(world.people.county_a_officer).post(
        f"/enterprises/{enterprise.pk}/edit/",
        form_data(enterprise, organisation=world.orgs.county_b.pk, responsible_org=world.orgs.county_b.pk),
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.organisation == world.orgs.county_a
    assert not AuditEvent.objects.filter(action="update").exists()


def test_edit_records_history_shown_on_detail(browse, world):
    enterprise = world.ent.a_general
    officer = world.people.county_a_officer
    client = browse.as_(officer)
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/",
        form_data(
            enterprise,
            principal_person="李四",
            organisation=world.orgs.township_a.pk,
            supervision_class="key",
            class_reason="涉爆粉尘",
            dust_explosion="on",
        ),
        follow=True,
    )
    body = response.content.decode()
    assert "已保存“东城机械厂”的修改" in body
    history = body[body.index('id="history-table"') :]
    assert str(officer) in history
    assert "修改" in history
    assert (
        '主要负责人</span>：<span class="changes__old">张三</span> → <span class="changes__new">李四</span>' in history
    )
    assert (
        '属地</span>：<span class="changes__old">东城区应急管理局</span> → <span class="changes__new">城关镇人民政府'
        in history
    )
    assert '监管类别</span>：<span class="changes__old">一般</span> → <span class="changes__new">重点' in history
    assert (
        '涉爆粉尘（30人以上）</span>：<span class="changes__old">否</span> → <span class="changes__new">是' in history
    )


def test_unchanged_save_writes_no_history(browse, world):
    enterprise = world.ent.a_general
    response = browse.as_(world.people.county_a_officer).post(
        f"/enterprises/{enterprise.pk}/edit/", form_data(enterprise)
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="update").exists()


def test_bad_edit_keeps_typed_values(browse, world):
    enterprise = world.ent.a_general
    response = browse.as_(world.people.county_a_officer).post(
        f"/enterprises/{enterprise.pk}/edit/", form_data(enterprise, credit_code="123", name="东城机械厂（改名）")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "统一社会信用代码应为18位，当前为3位" in body
    assert 'value="东城机械厂（改名）"' in body
    enterprise.refresh_from_db()
    assert enterprise.name == "东城机械厂"


def test_out_of_scope_answers_a_chinese_404_page(browse, world):
    response = browse.as_(world.people.county_b_officer).get(f"/enterprises/{world.ent.a_general.pk}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "不在您的数据权限范围内" in body
    assert "东城机械厂" not in body  # nothing about the record leaks


def test_forbidden_create_answers_a_chinese_403_page(browse, world):
    response = browse.as_(world.people.social_supervisor).get("/enterprises/new/")
    assert response.status_code == 403
    assert "您没有新增生产经营单位的权限" in response.content.decode()
