"""Context parts every penalty document shares: the case, its parties with their violations (the article breached
and the article that punishes) and penalties, people named in a step's data, approval boxes from the history.

Everything returned is JSON-plain (strings, numbers, booleans, ISO dates), as enforcement.documents stores it.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

# The inspection record's "2026年5月3日9时30分至11时45分" wording, shared rather than written twice.
from cases.inspections.documents import _time_range
from cases.penalties.kinds import PenaltyKind
from cases.penalties.models import CaseEvent, CaseParty, StepRecord

# Penalty kinds as the law names them (行政处罚法 第9条), by their stored codes.
PENALTY_KINDS = dict(PenaltyKind.choices)


def iso(value):
    return value.isoformat() if value else ""


def local_day(value):
    return timezone.localtime(value).date().isoformat() if value else ""


def money(value):
    """A yuan amount as printed: "30000" or "1250.50" (no trailing .00)."""
    if value is None:
        return ""
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text


def penalty_text(kinds, fine=None, confiscation=None, text=""):
    """The penalty in words: the typed text where there is one, else its kinds with the amounts."""
    if text:
        return text
    parts = []
    for kind in kinds or []:
        if kind == "fine" and fine is not None:
            parts.append(f"罚款人民币{money(fine)}元")
        elif kind == "confiscation" and confiscation is not None:
            parts.append(f"没收违法所得人民币{money(confiscation)}元")
        else:
            parts.append(str(PENALTY_KINDS.get(kind, kind)))
    return "，".join(parts)


# What a document may state of a party beyond who it is. Each document takes only the parts it prints, so that a
# later step (a proposal, a decision) does not make an earlier document look out of date (sources.changes).
VIOLATIONS, PROPOSED, OUTCOME = "violations", "proposed", "outcome"
ALL_PARTS = (VIOLATIONS, PROPOSED, OUTCOME)


def party_context(party: CaseParty, parts=ALL_PARTS):
    context = {
        "kind": party.kind,
        "is_unit": party.kind == CaseParty.Kind.UNIT,
        "role": party.get_role_display(),
        "name": party.name,
        "credit_code": party.credit_code,
        "legal_representative": party.legal_representative,
        "id_number": party.id_number,
        "position": party.position,
        "employer": party.employer,
        "address": party.address,
        "phone": party.phone,
    }
    if VIOLATIONS in parts:
        context["violations"] = [
            {"facts": v.facts, "article_breached": v.article_breached, "article_punishing": v.article_punishing}
            for v in party.violations.all()
        ]
    if PROPOSED in parts:
        context["no_penalty"] = party.no_penalty
        context["proposed"] = penalty_text(
            party.proposed_kinds, party.proposed_fine, party.proposed_confiscation, party.proposed_text
        )
    if OUTCOME in parts:
        context.update(
            no_penalty=party.no_penalty,
            decided=penalty_text(
                party.decided_kinds, party.decided_fine, party.decided_confiscation, party.decided_text
            ),
            decision_number=party.decision.number if party.decision_id else "",
            decided_on=iso(party.decided_on),
            executed_on=iso(party.executed_on),
            court_applied_on=iso(party.court_applied_on),
        )
    return context


def parties_context(case, parts=ALL_PARTS):
    parties = case.parties.prefetch_related("violations").select_related("decision").order_by("id")
    return [party_context(p, parts) for p in parties]


def case_context(case):
    """The case as every document of it names it (案件名称, 案由, 来源, 立案日期)."""
    return {
        "cause": case.cause,
        "source": case.get_source_display(),
        "source_detail": case.source_detail,
        "facts": case.facts,
        "procedure": case.get_procedure_display(),
        "filed_on": iso(case.filed_on),
    }


def person_names(*pks):
    """Names of users by pk (a step's data stores people as pks), "" for an empty or unknown one."""
    wanted = [pk for pk in pks if pk]
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=wanted)}
    return [(users[pk].full_name or users[pk].username) if pk in users else "" for pk in pks]


def approval_event(record: StepRecord, transitions):
    """The history event in which the record's approval was given: the one pointing at the record, else the
    latest of ``transitions`` in the case since the record was made."""
    events = CaseEvent.objects.filter(case_id=record.case_id, transition__in=transitions).order_by("-at", "-id")
    return events.filter(record=record).first() or events.filter(at__gte=record.recorded_at).first()


def approval_box(record: StepRecord, transitions, approving=()):
    """审批意见: who approved, when, and what they wrote (the event's note, or the outcome itself).

    The approval comes from the case history (the transition the leader made) or, for an approval that moves
    no state (an extension), from the record's own outcome and the person who recorded it.
    """
    event = approval_event(record, transitions) if transitions else None
    if event is not None:
        approved = event.transition in approving
        return {
            "given": True,
            "approved": approved,
            "opinion": event.note or ("同意。" if approved else "不同意。"),
            "name": event.by_name,
            "date": local_day(event.at),
        }
    if record.outcome:
        approved = record.outcome == StepRecord.Outcome.APPROVED
        data = record.data or {}
        return {
            "given": True,
            "approved": approved,
            "opinion": data.get("approval_opinion") or f"{record.get_outcome_display()}。",
            "name": record.recorded_by.full_name or record.recorded_by.username,
            "date": local_day(record.recorded_at),
        }
    return {"given": False, "approved": False, "opinion": "", "name": "", "date": ""}


def check_box(data):
    """审核意见 of an approval form (CheckedForm's fields)."""
    (name,) = person_names(data.get("checker"))
    return {"opinion": data.get("check_opinion", ""), "name": name, "date": data.get("checked_on") or ""}


def _moment(value):
    return datetime.datetime.fromisoformat(value) if value else None


def time_text(data):
    """A step's 起止时间 as the 式样 state it ("2026年5月3日9时30分至11时45分"), from its ISO started_at/ended_at."""
    return _time_range(_moment(data.get("started_at")), _moment(data.get("ended_at")))


def moment_text(value):
    """One ISO time as "2026年10月8日9时30分" ("" when not given)."""
    return _time_range(_moment(value), None)
