"""The demo city gives every demo persona work on their home page (seed_demo + seed_demo_activity)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from enforcement.orgs.models import User
from enforcement.web.todo import figures_for, todo_for
from tests.web.scenes import at

PERSONAS = (
    "chuancheng_officer1",
    "chuancheng_legal",
    "chuancheng_leader",
    "city_legal",
    "city_leader",
    "township_officer",
)


@pytest.fixture
def demo_city(db, settings, tmp_path, time_machine):
    """The demo as seeded on 15 June of the current year."""
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(at(timezone.localdate().year, 6, 15), tick=False)
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_activity", verbosity=0)


def test_every_demo_persona_has_a_to_do_list(demo_city):
    lists = {username: todo_for(User.objects.get(username=username)) for username in PERSONAS}
    assert all(lists.values()), {name: [i.key for i in items] for name, items in lists.items()}
    keys = {name: {item.key for item in items} for name, items in lists.items()}
    assert {"cases.plan_items_due", "cases.inspections_open"} <= keys["chuancheng_officer1"]
    assert {"cases.inspections_open", "cases.hazards_due"} <= keys["township_officer"]
    assert {"progress.confirm", "guidance.reports_owed"} <= keys["chuancheng_legal"]
    assert {"plans.acknowledge", "guidance.not_visited"} <= keys["city_legal"]
    # Leaders see the key figures of their scope.
    assert figures_for(User.objects.get(username="city_leader"))
