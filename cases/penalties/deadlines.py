"""Which deadline each step of a penalty case starts, computed on the working-day calendar (never typed in).

Every row stores its start event, count, unit and article (行政处罚法 第85条 counting, see
enforcement.workdays.deadlines); counts that are configuration come from ``rule_value`` and keep the rule's source
as it was on the day (``rule_source``). A new start or an extension adds a row and points the old one at it
(``superseded_by``); nothing is overwritten. The services call these inside their transaction.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.penalties.models import Deadline, Instalment
from enforcement.rules.keys import RuleKey
from enforcement.rules.values import rule_value
from enforcement.workdays.deadlines import Unit, compute_due

Kind = Deadline.Kind
CENT = Decimal("0.01")
# 行政复议法 第20条 / 行政诉讼法 第46条 as 行政强制法 第53条 reads them: 60 days to ask for review, 6 months to sue.
REVIEW_DAYS = 60
SUIT_MONTHS = 6
# 行政强制法 第53条: the court is applied to within 3 months after those periods end.
COURT_MONTHS = 3
# 行政强制法 第54条: the application comes at least 10 (working, 第69条) days after the reminder was served.
REMINDER_WORKING_DAYS = 10


def rule_source(value) -> str:
    """The rule's source as stored with the deadline, flagged while the legal section has not confirmed it."""
    text = value.source or value.article
    return f"{text}（待核实）" if value.to_confirm else text


def due(started_on, count, unit, backwards=False):
    return compute_due(started_on, count, unit, backwards=backwards)


def start(case, kind, *, started_on, count, unit, article, start_event, party=None, backwards=False, source=""):
    """A new open deadline of ``case`` (and ``party``); an open one of the same kind is superseded by it."""
    computed = due(started_on, count, unit, backwards)
    deadline = Deadline.objects.create(
        case=case,
        party=party,
        organisation_id=case.organisation_id,
        kind=kind,
        start_event=start_event,
        started_on=started_on,
        count=count,
        unit=unit,
        backwards=backwards,
        article=article,
        due_on=computed.day,
        calendar_warning=computed.warning[:200],
        rule_source=source[:200],
    )
    for old in _open(case, kind, party).exclude(pk=deadline.pk):
        old.superseded_by = deadline
        old.save(update_fields=["superseded_by"])
    return deadline


# The deadlines whose count is a legal rule: kind → (rule key, unit, start event, backwards).
RULED = {
    # 行政处罚法 第60条: decide within 90 calendar days of 立案, unless the sector rule says otherwise.
    Kind.DECISION: (RuleKey.DECISION_LIMIT_DAYS, Unit.CALENDAR_DAYS, gettext_lazy("立案"), False),
    # 行政处罚法 第56条: the disposal decision within 7 working days of 先行登记保存.
    Kind.PRESERVATION_DISPOSAL: (
        RuleKey.PRESERVATION_DISPOSAL_WORKING_DAYS,
        Unit.WORKING_DAYS,
        gettext_lazy("先行登记保存"),
        False,
    ),
    # 行政处罚法 第44、45条: the statement window (configuration: the 2021 law sets none).
    Kind.STATEMENT: (
        RuleKey.STATEMENT_WINDOW_WORKING_DAYS,
        Unit.WORKING_DAYS,
        gettext_lazy("行政处罚告知书送达"),
        False,
    ),
    # 行政处罚法 第64条第1项: a hearing is asked for within 5 working days of the notice.
    Kind.HEARING_REQUEST: (
        RuleKey.HEARING_REQUEST_WORKING_DAYS,
        Unit.WORKING_DAYS,
        gettext_lazy("听证告知书送达"),
        False,
    ),
    # 行政处罚法 第64条第2项: the hearing notice at least 7 working days before the hearing (counted back).
    Kind.HEARING_NOTICE: (
        RuleKey.HEARING_NOTICE_WORKING_DAYS,
        Unit.WORKING_DAYS,
        gettext_lazy("听证会举行日（倒算）"),
        True,
    ),
    # 行政处罚法 第61条: a decision not handed over on the spot reaches the party within 7 working days.
    Kind.ABSENT_DELIVERY: (
        RuleKey.ABSENT_DELIVERY_WORKING_DAYS,
        Unit.WORKING_DAYS,
        gettext_lazy("作出处罚决定"),
        False,
    ),
    # 行政处罚法 第67条: the fine is paid within 15 calendar days of receiving the decision.
    Kind.PAYMENT: (RuleKey.PAYMENT_DAYS, Unit.CALENDAR_DAYS, gettext_lazy("处罚决定书送达"), False),
}


def due_by_rule(case, kind, started_on):
    """The due day of a ruled deadline of ``kind`` started on ``started_on``, without storing it."""
    key, unit, _event, backwards = RULED[kind]
    value = rule_value(key, started_on, case.organisation)
    return due(started_on, value.as_int(), unit, backwards).day


def start_from_rule(case, kind, started_on, party=None):
    """A new deadline of ``kind`` whose count is the rule in force on ``started_on`` for the case's organisation."""
    key, unit, event, backwards = RULED[kind]
    value = rule_value(key, started_on, case.organisation)
    return start(
        case,
        kind,
        started_on=started_on,
        count=value.as_int(),
        unit=unit,
        article=value.article,
        start_event=str(event),
        party=party,
        backwards=backwards,
        source=rule_source(value),
    )


def _open(case, kind, party=None):
    rows = Deadline.objects.filter(Deadline.open_q(), case=case, kind=kind)
    return rows.filter(party=party) if party is not None else rows.filter(party__isnull=True)


def current(case, kind, party=None):
    """The deadline of this kind in force (the latest row nobody superseded), met or not."""
    rows = Deadline.objects.filter(case=case, kind=kind, superseded_by__isnull=True)
    rows = rows.filter(party=party) if party is not None else rows.filter(party__isnull=True)
    return rows.order_by("-id").first()


def meet(case, kind, on, party=None):
    """Mark the open deadline(s) of this kind as met on ``on`` (the act was done)."""
    _open(case, kind, party).update(met_on=on)


# ---- the deadlines of each step ---------------------------------------------------------------------------


def on_filed(case):
    return start_from_rule(case, Kind.DECISION, case.filed_on)


def on_extended(case, total_days, article, source):
    """An approved extension: the decision limit counted again from 立案 with the extended total."""
    return start(
        case,
        Kind.DECISION,
        started_on=case.filed_on,
        count=total_days,
        unit=Unit.CALENDAR_DAYS,
        article=article,
        start_event=_("立案（经批准延长）"),
        source=source,
    )


def on_preservation(record):
    return start_from_rule(record.case, Kind.PRESERVATION_DISPOSAL, record.occurred_on, record.party)


def meet_preservation(preserved, on):
    """The disposal decision of one 先行登记保存 (the deadline its day started) was made on ``on``."""
    _open(preserved.case, Kind.PRESERVATION_DISPOSAL, preserved.party).filter(started_on=preserved.occurred_on).update(
        met_on=on
    )


def statement_due(party):
    """The last day of the party's 陈述申辩 window (行政处罚法 第44、45条; count from the rules)."""
    return due_by_rule(party.case, Kind.STATEMENT, party.notice_served_on)


def hearing_request_due(party):
    """行政处罚法 第64条第1项: a hearing is asked for within 5 working days of the notice."""
    return due_by_rule(party.case, Kind.HEARING_REQUEST, party.notice_served_on)


def on_notice_served(party, hearing):
    """The notice reached the party: its statement window and, where a hearing applies, its request window."""
    kinds = (Kind.STATEMENT, Kind.HEARING_REQUEST) if hearing else (Kind.STATEMENT,)
    return [start_from_rule(party.case, kind, party.notice_served_on, party) for kind in kinds]


def latest_hearing_notice_day(case, hearing_on):
    """行政处罚法 第64条第2项: the hearing notice reaches the party at least 7 working days before the hearing."""
    return due_by_rule(case, Kind.HEARING_NOTICE, hearing_on)


def on_hearing_scheduled(case, hearing_on):
    return start_from_rule(case, Kind.HEARING_NOTICE, hearing_on)


def on_decided(party):
    return start_from_rule(party.case, Kind.ABSENT_DELIVERY, party.decided_on, party)


def on_decision_served(party):
    return start_from_rule(party.case, Kind.PAYMENT, party.decision_served_on, party)


def on_payment_plan(party, record, instalments):
    """行政处罚法 第66条: an approved deferral or instalments replace the payment deadline with their dates."""
    rows = []
    for instalment in instalments:
        rows.append(
            Deadline.objects.create(
                case=party.case,
                party=party,
                organisation_id=party.case.organisation_id,
                kind=Kind.INSTALMENT,
                start_event=_("批准延期（分期）缴纳（第%(n)d期）") % {"n": instalment.number},
                started_on=record.occurred_on,
                count=max((instalment.due_on - record.occurred_on).days, 0),
                unit=Unit.CALENDAR_DAYS,
                article=_("行政处罚法 第66条"),
                due_on=instalment.due_on,
            )
        )
    if rows:
        for old in _open(party.case, Kind.PAYMENT, party):
            old.superseded_by = rows[0]
            old.save(update_fields=["superseded_by"])
    return rows


def periods_end(party):
    """The day the party's review (60 days) and suit (6 months) periods have both run out (行政强制法 第53条)."""
    served = party.decision_served_on
    review = due(served, REVIEW_DAYS, Unit.CALENDAR_DAYS).day
    suit = due(served, SUIT_MONTHS, Unit.MONTHS).day
    return max(review, suit)


def _court_earliest(party, reminder_served_on):
    """(start, count, unit, article, start event) of the earliest day to apply to the court: 10 working days after
    the reminder was served (行政强制法 第54条), but not before the review and suit periods ended (第53条)."""
    after_reminder = (
        reminder_served_on,
        REMINDER_WORKING_DAYS,
        Unit.WORKING_DAYS,
        _("行政强制法 第54条"),
        _("催告书送达"),
    )
    after_periods = (periods_end(party), 1, Unit.CALENDAR_DAYS, _("行政强制法 第53条"), _("复议、诉讼期限届满"))
    return max((after_reminder, after_periods), key=lambda parts: due(parts[0], parts[1], parts[2]).day)


def court_window(party, reminder_served_on):
    """(earliest, latest) day to apply to the court (行政强制法 第53、54条)."""
    started_on, count, unit, _article, _event = _court_earliest(party, reminder_served_on)
    latest = due(periods_end(party), COURT_MONTHS, Unit.MONTHS).day
    return due(started_on, count, unit).day, latest


def on_reminder_served(party, served_on):
    started_on, count, unit, article, event = _court_earliest(party, served_on)
    earliest = start(
        party.case,
        Kind.COURT_EARLIEST,
        started_on=started_on,
        count=count,
        unit=unit,
        article=article,
        start_event=event,
        party=party,
    )
    latest = start(
        party.case,
        Kind.COURT_LATEST,
        started_on=periods_end(party),
        count=COURT_MONTHS,
        unit=Unit.MONTHS,
        article=_("行政强制法 第53条"),
        start_event=_("复议、诉讼期限届满"),
        party=party,
    )
    return [earliest, latest]


# ---- 加处罚款 -------------------------------------------------------------------------------------------------


def payment_schedule(party):
    """[(due_on, amount)]: the approved instalments (or deferred date), else the one payment deadline."""
    instalments = list(Instalment.objects.filter(party=party).order_by("-record_id", "number"))
    if instalments:
        latest = instalments[0].record_id
        return [(i.due_on, i.amount) for i in instalments if i.record_id == latest]
    payment = current(party.case, Kind.PAYMENT, party)
    if payment is None or party.decided_fine is None:
        return []
    return [(payment.due_on, party.decided_fine)]


def _rate(party, on):
    value = rule_value(RuleKey.SURCHARGE_RATE_PERCENT, on, party.case.organisation)
    return Decimal(value.value) / 100


def surcharge_accrued(party, on: datetime.date) -> Decimal:
    """Surcharge accrued up to ``on`` (inclusive), capped at the fine (行政处罚法 第72条), before any payment of it.

    3 % of the overdue amount per day from the day after its due date; a payment stops the accrual on the
    part it pays (payments go to the earliest instalment first)."""
    fine = party.decided_fine or Decimal(0)
    schedule = payment_schedule(party)
    if not fine or not schedule:
        return Decimal(0)
    rate = _rate(party, on)
    payments = [
        [p.paid_on, p.amount - p.surcharge] for p in party.payments.filter(paid_on__lte=on).order_by("paid_on", "id")
    ]
    total = Decimal(0)
    for due_on, amount in schedule:
        left = Decimal(amount)
        for payment in payments:
            if left <= 0:
                break
            take = min(left, payment[1])
            if take <= 0:
                continue
            payment[1] -= take
            left -= take
            late = (payment[0] - due_on).days
            if late > 0:
                total += take * rate * late
        late = (on - due_on).days
        if left > 0 and late > 0:
            total += left * rate * late
    return min(total, fine).quantize(CENT, ROUND_HALF_UP)


def surcharge_due(party, on: datetime.date) -> Decimal:
    """行政处罚法 第72条: the surcharge still to pay on ``on`` — 3 %/day of the overdue fine, never more than the
    fine, less what was already paid of it."""
    paid = sum((p.surcharge for p in party.payments.filter(paid_on__lte=on)), Decimal(0))
    return max(surcharge_accrued(party, on) - paid, Decimal(0))


def unpaid_fine(party) -> Decimal:
    paid = sum((p.amount - p.surcharge for p in party.payments.all()), Decimal(0))
    return max((party.decided_fine or Decimal(0)) - paid, Decimal(0))


def meet_paid_instalments(party, paid_on):
    """The instalments the payments so far cover in full are met."""
    paid = sum((p.amount - p.surcharge for p in party.payments.all()), Decimal(0))
    covered = 0
    for _due_on, amount in payment_schedule(party):
        if paid < amount:
            break
        paid -= amount
        covered += 1
    rows = _open(party.case, Kind.INSTALMENT, party).order_by("due_on", "id")[:covered]
    Deadline.objects.filter(pk__in=[row.pk for row in rows]).update(met_on=paid_on)
