"""The migration adding Inspection.completed_at backfills the completed inspections sensibly."""

import datetime

import pgtrigger
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0002_joint_times_feedback_corrections_pending_photos")]
AFTER = [("cases", "0003_inspection_completed_at")]


@pytest.mark.django_db(transaction=True)
def test_backfill_takes_the_completion_event_or_else_the_recording_time(world):
    """GIVEN two completed inspections recorded before the field existed, one with the audit event of its
    completion and one without, and one still open
    WHEN the migration runs THEN the first gets the event's time, the second its recording time, the open one
    none."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([*BEFORE, ("audit", "0002_initial")]).apps
    Inspection = old.get_model("cases", "Inspection")
    AuditEvent = old.get_model("audit", "AuditEvent")
    ContentType = old.get_model("contenttypes", "ContentType")
    officer = world.people.county_a_officer
    day = datetime.date(2026, 3, 10)

    def inspection(status):
        return Inspection.objects.create(
            organisation_id=world.orgs.county_a.pk,
            enterprise_id=world.ent.a_general.pk,
            inspected_on=day,
            status=status,
            created_by_id=officer.pk,
        )

    with_event, without_event, still_open = inspection("completed"), inspection("completed"), inspection("in_progress")
    content_type, _ = ContentType.objects.get_or_create(app_label="cases", model="inspection")
    event = AuditEvent.objects.create(
        actor_id=officer.pk,
        action="update",
        target_type=content_type,
        target_id=str(with_event.pk),
        target_repr="x",
        changes={"status": ["in_progress", "completed"]},
    )
    completed_when = datetime.datetime(2026, 3, 12, 9, tzinfo=datetime.UTC)
    # Back-dating a row is what the audit log's append-only trigger exists to refuse; this set-up may.
    with pgtrigger.ignore("audit.AuditEvent:append_only"):
        AuditEvent.objects.filter(pk=event.pk).update(created_at=completed_when)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("cases", "Inspection")
    assert new.objects.get(pk=with_event.pk).completed_at == completed_when
    assert new.objects.get(pk=without_event.pk).completed_at == without_event.created_at
    assert new.objects.get(pk=still_open.pk).completed_at is None
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
