"""The enterprise page shows its enforcement history — plan items, inspections, hazards (open first),
issued documents — read through restrict(), with 开始检查 for the user's own bureau."""

import datetime
import re

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from cases.inspections import documents as case_documents
from cases.inspections import services
from tests.web.scenes import build_june


@pytest.fixture
def june(request, db, time_machine, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_june(request, time_machine)


def page(browse, user, enterprise):
    response = browse.as_(user).get(reverse("enterprises:detail", args=[enterprise.pk]))
    return response


def section(body, key):
    start = body.index(f'id="section-{key}"')
    return body[start : body.index("</section>", start)]


def rows(body, key):
    return re.findall(r'data-row="([\w-]+)"', section(body, key))


def test_history_of_an_enterprise_being_inspected(browse, june):
    """GIVEN 东城一般企业0 planned for May, its inspection left open with an overdue hazard, a closed hazard of
    an earlier unplanned inspection that was completed and its rectification order issued
    WHEN the county officer opens its page
    THEN the plan item shows 检查中, both inspections are listed newest first, the overdue hazard comes before
    the closed one, the order is among the documents, and the page offers 继续检查 and 开始检查."""
    p, officer = june.planning, june.people.officer
    enterprise = p.general[0]
    earlier = services.record_inspection(
        officer,
        inspected_on=datetime.date(june.year, 2, 10),
        officers=p.officers,
        enterprise_id=enterprise.pk,
        launch_meeting_held=True,
        feedback_meeting_held=True,
    )
    closed = services.add_hazard(
        officer, earlier.pk, description="灭火器过期", rectification_deadline=datetime.date(june.year, 2, 20)
    )
    services.complete_inspection(officer, earlier.pk)
    # Documents follow a finished step: the order comes from the completed inspection.
    order = case_documents.issue_rectification_order(officer, earlier.pk)
    services.record_reinspection(
        officer, closed.pk, inspected_on=datetime.date(june.year, 2, 21), officers=p.officers, result="passed"
    )

    response = page(browse, officer, enterprise)
    assert response.status_code == 200
    body = response.content.decode()
    assert rows(body, "plan_items") == [f"plan-item-{june.may_item.pk}"]
    assert "检查中" in section(body, "plan_items")
    assert rows(body, "inspections") == [f"inspection-{june.inspection.pk}", f"inspection-{earlier.pk}"]
    assert "计划检查（5月）" in body and "计划外检查" in body
    assert rows(body, "hazards") == [f"hazard-{june.hazard.pk}", f"hazard-{closed.pk}"]
    hazards = section(body, "hazards")
    assert "逾期未整改" in hazards and "复查合格" in hazards
    assert june.hazard.reinspect_url() in hazards
    assert order.number in section(body, "documents")
    assert re.search(
        rf'href="{reverse("cases:inspection_detail", args=[june.inspection.pk])}" id="btn-continue-inspection"', body
    )
    start = re.search(r'href="([^"]+)" id="btn-start-inspection"', body)
    assert start.group(1) == reverse("cases:inspection_create") + f"?enterprise={enterprise.pk}"


def test_start_inspection_opens_the_due_plan_item(browse, june):
    """GIVEN 东城一般企业2 planned for June and not inspected WHEN the officer opens its page and presses 开始检查
    THEN the inspection form opens pre-filled for that plan item."""
    enterprise = june.planning.general[2]
    body = page(browse, june.people.officer, enterprise).content.decode()
    url = reverse("cases:inspection_create") + f"?plan_item={june.june_item.pk}"
    assert re.search(rf'href="{re.escape(url)}" id="btn-start-inspection"', body)
    assert "btn-continue-inspection" not in body
    assert "待检查" in section(body, "plan_items") and url in section(body, "plan_items")
    form = browse.get(url).content.decode()
    assert enterprise.name in form and 'id="h-target"' in form


def test_overdue_plan_item_is_flagged(browse, june):
    body = page(browse, june.people.officer, june.planning.key).content.decode()
    items = section(body, "plan_items")
    assert rows(body, "plan_items") == [
        f"plan-item-{june.march_item.pk}",
        f"plan-item-{june.planning.plan.items.get(enterprise=june.planning.key, planned_month=9).pk}",
    ]
    assert "逾期未检查" in items and "待检查" in items
    assert "尚无执法检查记录" in section(body, "inspections")


def test_other_county_cannot_see_it_and_the_city_sees_without_plan_buttons(browse, june):
    enterprise = june.planning.general[0]
    assert page(browse, june.people.officer_b, enterprise).status_code == 404
    body = page(browse, june.people.city_legal, enterprise).content.decode()
    assert rows(body, "inspections") == [f"inspection-{june.inspection.pk}"]
    # The plan is county A's: the city does not carry out its items.
    assert "?plan_item=" not in body


def test_shared_enterprise_shows_no_enforcement_records(browse, june):
    """A social supervisor sees an enterprise shared with them, but none of the enforcement records."""
    supervisor = june.world.people.social_supervisor
    enterprise = june.planning.general[0]
    assign_perm("enterprises.view_enterprise", supervisor, enterprise)
    body = page(browse, supervisor, enterprise).content.decode()
    assert 'id="section-' not in body and "btn-start-inspection" not in body
    assert "配电箱未接地" not in body


def test_enterprise_page_query_count_does_not_grow(browse, june, django_assert_max_num_queries):
    """GIVEN twenty-five more inspections with hazards WHEN the page is opened THEN each list shows twenty rows
    and links to the rest, in a pinned number of queries."""
    p, officer = june.planning, june.people.officer
    enterprise = p.general[0]
    for n in range(25):
        inspection = services.record_inspection(
            officer, inspected_on=datetime.date(june.year, 1, 1 + n), officers=p.officers, enterprise_id=enterprise.pk
        )
        services.add_hazard(
            officer, inspection.pk, description=f"隐患{n}", rectification_deadline=datetime.date(june.year, 6, 30)
        )
    client = browse.as_(officer)
    client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    with django_assert_max_num_queries(20):
        body = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert len(rows(body, "inspections")) == 20 and len(rows(body, "hazards")) == 20
    assert "查看全部 26 项" in section(body, "inspections")
    assert "查看全部 26 项" in section(body, "hazards")
