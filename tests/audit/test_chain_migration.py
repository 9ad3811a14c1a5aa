"""The migration that makes the log append-only chains the rows written before it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from tests.audit.helpers import verify_audit

BEFORE = [("audit", "0002_initial")]
AFTER = [("audit", "0003_security_events_chain_append_only")]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_chained_and_keep_their_actor(world):
    """GIVEN three audit rows written before the chain existed WHEN the migration runs THEN each carries its
    actor's username and name and the chain over them verifies; the next row written chains onto them."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldEvent = old.get_model("audit", "AuditEvent")
    content_type = old.get_model("contenttypes", "ContentType").objects.get(app_label="enterprises", model="enterprise")
    officer = world.people.county_a_officer
    for n in range(3):
        OldEvent.objects.create(
            actor_id=officer.pk,
            action="update",
            target_type=content_type,
            target_id=str(world.ent.a_general.pk),
            target_repr="东城机械厂",
            changes={"address": [f"旧{n}", f"新{n}"]},
        )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    events = list(AuditEvent.objects.order_by("pk"))
    assert [(e.actor_username, e.actor_name) for e in events] == [(officer.username, officer.full_name)] * 3
    assert events[0].prev_hash == "" and events[1].prev_hash == events[0].hash
    passed, output = verify_audit()
    assert passed and "共 3 条记录" in output, output
    record(officer, "update", world.ent.a_general, {"address": ["新2", "新3"]})
    assert AuditEvent.objects.order_by("-pk").first().prev_hash == events[-1].hash
    assert verify_audit()[0]
