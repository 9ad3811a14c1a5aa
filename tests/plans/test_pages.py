"""Plan pages: scope (in scope 200, out of scope 404), the workflow through its buttons, items, bulk add,
the on-site plan, query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enforcement.enterprises.models import Enterprise
from plans.annual import services
from plans.models import InspectionPlan, PlanItem, PlanTransition, PlanType
from tests.factories import EnterpriseFactory, UserFactory
from tests.planning import fill_valid_plan

S = InspectionPlan.Status
PDF = b"%PDF-1.4 approval document"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def county_b_legal(world):
    return UserFactory(username="county_b_legal", organisation=world.orgs.county_b, roles=["legal"])


@pytest.fixture
def county_b_plan(county_b_legal, world):
    year = timezone.localdate().year  # this year's, like county A's in the planning fixture
    return services.create_plan(
        county_b_legal,
        world.orgs.county_b,
        year,
        PlanType.WORK_SAFETY,
        f"西山县应急管理局{year}年度安全生产监督检查计划",
    )


def login(client, user):
    client.logout()
    client.force_login(user)
    return client


def body(response):
    return response.content.decode()


def pdf(name="批复.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def step(client, plan, name, **data):
    payload = {f"{name}-{key}": value for key, value in data.items()}
    return client.post(f"/plans/{plan.pk}/steps/{name}/", payload)


# --- scope ---------------------------------------------------------------------------------------

# persona → whether county A's plan (and everything hanging off it) is visible
PLAN_VISIBLE = {
    "city_legal": True,
    "county_a_officer": True,
    "county_b_officer": False,
    "township_a_user": False,  # a township sees its own subtree, not the county's plan
    "technical": False,
    "nobody": False,
}


@pytest.mark.parametrize(("persona", "visible"), PLAN_VISIBLE.items())
def test_plan_pages_answer_in_scope_and_404_outside(client, world, planning, persona, visible):
    """GIVEN county A's plan with an item WHEN each persona opens its pages THEN in scope 200, else 404."""
    fill_valid_plan(planning)
    plan = planning.plan
    item = plan.items.first()
    login(client, getattr(world.people, persona))
    for url in (f"/plans/{plan.pk}/", f"/plans/{plan.pk}/check/", f"/plans/items/{item.pk}/"):
        response = client.get(url)
        assert response.status_code == (200 if visible else 404), (persona, url)
    if visible:
        assert plan.title in body(client.get(f"/plans/{plan.pk}/"))


def test_plan_list_shows_only_plans_in_scope(client, world, planning, county_b_plan):
    login(client, world.people.county_b_officer)
    page = body(client.get("/plans/"))
    assert county_b_plan.title in page
    assert planning.plan.title not in page
    login(client, world.people.county_a_officer)
    page = body(client.get("/plans/"))
    assert planning.plan.title in page and county_b_plan.title not in page
    login(client, world.people.city_legal)
    page = body(client.get("/plans/"))
    assert planning.plan.title in page and county_b_plan.title in page


def test_plan_list_filters(client, world, planning, county_b_plan):
    login(client, world.people.city_legal)
    page = body(client.get("/plans/", {"organisation": world.orgs.county_b.pk}))
    assert county_b_plan.title in page and planning.plan.title not in page
    page = body(client.get("/plans/", {"status": "submitted"}))
    assert "没有符合条件的计划" in page
    page = body(client.get("/plans/", {"plan_type": PlanType.FLOOD_DROUGHT}))
    assert planning.plan.title not in page
    # An organisation outside the scope is not a valid choice: an error, never "everything".
    login(client, world.people.county_a_officer)
    page = body(client.get("/plans/", {"organisation": world.orgs.county_b.pk}))
    assert "筛选条件有误" in page and planning.plan.title not in page


def test_users_without_plan_permission_are_refused_the_list(client, world):
    login(client, world.people.social_supervisor)
    assert client.get("/plans/").status_code == 403


def test_overdue_flag_reaches_both_levels(client, world, planning):
    """R-04: a plan not approved by the deadline is flagged to the county and to the city; an organisation
    responsible for enterprises without any plan after the deadline is flagged as not made."""
    last_year = timezone.localdate().year - 1
    overdue = services.create_plan(
        planning.legal, world.orgs.county_a, last_year, PlanType.WORK_SAFETY, f"东城区{last_year}年度计划"
    )
    for user in (planning.legal, world.people.city_legal):
        login(client, user)
        page = body(client.get("/plans/", {"year": last_year}))
        row = page[page.index(overdue.title) :]
        assert "逾期未批准" in row[: row.index("</tr>")]
        overview = page[page.index('id="overview-table"') :]
        a_row = overview[overview.index(f'data-org="{world.orgs.county_a.pk}"') :]
        assert "逾期未批准" in a_row[: a_row.index("</tr>")]
    # The city also sees county B, which has made no plan at all.
    b_row = overview[overview.index(f'data-org="{world.orgs.county_b.pk}"') :]
    assert "逾期未编制" in b_row[: b_row.index("</tr>")]
    # …and the county does not see county B.
    login(client, planning.legal)
    page = body(client.get("/plans/", {"year": last_year}))
    assert f'data-org="{world.orgs.county_b.pk}"' not in page
    assert "逾期未批准" in body(client.get(f"/plans/{overdue.pk}/"))


def test_plan_for_next_year_is_not_overdue(client, world, planning):
    next_year = timezone.localdate().year + 1
    plan = services.create_plan(planning.legal, world.orgs.county_a, next_year, PlanType.WORK_SAFETY, "明年计划")
    login(client, planning.legal)
    page = body(client.get("/plans/", {"year": next_year}))
    assert plan.title in page and "逾期" not in page


def test_overview_lists_responsible_organisations_with_their_plan_status(client, world, planning):
    login(client, world.people.city_legal)
    page = body(client.get("/plans/", {"year": planning.plan.year, "plan_type": PlanType.WORK_SAFETY}))
    overview = page[page.index('id="overview-table"') :]
    overview = overview[: overview.index("</table>")]
    # The city (responsible for 河川化工集团), both counties and the park have enterprises to plan for.
    for org in (world.orgs.city, world.orgs.county_a, world.orgs.county_b, world.orgs.park_a):
        assert f'data-org="{org.pk}"' in overview, org.name
    a_row = overview[overview.index(f'data-org="{world.orgs.county_a.pk}"') :]
    assert "草稿" in a_row[: a_row.index("</tr>")]


def test_plan_list_query_count_does_not_grow(client, world, planning, django_assert_max_num_queries):
    for year in range(planning.plan.year + 1, planning.plan.year + 31):
        services.create_plan(planning.legal, world.orgs.county_a, year, PlanType.WORK_SAFETY, f"东城区{year}年计划")
    login(client, world.people.city_legal)
    with django_assert_max_num_queries(18):
        response = client.get("/plans/")
    assert body(response).count('href="/plans/') >= 31


# --- create --------------------------------------------------------------------------------------


def test_create_plan_prefills_and_generates_the_title(client, world, planning):
    login(client, planning.legal)
    page = body(client.get("/plans/new/"))
    assert f"东城区应急管理局{timezone.localdate().year}年度安全生产监督检查计划" in page
    response = client.post(
        "/plans/new/",
        {"organisation": world.orgs.county_a.pk, "year": 2031, "plan_type": PlanType.FOREST_FIRE, "title": ""},
    )
    plan = InspectionPlan.objects.get(year=2031, plan_type=PlanType.FOREST_FIRE)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert plan.title == "东城区应急管理局2031年度森林防灭火监督检查计划"
    assert plan.created_by == planning.legal


def test_create_plan_refuses_duplicates_and_other_counties(client, world, planning):
    login(client, planning.legal)
    response = client.post(
        "/plans/new/",
        {"organisation": world.orgs.county_a.pk, "year": planning.plan.year, "plan_type": "work_safety", "title": "x"},
    )
    assert "已有同类计划" in body(response)
    response = client.post(
        "/plans/new/", {"organisation": world.orgs.county_b.pk, "year": 2030, "plan_type": "work_safety", "title": "x"}
    )
    assert response.status_code == 200 and "选择一个有效的选项" in body(response)
    assert not InspectionPlan.objects.filter(organisation=world.orgs.county_b).exists()
    login(client, world.people.county_a_officer)
    assert client.get("/plans/new/").status_code == 403


# --- workflow through the buttons ----------------------------------------------------------------


def test_workflow_through_the_pages(client, world, planning, media):
    """GIVEN a valid draft WHEN every button is pressed in turn THEN each step is recorded, dated and attributed."""
    fill_valid_plan(planning)
    plan = planning.plan
    login(client, planning.legal)
    page = body(client.get(f"/plans/{plan.pk}/"))
    assert 'id="step-submit"' in page and 'id="step-approve"' not in page

    assert step(client, plan, "submit", note="报区政府").status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.SUBMITTED and plan.submitted_at

    # Approval needs the proof: without a file the form says so and keeps what was typed.
    response = step(client, plan, "approve", approval_kind="document", approval_reference="东政文〔2026〕12号")
    assert response.status_code == 400
    assert "东政文〔2026〕12号" in body(response) and "该字段是必填项" in body(response)
    response = client.post(
        f"/plans/{plan.pk}/steps/approve/",
        {
            "approve-approval_kind": "document",
            "approve-approval_reference": "东政文〔2026〕12号",
            "approve-approved_on": timezone.localdate().isoformat(),
            "approve-attachment": pdf(),
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.APPROVED and plan.approval_reference == "东政文〔2026〕12号"

    response = client.post(
        f"/plans/{plan.pk}/steps/file/", {"file-note": "报市局备案", "file-attachment": pdf("报备.pdf")}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.FILED

    # Only the upper bureau acknowledges: the county's own button is not shown, and a forged post is refused.
    assert 'id="step-acknowledge"' not in body(client.get(f"/plans/{plan.pk}/"))
    response = step(client, plan, "acknowledge", note="")
    assert response.status_code == 400 and "只有上级应急管理部门可以确认报备" in body(response)
    login(client, world.people.city_legal)
    assert 'id="step-acknowledge"' in body(client.get(f"/plans/{plan.pk}/"))
    assert step(client, plan, "acknowledge", note="已收到").status_code == 302

    login(client, planning.legal)
    response = step(client, plan, "publish", published_where="东城区应急管理局网站/通知公告", published_on="")
    assert response.status_code == 400 and "东城区应急管理局网站/通知公告" in body(response)
    today = timezone.localdate().isoformat()
    response = step(client, plan, "publish", published_where="东城区应急管理局网站/通知公告", published_on=today)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == S.PUBLISHED and plan.filing_acknowledged_by == world.people.city_legal

    steps = list(plan.transitions.values_list("from_status", "to_status", "by__username"))
    assert steps == [
        ("", "draft", "county_a_legal"),
        ("draft", "submitted", "county_a_legal"),
        ("submitted", "approved", "county_a_legal"),
        ("approved", "filed", "county_a_legal"),
        ("filed", "filed", "city_legal"),
        ("filed", "published", "county_a_legal"),
    ]
    page = body(client.get(f"/plans/{plan.pk}/"))
    assert "上级确认报备" in page and page.count("/attachment/") == 2


def test_a_skipped_step_is_refused_with_its_message(client, planning, media):
    fill_valid_plan(planning)
    login(client, planning.legal)
    response = client.post(f"/plans/{planning.plan.pk}/steps/file/", {"file-note": "直接报备"})
    assert response.status_code == 400
    assert "计划当前为“草稿”，不能直接变为“已向上级报备”。" in body(response)
    assert "直接报备" in body(response)  # nothing typed is lost
    response = step(client, planning.plan, "publish", published_where="网站", published_on="2026-01-05")
    assert "不能直接变为“已公示”" in body(response)
    assert PlanTransition.objects.filter(plan=planning.plan).count() == 1


def test_submission_refused_while_rules_fail_names_the_rules(client, planning):
    services.add_item(planning.legal, planning.plan.pk, planning.general[0], 5, officers=planning.officers)
    login(client, planning.legal)
    response = step(client, planning.plan, "submit", note="报批")
    assert response.status_code == 400
    page = body(response)
    assert "重点单位全覆盖：还有1家重点生产经营单位未列入计划" in page
    planning.plan.refresh_from_db()
    assert planning.plan.status == S.DRAFT


def test_officers_see_no_workflow_buttons_and_cannot_post_steps(client, world, planning):
    fill_valid_plan(planning)
    login(client, world.people.county_a_officer)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    assert 'id="workflow"' not in page and 'id="link-add-item"' not in page
    response = step(client, planning.plan, "submit", note="")
    assert response.status_code == 400 and "您没有执行该操作的权限" in body(response)
    planning.plan.refresh_from_db()
    assert planning.plan.status == S.DRAFT


def test_other_county_cannot_post_steps(client, planning, county_b_legal):
    fill_valid_plan(planning)
    login(client, county_b_legal)
    assert step(client, planning.plan, "submit", note="").status_code == 404
    assert client.post(f"/plans/{planning.plan.pk}/steps/unknown/").status_code == 404


def test_revise_creates_a_new_version_linked_both_ways(client, world, planning, media):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    services.approve_plan(
        planning.legal, planning.plan.pk, "instruction", "区长批示", pdf(), approved_on=timezone.localdate()
    )
    login(client, planning.legal)
    response = step(client, planning.plan, "revise", reason="")
    assert response.status_code == 400
    response = step(client, planning.plan, "revise", reason="新增两家重点单位")
    new = InspectionPlan.objects.get(previous=planning.plan)
    assert response.status_code == 302 and response["Location"].startswith(f"/plans/{new.pk}/")
    assert new.version == 2 and new.status == S.DRAFT and new.items.count() == planning.plan.items.count()
    page = body(client.get(f"/plans/{new.pk}/"))
    assert f'href="/plans/{planning.plan.pk}/"' in page and "上一版本（第1版）" in page and "新增两家重点单位" in page
    assert "下一版本（第2版）" in body(client.get(f"/plans/{planning.plan.pk}/"))


def test_transition_attachment_is_served_only_in_scope(client, world, planning, county_b_legal, media):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    services.approve_plan(
        planning.legal, planning.plan.pk, "document", "东政文〔2026〕1号", pdf(), approved_on=timezone.localdate()
    )
    transition = PlanTransition.objects.get(plan=planning.plan, to_status=S.APPROVED)
    url = f"/plans/transitions/{transition.pk}/attachment/"
    for user in (planning.legal, world.people.city_legal, world.people.county_a_officer):
        login(client, user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
    for user in (county_b_legal, world.people.county_b_officer, world.people.township_a_user):
        login(client, user)
        assert client.get(url).status_code == 404
    # A transition without a file is not found either.
    login(client, planning.legal)
    first = PlanTransition.objects.get(plan=planning.plan, to_status=S.DRAFT)
    assert client.get(f"/plans/transitions/{first.pk}/attachment/").status_code == 404


def test_bad_upload_is_refused_in_chinese(client, planning, media):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    login(client, planning.legal)
    fake = SimpleUploadedFile("批复.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        f"/plans/{planning.plan.pk}/steps/approve/",
        {"approve-approval_kind": "document", "approve-approval_reference": "x", "approve-attachment": fake},
    )
    assert response.status_code == 400 and "内容与文件类型不符" in body(response)
    planning.plan.refresh_from_db()
    assert planning.plan.status == S.SUBMITTED


# --- rule panel ----------------------------------------------------------------------------------


def test_check_endpoint_returns_the_rules_and_the_panel(client, planning):
    login(client, planning.legal)
    data = client.get(f"/plans/{planning.plan.pk}/check/").json()
    rules = {r["code"]: r for r in data["rules"]}
    assert not data["ok"] and not rules["key_coverage"]["ok"]
    assert "东城危化储运公司" in rules["key_coverage"]["details"]
    assert 'class="rules rules--bad"' in data["html"]
    fill_valid_plan(planning)
    data = client.get(f"/plans/{planning.plan.pk}/check/").json()
    assert data["ok"] and "全部规则均已满足" in data["html"]


# --- items ---------------------------------------------------------------------------------------


def item_data(enterprise, month=6, officers=(), **extra):
    return {
        "enterprise": enterprise.pk,
        "planned_month": month,
        "mode": "key",
        "team": "执法一队",
        "officers": [o.pk for o in officers],
        "include_principal_duties": "on",
        "onsite_notes": "",
        **extra,
    }


def test_enterprise_search_is_server_side_and_limited_to_responsibility(client, world, planning):
    login(client, planning.legal)
    url = f"/plans/{planning.plan.pk}/items/new/"
    page = body(client.get(url))
    assert "东城危化储运公司" in page  # key enterprise not yet planned, listed by default
    page = body(client.get(url, {"q": "东城一般企业", "partial": "1"}))
    assert page.count('data-pick="') == 4 and "<html" not in page
    # The city is responsible for 河川化工集团: not offered to the county.
    assert "河川化工集团" not in body(client.get(url, {"q": "河川化工"}))
    assert "西山矿业" not in body(client.get(url, {"q": "西山"}))


def test_add_item_with_its_onsite_plan(client, world, planning):
    login(client, planning.legal)
    url = f"/plans/{planning.plan.pk}/items/new/"
    page = body(client.get(url, {"enterprise": planning.general[0].pk}))
    assert 'id="item-form"' in page and planning.general[0].name in page
    # The principal-duty items are preselected; only certified officers are offered.
    assert page.count("checked") >= 7
    assert planning.officers[0].full_name in page and planning.uncertified.full_name not in page
    assert planning.expired.full_name not in page
    response = client.post(url, item_data(planning.general[0], officers=planning.officers))
    assert response.status_code == 302
    item = PlanItem.objects.get(plan=planning.plan, enterprise=planning.general[0])
    assert item.planned_month == 6 and item.team == "执法一队"
    assert set(item.officers.all()) == set(planning.officers)
    # "Save and add another" goes back to the picker.
    response = client.post(url, {**item_data(planning.general[1], officers=planning.officers), "continue": "1"})
    assert response["Location"] == url


def test_add_item_refused_for_an_enterprise_another_level_is_responsible_for(client, world, planning):
    """R-03: the city is responsible for 河川化工集团 (in county A's territory): the county may not plan it."""
    login(client, planning.legal)
    url = f"/plans/{planning.plan.pk}/items/new/"
    response = client.post(url, item_data(world.ent.city_key, officers=planning.officers))
    assert response.status_code == 400
    message = (
        "“河川化工集团有限公司”的执法主体是河川市应急管理局，不能列入东城区应急管理局的计划"
        "（一家生产经营单位对应一个层级的执法主体）。"
    )
    assert message in body(response)
    assert not PlanItem.objects.filter(enterprise=world.ent.city_key).exists()
    # Picked from a crafted link, the picker says so at once.
    assert message in body(client.get(url, {"enterprise": world.ent.city_key.pk}))
    # Another county's enterprise is not even found.
    response = client.post(url, item_data(world.ent.b_general, officers=planning.officers))
    assert response.status_code == 400 and "请先选择生产经营单位" in body(response)


def test_duplicate_month_is_explained(client, planning):
    services.add_item(planning.legal, planning.plan.pk, planning.general[0], 6, officers=planning.officers)
    login(client, planning.legal)
    response = client.post(
        f"/plans/{planning.plan.pk}/items/new/", item_data(planning.general[0], officers=planning.officers, team="二队")
    )
    assert response.status_code == 400 and "二队" in body(response)
    assert "本计划已安排“东城一般企业0”6月的检查" in body(response)
    assert PlanItem.objects.filter(enterprise=planning.general[0]).count() == 1


def test_edit_and_remove_item(client, planning):
    item = services.add_item(planning.legal, planning.plan.pk, planning.general[0], 6, officers=planning.officers)
    login(client, planning.legal)
    page = body(client.get(f"/plans/items/{item.pk}/edit/"))
    assert 'value="6" selected' in page
    response = client.post(
        f"/plans/items/{item.pk}/edit/", item_data(planning.general[0], month=9, officers=planning.officers[:1])
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.planned_month == 9 and item.officers.count() == 1
    # Removing from the table's script: JSON with the refreshed rule panel, no reload.
    response = client.post(f"/plans/items/{item.pk}/remove/", HTTP_X_REQUESTED_WITH="fetch")
    data = response.json()
    assert data["removed"] and data["totals"]["items"] == 0 and "重点单位全覆盖" in data["html"]
    assert not PlanItem.objects.filter(pk=item.pk).exists()


def test_items_cannot_change_once_submitted(client, planning):
    fill_valid_plan(planning)
    services.submit_plan(planning.legal, planning.plan.pk)
    item = planning.plan.items.first()
    login(client, planning.legal)
    response = client.get(f"/plans/items/{item.pk}/edit/")
    assert response.status_code == 302
    response = client.post(f"/plans/items/{item.pk}/remove/", follow=True)
    assert "只有草稿状态的计划可以修改" in body(response)
    assert PlanItem.objects.filter(pk=item.pk).exists()
    assert client.get(f"/plans/{planning.plan.pk}/items/new/").status_code == 302
    assert 'id="link-add-item"' not in body(client.get(f"/plans/{planning.plan.pk}/"))


@pytest.mark.parametrize("persona", ["county_b_legal", "county_b_officer"])
def test_item_pages_are_404_for_another_county(client, world, planning, county_b_legal, persona):
    item = services.add_item(planning.legal, planning.plan.pk, planning.general[0], 6, officers=planning.officers)
    user = county_b_legal if persona == "county_b_legal" else world.people.county_b_officer
    login(client, user)
    expected = 404 if persona == "county_b_legal" else 403  # officers have no edit permission at all
    for url in (f"/plans/items/{item.pk}/edit/", f"/plans/items/{item.pk}/remove/"):
        assert client.get(url).status_code == expected
    assert client.get(f"/plans/items/{item.pk}/").status_code == 404
    if persona == "county_b_legal":
        assert client.get(f"/plans/{planning.plan.pk}/items/new/").status_code == 404
        assert client.post(f"/plans/items/{item.pk}/remove/").status_code == 404
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_bulk_add_key_enterprises(client, world, planning):
    more = [
        EnterpriseFactory(
            name=f"东城重点企业{i}", organisation=world.orgs.county_a, supervision_class="key", class_reason="r"
        )
        for i in range(3)
    ]
    login(client, planning.legal)
    url = f"/plans/{planning.plan.pk}/items/key/"
    page = body(client.get(url))
    assert "尚有 <strong>4</strong> 家未列入本计划" in page
    response = client.post(
        url, {"planned_month": 4, "mode": "key", "team": "一队", "officers": [o.pk for o in planning.officers]}
    )
    assert response.status_code == 302
    items = PlanItem.objects.filter(plan=planning.plan)
    assert {i.enterprise for i in items} == {planning.key, *more}
    assert all(i.planned_month == 4 and i.officers.count() == 2 for i in items)
    assert all(i.check_items.filter(principal_duty=True).count() == 7 for i in items)
    # The city's key enterprise in county A's territory is not the county's to plan.
    assert not items.filter(enterprise=world.ent.city_key).exists()
    response = client.post(url, {"planned_month": 5, "mode": "key"}, follow=True)
    assert "均已列入计划" in body(response) and items.count() == 4


def test_onsite_plan_groups_check_items_with_their_basis(client, world, planning):
    item = services.add_item(planning.legal, planning.plan.pk, planning.key, 3, officers=planning.officers)
    login(client, world.people.county_a_officer)
    page = body(client.get(f"/plans/items/{item.pk}/"))
    assert "现场检查方案" in page and planning.key.name in page
    assert "主要负责人履职" in page and "安全生产法 第21条第1项" in page  # included by include_principal_duties
    assert "执法证号" in page and planning.officers[0].full_name in page
    assert "data-print" in page  # static/js/app.js prints (no inline onclick: CSP)


def test_items_table_paginates_and_pins_its_query_count(client, world, planning, django_assert_max_num_queries):
    for i in range(60):
        enterprise = EnterpriseFactory(name=f"东城批量企业{i:02d}", organisation=world.orgs.county_a)
        services.add_item(planning.legal, planning.plan.pk, enterprise, 1 + i % 12, officers=planning.officers)
    login(client, planning.legal)
    with django_assert_max_num_queries(26):
        response = client.get(f"/plans/{planning.plan.pk}/")
    page = body(response)
    table = page[page.index('id="item-table"') : page.index("</table>", page.index('id="item-table"'))]
    assert table.count("<tr data-item=") == 50
    assert "第 1 / 2 页" in page
    page = body(client.get(f"/plans/{planning.plan.pk}/", {"page": 2}))
    table = page[page.index('id="item-table"') : page.index("</table>", page.index('id="item-table"'))]
    assert table.count("<tr data-item=") == 10
    page = body(client.get(f"/plans/{planning.plan.pk}/", {"q": "批量企业07"}))
    table = page[page.index('id="item-table"') : page.index("</table>", page.index('id="item-table"'))]
    assert table.count("<tr data-item=") == 1


def test_items_table_query_count_is_independent_of_the_number_of_items(
    client, world, planning, django_assert_max_num_queries
):
    login(client, planning.legal)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/plans/{planning.plan.pk}/")
        return len(ctx.captured_queries)

    for i in range(3):
        e = EnterpriseFactory(name=f"少量企业{i}", organisation=world.orgs.county_a)
        services.add_item(planning.legal, planning.plan.pk, e, 2, officers=planning.officers)
    few = count()
    for i in range(30):
        e = EnterpriseFactory(name=f"更多企业{i}", organisation=world.orgs.county_a)
        services.add_item(planning.legal, planning.plan.pk, e, 3, officers=planning.officers)
    assert count() == few


def test_key_enterprise_becomes_high_risk_after_an_accident(client, planning):
    """The live panel follows the register: an accident within the year makes an enterprise high-risk (R-08)."""
    fill_valid_plan(planning)
    Enterprise.objects.filter(pk=planning.general[0].pk).update(
        last_accident_on=timezone.localdate() - datetime.timedelta(days=10)
    )
    login(client, planning.legal)
    data = client.get(f"/plans/{planning.plan.pk}/check/").json()
    frequency = next(r for r in data["rules"] if r["code"] == "frequency")
    assert not frequency["ok"] and planning.general[0].name in frequency["details"]


def test_upper_level_reads_checks_and_acknowledges_but_does_not_edit(client, world, planning, media):
    """The city sees a county's plan and its rule check; drafting and the county's own steps stay with
    the county, acknowledging the filing is the city's."""
    fill_valid_plan(planning)
    item = planning.plan.items.first()
    login(client, world.people.city_legal)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    assert 'id="rules-panel"' in page
    assert 'id="link-add-item"' not in page and 'id="step-submit"' not in page
    assert client.get(f"/plans/{planning.plan.pk}/items/new/").status_code == 403
    assert client.get(f"/plans/items/{item.pk}/edit/").status_code == 403
    assert client.post(f"/plans/items/{item.pk}/remove/").status_code == 403
    services.submit_plan(planning.legal, planning.plan.pk)
    services.approve_plan(planning.legal, planning.plan.pk, "document", "x", pdf(), approved_on=timezone.localdate())
    services.file_plan(planning.legal, planning.plan.pk)
    page = body(client.get(f"/plans/{planning.plan.pk}/"))
    assert 'id="step-acknowledge"' in page and 'id="step-publish"' not in page and 'id="step-revise"' not in page
