"""The hazard list starts with the work: overdue hazards first, then the open ones by deadline; the closed
ones only behind their filter (R-13)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.inspections import services
from tests.cases.helpers import publish_plan_with_due_item

HAZARDS = reverse("cases:hazard_list")


@pytest.fixture
def hazards(planning, settings, tmp_path):
    """Five hazards of one inspection 20 days ago: one closed, two overdue, two open with deadlines ahead."""
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    item = publish_plan_with_due_item(planning)
    officer = planning.officers[0]
    inspection = services.record_inspection(
        officer, inspected_on=today - datetime.timedelta(days=20), officers=planning.officers, plan_item_id=item.pk
    )

    def hazard(name, days):
        return services.add_hazard(
            officer, inspection.pk, description=name, rectification_deadline=today + datetime.timedelta(days=days)
        )

    made = {
        "later": hazard("整改期限十天后", 10),
        "closed": hazard("已复查合格", -15),
        "overdue": hazard("逾期三天", -3),
        "soon": hazard("整改期限两天后", 2),
        "oldest": hazard("逾期十天", -10),
    }
    services.record_reinspection(
        officer,
        made["closed"].pk,
        inspected_on=today - datetime.timedelta(days=14),
        officers=planning.officers,
        result="passed",
    )
    return made


def listed(client, **params):
    body = client.get(HAZARDS, params).content.decode()
    return [int(pk) for pk in re.findall(r'data-hazard="(\d+)"', body)], body


def test_default_list_is_overdue_first_then_open_by_deadline(browse, world, hazards):
    """GIVEN closed, overdue and open hazards WHEN an officer opens the hazard list
    THEN the overdue come first (oldest deadline first), then the open ones by deadline; the closed one is
    not listed."""
    client = browse.as_(world.people.county_a_officer)
    rows, body = listed(client)
    h = hazards
    assert rows == [h["oldest"].pk, h["overdue"].pk, h["soon"].pk, h["later"].pk]
    active = re.search(r'<a href="[^"]*" class="is-active">([^<]+)<', body[body.index('id="state-tabs"') :])
    assert active.group(1) == "未闭环"


def test_closed_hazards_are_behind_a_filter(browse, world, hazards):
    client = browse.as_(world.people.county_a_officer)
    rows, _ = listed(client, state="closed")
    assert rows == [hazards["closed"].pk]
    # 全部: everything, still the open work first and the closed at the end.
    rows, body = listed(client, state="")
    h = hazards
    assert rows == [h["oldest"].pk, h["overdue"].pk, h["soon"].pk, h["later"].pk, h["closed"].pk]
    tabs = body[body.index('id="state-tabs"') : body.index("</nav>", body.index('id="state-tabs"'))]
    assert re.search(r'<a href="\?state=" class="is-active">全部', tabs)


def test_overdue_filter_keeps_its_order(browse, world, hazards):
    rows, _ = listed(browse.as_(world.people.county_a_officer), state="overdue")
    assert rows == [hazards["oldest"].pk, hazards["overdue"].pk]
