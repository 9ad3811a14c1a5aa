"""The daily deadline job (issue 10 item 6): mark missed deadlines and tell the responsible people in the product.

``mark_overdue`` runs once a day (beat, settings.CELERY_BEAT_SCHEDULE "penalties-mark-overdue"). It is idempotent:

* a missed deadline is claimed by one conditional UPDATE (``overdue_marked_on`` from NULL to today) in the same
  transaction as its notifications, so a second run, or a second worker running at the same moment, finds nothing
  left to claim (on PostgreSQL the second UPDATE waits for the first to commit, then matches no row);
* every notification has the natural key (recipient, key, day), unique in the database, and a reminder is sent
  once per deadline and person (its key names the deadline), whatever the number of runs.

Who is told: the case's officers (承办人); for a missed deadline also the people of the case's organisation who
approve or review penalty cases (局领导, 法制审核/法规科), who answer for the case-handling limits.
"""

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.penalties.models import Deadline
from cases.penalties.queries import FINISHED
from enforcement.notifications.models import Notification
from enforcement.notifications.services import notify_all

# The people who answer for the organisation's cases besides their officers.
SUPERVISING_PERMS = ("approve_penaltycase", "review_penaltycase")
BATCH = 500


def case_url(case):
    """The case page (pages branch: ``cases:penalty_detail``); empty where the pages are not mounted."""
    try:
        return reverse("cases:penalty_detail", kwargs={"pk": case.pk})
    except NoReverseMatch:
        return ""


def open_deadlines():
    """Open deadlines (not met, not superseded) of cases still in procedure."""
    return Deadline.objects.filter(Deadline.due_q()).exclude(case__state__in=FINISHED)


def supervisors_of(organisation_id):
    """Active users of the organisation whose roles approve or review penalty cases."""
    return list(
        get_user_model()
        .objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            roles__permissions__content_type__app_label="cases",
            roles__permissions__codename__in=SUPERVISING_PERMS,
        )
        .distinct()
        .order_by("pk")
    )


def _subject(deadline):
    party = f"（{deadline.party.name}）" if deadline.party_id else ""
    return f"{deadline.case.cause}{party}：{deadline.get_kind_display()}"


def _body(deadline):
    lines = [
        _("届满日：%(due)s（%(start)s起算，%(count)d%(unit)s）")
        % {
            "due": deadline.due_on.isoformat(),
            "start": deadline.start_event,
            "count": deadline.count,
            "unit": deadline.get_unit_display(),
        },
        _("法律依据：%(article)s") % {"article": deadline.article},
    ]
    if deadline.calendar_warning:
        lines.append(deadline.calendar_warning)
    return "\n".join(lines)


def _officers(deadline):
    return [officer for officer in deadline.case.officers.all() if officer.is_active]


def _with_related(queryset):
    return queryset.select_related("case", "party").prefetch_related("case__officers")


def _notification(deadline, user, *, key, kind, title, today):
    return Notification(
        recipient=user,
        organisation_id=deadline.organisation_id,
        kind=kind,
        title=title[:200],
        body=_body(deadline),
        url=case_url(deadline.case),
        key=key,
        day=today,
    )


def mark_missed(deadline, today, supervisors):
    """Claim one missed deadline for today and tell its people; None when another run claimed it first.

    ``supervisors(organisation_id)`` gives the organisation's approvers and reviewers (cached by the caller).
    The claim and the notifications commit together: a run that dies in between leaves the deadline unclaimed."""
    with transaction.atomic():
        claimed = Deadline.objects.filter(
            Deadline.due_q(), pk=deadline.pk, overdue_marked_on__isnull=True, due_on__lt=today
        ).update(overdue_marked_on=today)
        if not claimed:
            return None
        recipients = {user.pk: user for user in _officers(deadline) + supervisors(deadline.organisation_id)}
        days = (today - deadline.due_on).days
        title = _("【已逾期%(days)d天】%(subject)s") % {"days": days, "subject": _subject(deadline)}
        key = f"penalties.deadline:{deadline.pk}:overdue"
        kind = Notification.Kind.DEADLINE_OVERDUE
        return notify_all(
            [
                _notification(deadline, user, key=key, kind=kind, title=title, today=today)
                for user in recipients.values()
            ]
        )


def remind(deadlines, today):
    """Tell the officers once that each of ``deadlines`` expires soon. Returns how many were told now."""
    keys = {deadline.pk: f"penalties.deadline:{deadline.pk}:reminder" for deadline in deadlines}
    told = set(Notification.objects.filter(key__in=keys.values()).values_list("recipient_id", "key"))
    rows = []
    for deadline in deadlines:
        days = (deadline.due_on - today).days
        if days == 0:
            title = _("【今日届满】%(subject)s") % {"subject": _subject(deadline)}
        else:
            title = _("【%(days)d天后届满】%(subject)s") % {"days": days, "subject": _subject(deadline)}
        key, kind = keys[deadline.pk], Notification.Kind.DEADLINE_REMINDER
        rows += [
            _notification(deadline, user, key=key, kind=kind, title=title, today=today)
            for user in _officers(deadline)
            if (user.pk, key) not in told
        ]
    return notify_all(rows)


def _chunks(queryset, size=BATCH):
    """The queryset's rows with their case, party and officers, ``size`` at a time (pk order, re-queried)."""
    last = 0
    while True:
        chunk = list(_with_related(queryset.filter(pk__gt=last)).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def run(today=None):
    """The job's body, callable in-process: returns its counts."""
    today = today or timezone.localdate()
    cache = {}

    def supervisors(organisation_id):
        if organisation_id not in cache:
            cache[organisation_id] = supervisors_of(organisation_id)
        return cache[organisation_id]

    marked = overdue_sent = reminders = 0
    for chunk in _chunks(open_deadlines().filter(due_on__lt=today, overdue_marked_on__isnull=True)):
        for deadline in chunk:
            sent = mark_missed(deadline, today, supervisors)
            if sent is not None:
                marked += 1
                overdue_sent += sent
    horizon = today + timedelta(days=settings.PENALTY_DEADLINE_REMINDER_DAYS)
    for chunk in _chunks(open_deadlines().filter(Q(due_on__gte=today) & Q(due_on__lte=horizon))):
        reminders += remind(chunk, today)
    return {"marked_overdue": marked, "overdue_notifications": overdue_sent, "reminders": reminders}


@shared_task(name="penalties.mark_overdue", soft_time_limit=540, time_limit=600)
def mark_overdue(day=None):
    """Daily (beat): mark missed deadlines once and notify; remind of deadlines due soon. Idempotent.

    ``day`` (ISO date) replaces today, for a catch-up run by hand; beat sends none."""
    return run(date.fromisoformat(day) if day else None)
