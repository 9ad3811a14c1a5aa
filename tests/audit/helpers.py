"""Writing and reading audit rows in the audit tests."""

from django.core.management import call_command
from django.core.management.base import CommandError

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record


def some_events(world, n=3):
    """``n`` record-change rows by county A's officer on its enterprise."""
    officer, enterprise = world.people.county_a_officer, world.ent.a_general
    return [record(officer, AuditEvent.Action.UPDATE, enterprise, {"address": [f"旧{i}", f"新{i}"]}) for i in range(n)]


def verify_audit():
    """(passed, output): verify_audit's verdict and what it wrote (stdout and stderr, or the error)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except CommandError as exc:
        return False, f"{out.getvalue()}{err.getvalue()}{exc}"
    return True, out.getvalue() + err.getvalue()


def last_event(**filters):
    return AuditEvent.objects.filter(**filters).order_by("-pk").first()
