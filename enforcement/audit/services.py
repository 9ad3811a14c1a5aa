"""Writing audit events. Services call these inside their transaction; views call ``exported`` and
``downloaded`` for what leaves the system (等保2.0 8.1.4.3 a): 审计覆盖到每个用户，对重要的用户行为进行审计)."""

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


def exported(request, what, rows, filters=None, obj=None):
    """Record an export: which one (``what``), the filter the user applied and how many rows left the system."""
    filters = {key: value for key, value in (filters or {}).items() if value not in ("", None, [])}
    target = obj if obj is not None else request.user
    changes = {"export": str(what), "filters": filters, "rows": rows}
    return record(request.user, AuditEvent.Action.EXPORT, target, changes, _organisation_of(request.user, obj))


def downloaded(request, obj, kind, name=""):
    """Record a download of a stored file (an issued PDF, a photo, evidence, an attachment) of ``obj``."""
    changes = {"file": str(kind), "name": str(name or "")}
    return record(request.user, AuditEvent.Action.DOWNLOAD, obj, changes, _organisation_of(request.user, obj))


def _organisation_of(user, obj):
    """The organisation owning ``obj`` (through its model's scope_org_lookup, e.g. "hazard__organisation"), so
    that the owning bureau's auditors see who took its files; else the user's own."""
    lookup = getattr(type(obj), "scope_org_lookup", None)
    owner = obj
    for part in filter(None, (lookup or "").split("__")):
        owner = getattr(owner, part)
        if owner is None:
            break
    if lookup is None or owner is None:
        return getattr(user, "organisation_id", None)
    return owner.pk


def history_for(obj: models.Model):
    """Record changes of one record, newest first (downloads and exports are the auditors' business)."""
    return (
        AuditEvent.objects.record_changes()
        .filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
        .select_related("actor")
    )
