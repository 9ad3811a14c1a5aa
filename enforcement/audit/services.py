"""Writing audit events. Services call these inside their transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from enforcement.audit.models import AuditEvent


def snapshot(obj, fields):
    """A JSON-able dict of the given fields' current values (FKs as their ids)."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        if not isinstance(value, str | int | float | bool | type(None) | list | dict):
            value = str(value)
        data[name] = value
    return data


def diff(before, after):
    """{field: [old, new]} for every field whose value changed."""
    keys = before.keys() | after.keys()
    return {key: [before.get(key), after.get(key)] for key in sorted(keys) if before.get(key) != after.get(key)}


def build_event(actor, action, obj, changes=None, organisation_id=None):
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        organisation_id=organisation_id if organisation_id is not None else getattr(obj, "organisation_id", None),
        action=action,
        target_type=ContentType.objects.get_for_model(obj),
        target_id=str(obj.pk),
        target_repr=str(obj)[:200],
        changes=changes or {},
    )


def record(actor, action, obj, changes=None, organisation_id=None):
    event = build_event(actor, action, obj, changes, organisation_id)
    event.save()
    return event


def history_for(obj: models.Model):
    """Audit events of one record, newest first."""
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
    ).select_related("actor")
