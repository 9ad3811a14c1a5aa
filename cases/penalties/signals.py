"""The procedure's history: every transition of a penalty case becomes a CaseEvent (R-20 全过程记录).

django-fsm-2 sends ``post_transition`` with the transition method's arguments; the services pass the acting user
as ``by`` (and optionally ``note`` and the ``record`` the step produced). A transition made without ``by`` is a
programming error: the history must say who acted.
"""

from django.dispatch import receiver
from django_fsm.signals import post_transition

from cases.penalties.models import CaseEvent, PenaltyCase


@receiver(post_transition, sender=PenaltyCase, dispatch_uid="penalties_case_event")
def record_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    method_kwargs = method_kwargs or {}
    by = method_kwargs.get("by")
    if by is None:
        raise ValueError(f"PenaltyCase.{name}() needs by=<user> for the case history")
    # The row's state changes in memory; the service saves the case in the same transaction as this event.
    CaseEvent.objects.create(
        case=instance,
        transition=name,
        source_state=source,
        target_state=target,
        by=by,
        by_name=by.get_full_name() or by.username,
        note=method_kwargs.get("note", "") or "",
        record=method_kwargs.get("record"),
    )
