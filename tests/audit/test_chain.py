"""The audit log is append-only and chained by hash (issue 9 item 3; 等保2.0 8.1.4.3 c)."""

import itertools
import threading

import pgtrigger
import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from enforcement.audit import chain
from enforcement.audit.models import AppendOnlyError, AuditEvent
from enforcement.audit.services import record
from tests.audit.helpers import some_events, verify_audit
from tests.factories import UserFactory


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_each_row_carries_the_previous_rows_hash_and_verify_audit_passes(world):
    """GIVEN events written one by one and in bulk (the import's path) WHEN the chain is read THEN each row names
    the previous row's hash, its own hash is sha256 over its content, and verify_audit reports it intact."""
    events = some_events(world)
    bulk = [AuditEvent(actor=world.people.county_a_officer, action="import", target_repr=f"行{i}") for i in range(3)]
    AuditEvent.objects.bulk_create(bulk)
    rows = list(AuditEvent.objects.order_by("pk"))
    assert len(rows) >= 6
    assert rows[0].prev_hash == chain.GENESIS
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    assert events[1].hash == chain.digest(events[0].hash, events[1].hashed_values())
    passed, output = verify_audit()
    assert passed, output
    assert f"共 {len(rows)} 条记录" in output and rows[-1].hash in output


def test_the_application_refuses_to_change_or_remove_a_row(world):
    event = some_events(world, 1)[0]
    event.target_repr = "改过"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(target_repr="改过")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).target_repr == "东城机械厂"


def test_verify_audit_names_an_edited_row(world):
    """GIVEN a row edited behind the application's back (on PostgreSQL the trigger is lifted for it, see below)
    WHEN verify_audit runs THEN it fails and names that row as edited."""
    first, edited, _last = some_events(world)
    with pgtrigger.ignore("audit.AuditEvent:append_only"):
        _raw("UPDATE audit_auditevent SET target_repr = %s WHERE id = %s", ["别的单位", edited.pk])
    passed, output = verify_audit()
    assert not passed
    assert f"#{edited.pk}：内容与其哈希不符" in output
    assert f"#{first.pk}" not in output


def test_verify_audit_names_the_row_after_a_removed_one(world):
    first, removed, after = some_events(world)
    with pgtrigger.ignore("audit.AuditEvent:append_only"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [removed.pk])
    passed, output = verify_audit()
    assert not passed
    assert f"#{after.pk}：与上一条记录的链接断开" in output
    assert f"#{first.pk}" not in output


def test_verify_audit_names_an_inserted_row(world):
    """GIVEN a forged row slipped in with a hash of its own making, chained onto the row before it
    WHEN verify_audit runs THEN the row after it no longer links and is named."""
    first, second = some_events(world, 2)
    forged = AuditEvent(actor=world.people.county_a_officer, action="delete", target_repr="伪造", prev_hash=first.hash)
    forged.hash = chain.digest(first.hash, forged.hashed_values())
    with pgtrigger.ignore("audit.AuditEvent:append_only"):
        AuditEvent.objects.filter(pk=second.pk)._raw_delete(connection.alias)
        super(AuditEvent, forged).save()
        second.pk = None
        super(AuditEvent, second).save(force_insert=True)  # the old row, re-inserted after the forgery as it was
    passed, output = verify_audit()
    assert not passed
    assert f"#{second.pk}：与上一条记录的链接断开" in output


@pytest.mark.postgres
def test_postgresql_refuses_raw_update_and_delete(world):
    """GIVEN the append-only trigger WHEN any client updates or deletes an audit row with plain SQL THEN
    PostgreSQL refuses it (pgtrigger.Protect raises in the database)."""
    event = some_events(world, 1)[0]
    update = "UPDATE audit_auditevent SET target_repr = 'x' WHERE id = %s"
    for sql in (update, "DELETE FROM audit_auditevent WHERE id = %s"):
        refused = pytest.raises(ProgrammingError, match="Cannot update or delete rows from audit_auditevent")
        with refused, transaction.atomic():
            _raw(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).target_repr == "东城机械厂"


@pytest.mark.postgres
def test_postgresql_edit_with_the_trigger_disabled_is_detected(world):
    """The figure of issue 9: an administrator disables the trigger with ALTER TABLE, edits a row and enables it
    again; verify_audit names the row."""
    _first, edited, _last = some_events(world)
    _raw("SET CONSTRAINTS ALL IMMEDIATE")  # the test's rows are uncommitted: settle their deferred FK checks
    _raw("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    _raw("UPDATE audit_auditevent SET changes = '{}'::jsonb WHERE id = %s", [edited.pk])
    _raw("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    passed, output = verify_audit()
    assert not passed and f"#{edited.pk}：内容与其哈希不符" in output


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(world):
    """GIVEN eight threads each writing audit rows in their own transactions at the same time
    WHEN they are done THEN every row links to the one before it (the advisory lock serialised them)."""
    users = [UserFactory(username=f"concurrent{n}", organisation=world.orgs.county_a) for n in range(8)]
    start = threading.Barrier(len(users))
    errors = []

    def write(user):
        try:
            start.wait()
            for n in range(5):
                with transaction.atomic():
                    record(user, AuditEvent.Action.UPDATE, world.ent.a_general, {"n": [n, n + 1]})
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert AuditEvent.objects.filter(actor__username__startswith="concurrent").count() == 40
    passed, output = verify_audit()
    assert passed, output


def test_the_nightly_check_logs_an_error_naming_an_edited_row(world, caplog):
    """GIVEN an intact chain THEN the nightly beat task (audit.verify_chain) reports it intact; GIVEN a row then
    edited behind the application's back THEN the next run logs an ERROR naming that row."""
    from django.conf import settings

    from enforcement.audit.tasks import verify_audit_chain

    assert settings.CELERY_BEAT_SCHEDULE["verify-audit-chain"]["task"] == verify_audit_chain.name
    _first, edited, _last = some_events(world)
    assert verify_audit_chain()["breaks"] == 0
    with pgtrigger.ignore("audit.AuditEvent:append_only"):
        _raw("UPDATE audit_auditevent SET target_repr = %s WHERE id = %s", ["别的单位", edited.pk])
    with caplog.at_level("ERROR", logger="enforcement.audit.tasks"):
        assert verify_audit_chain()["breaks"] == 1
    assert f"#{edited.pk}：内容与其哈希不符" in caplog.text
