"""The gates the law puts in front of a penalty case's steps. Each raises ValidationError with a Chinese
message that names its article; the services call them inside their transaction, on the locked case."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.penalties import deadlines
from cases.penalties.kinds import HEARING_KINDS, PenaltyKind, max_severity
from cases.penalties.models import Deadline, Delivery, PenaltyCase, StepRecord
from enforcement.orgs.models import Organisation
from enforcement.orgs.services import validate_enforcement_team
from enforcement.rules.keys import RuleKey
from enforcement.rules.values import rule_value

Kind = StepRecord.Kind
State = PenaltyCase.State
# 行政处罚法 第42条: acts of investigation and the delivery of the decision are done by ≥ 2 certified officers.
TEAM_KINDS = frozenset({Kind.INTERVIEW, Kind.SCENE, Kind.SAMPLING, Kind.PRESERVATION, Kind.REPORT})


def _latest(case, kind, party=None):
    rows = StepRecord.objects.filter(case=case, kind=kind, replaced_by__isnull=True)
    if party is not None:
        rows = rows.filter(party=party)
    return rows.order_by("-occurred_on", "-id").first()


# ---- who acts ------------------------------------------------------------------------------------------------


def enforcement_team(case, officers, on_date):
    """行政处罚法 第42条: at least two officers, each holding a certificate valid on the day of the act."""
    try:
        validate_enforcement_team(list(officers), on_date, organisation=case.organisation)
    except ValidationError as exc:
        raise ValidationError(
            [_("行政处罚法 第42条：执法人员不得少于两人，且须持有有效的行政执法证件。"), *exc.messages]
        ) from exc


def delegated_power(organisation, power):
    """R-55 (行政处罚法 第20条): a township or park acting under delegation handles only the delegated powers."""
    if organisation.authority != Organisation.Authority.DELEGATED:
        return
    if power not in (organisation.delegated_powers or []):
        raise ValidationError(
            {
                "power": _("行政处罚法 第20条：%(org)s受委托执法，只能在委托事项（%(powers)s）范围内办理案件。")
                % {"org": organisation.name, "powers": "、".join(organisation.delegated_powers or []) or "—"}
            }
        )


def investigators(case):
    """Everyone who investigated the case: its officers and the officers of its investigative records."""
    ids = set(case.officers.values_list("pk", flat=True))
    ids |= set(StepRecord.objects.filter(case=case, kind__in=TEAM_KINDS).values_list("officers", flat=True))
    ids.discard(None)
    return ids


def reviewer_independent(case, reviewer):
    """案审分离 (行政处罚法 第58条): the legal reviewer is not one of the case's investigators."""
    if reviewer.pk in investigators(case):
        raise ValidationError(_("行政处罚法 第58条（案审分离）：案件承办人员不能担任本案的法制审核人员。"))


def hearing_chair(case, chair):
    """行政处罚法 第64条第4项: the hearing is chaired by someone who did not investigate the case."""
    if chair.pk in investigators(case):
        raise ValidationError(
            {"chair_id": _("行政处罚法 第64条：听证由行政机关指定的非本案调查人员主持，本案调查人员不能主持听证。")}
        )


# ---- review, discussion, hearing -----------------------------------------------------------------------------


def review_needed(case, on):
    """行政处罚法 第58条: hearing cases and major or complex cases are reviewed; most provinces review every
    general-procedure case (rule ``review_required_all_general``)."""
    if case.is_summary:
        return False
    if case.is_major or case.hearing_applicable:
        return True
    return rule_value(RuleKey.REVIEW_REQUIRED_ALL_GENERAL, on, case.organisation).as_int() == 1


def discussion_needed(case, on):
    """行政处罚法 第57条第2款: major or complex cases, or a fine at the threshold, are discussed collectively."""
    if case.is_summary:
        return False
    if case.is_major:
        return True
    for party in case.parties.all():
        fine = party.proposed_fine or 0
        key = (
            RuleKey.COLLECTIVE_DISCUSSION_THRESHOLD_UNIT
            if party.kind == party.Kind.UNIT
            else RuleKey.COLLECTIVE_DISCUSSION_THRESHOLD_PERSON
        )
        if fine and fine >= rule_value(key, on, case.organisation).value:
            return True
    return False


def hearing_applies(party, on):
    """行政处罚法 第63条: a large fine or confiscation (the amount is the rules'), licence suspension or
    revocation, suspension of production or closure give the party the right to a hearing."""
    kinds = set(party.proposed_kinds or [])
    if kinds & HEARING_KINDS:
        return True
    key = RuleKey.HEARING_THRESHOLD_UNIT if party.kind == party.Kind.UNIT else RuleKey.HEARING_THRESHOLD_PERSON
    threshold = rule_value(key, on, party.case.organisation).value
    amounts = [party.proposed_fine or 0, party.proposed_confiscation or 0]
    return any(amount and amount >= threshold for amount in amounts)


def review_passed(case):
    """行政处罚法 第58条: where legal review is required, no decision before it passed."""
    if not case.review_required:
        return
    review = _latest(case, Kind.REVIEW)
    if review is None:
        raise ValidationError(_("行政处罚法 第58条：本案须经法制审核，未经法制审核不得作出决定。"))
    if review.outcome != StepRecord.Outcome.APPROVED:
        raise ValidationError(_("行政处罚法 第58条：法制审核未通过，不得作出决定。"))


def discussion_recorded(case):
    """行政处罚法 第57条第2款: a case that needs collective discussion is decided only after it."""
    if case.discussion_required and _latest(case, Kind.DISCUSSION) is None:
        raise ValidationError(_("行政处罚法 第57条第2款：本案须经负责人集体讨论，尚无集体讨论记录。"))


def hearing_notice_in_time(case, notified_on, hearing_on):
    """行政处罚法 第64条第2项: the party is told of the hearing at least 7 working days before it."""
    latest = deadlines.latest_hearing_notice_day(case, hearing_on)
    if notified_on > latest:
        raise ValidationError(
            {
                "hearing_on": _(
                    "行政处罚法 第64条：应当在举行听证的七日前通知当事人，%(day)s举行的听证最迟应于%(latest)s通知。"
                )
                % {"day": hearing_on.isoformat(), "latest": latest.isoformat()}
            }
        )


def hearing_held(party):
    """行政处罚法 第63–65条: after a hearing was asked for in time, no decision before its record and report."""
    if party.hearing_requested_on is None:
        return
    case = party.case
    if _latest(case, Kind.HEARING) is None or _latest(case, Kind.HEARING_REPORT) is None:
        raise ValidationError(
            _("行政处罚法 第63–65条：当事人已申请听证，须在听证笔录和听证会报告书完成后方可作出决定。")
        )


def _waived_by(party, waived, kind, on):
    """The party had waived the window by day ``on``: a waiver counts from the day the party gave it (the day
    record_waiver closed the window), so a decision dated before that day still waits for the window."""
    if not waived:
        return False
    day = (
        Deadline.objects.filter(party=party, kind=kind, met_on__isnull=False)
        .order_by("-met_on")
        .values_list("met_on", flat=True)
        .first()
    )
    return day is None or day <= on


def notice_and_window(party, on):
    """行政处罚法 第44、45、62条 (and 第64条 for the hearing): no decision without the notice, nor before the
    statement and hearing-request windows have run out, unless the party waived them."""
    if party.notice_id is None or party.notice_served_on is None:
        raise ValidationError(
            _("行政处罚法 第44条、第62条：未向当事人%(name)s送达行政处罚告知书，不得作出行政处罚决定。")
            % {"name": party.name}
        )
    if not _waived_by(party, party.waived_statement, Deadline.Kind.STATEMENT, on):
        last = deadlines.statement_due(party)
        if on <= last:
            raise ValidationError(
                _(
                    "行政处罚法 第45条、第62条：当事人%(name)s的陈述申辩期至%(day)s届满，期满前不得作出决定"
                    "（当事人明确放弃的除外）。"
                )
                % {"name": party.name, "day": last.isoformat()}
            )
    hearing_right = party.case.hearing_applicable and hearing_applies(party, party.notice_served_on)
    waived_hearing = _waived_by(party, party.waived_hearing, Deadline.Kind.HEARING_REQUEST, on)
    if hearing_right and not waived_hearing and party.hearing_requested_on is None:
        last = deadlines.hearing_request_due(party)
        if on <= last:
            raise ValidationError(
                _(
                    "行政处罚法 第64条：当事人%(name)s的听证申请期至%(day)s届满，期满前不得作出决定"
                    "（当事人明确放弃的除外）。"
                )
                % {"name": party.name, "day": last.isoformat()}
            )


def not_heavier_than_notice(party, kinds, fine=None, confiscation=None):
    """行政处罚法 第44、45条: the decision may not be heavier than the notified penalty — a higher fine or
    confiscation, or a more severe kind — without a new notice."""
    proposed = party.proposed_kinds or []
    heavier = max_severity(kinds) > max_severity(proposed)
    heavier |= bool(fine) and (party.proposed_fine is None or fine > party.proposed_fine)
    heavier |= bool(confiscation) and (
        party.proposed_confiscation is None or confiscation > party.proposed_confiscation
    )
    if heavier:
        raise ValidationError(_("行政处罚法 第45条：处罚决定重于已告知的拟处罚内容，须重新制作并送达行政处罚告知书。"))


def summary_limits(party, kinds, fine, on):
    """行政处罚法 第51条: on the spot only a warning, or a fine ≤ 200 yuan (person) / ≤ 3,000 yuan (unit)."""
    if not kinds or set(kinds) - {PenaltyKind.WARNING, PenaltyKind.FINE}:
        raise ValidationError({"kinds": _("行政处罚法 第51条：简易程序只能当场给予警告或者较小数额的罚款。")})
    if PenaltyKind.FINE in kinds:
        key = RuleKey.SUMMARY_MAX_UNIT if party.kind == party.Kind.UNIT else RuleKey.SUMMARY_MAX_PERSON
        limit = rule_value(key, on, party.case.organisation).value
        if not fine or fine > limit:
            raise ValidationError(
                {
                    "fine": _("行政处罚法 第51条：简易程序对%(who)s的罚款不得超过%(limit)s元。")
                    % {"who": party.get_kind_display(), "limit": f"{limit:,.0f}"}
                }
            )


# ---- delivery, closing, archive, court -------------------------------------------------------------------------


def electronic_delivery(party, method):
    """行政处罚法 第61条: fax, e-mail or platform delivery only after the party signed a 送达地址确认书."""
    if method != Delivery.Method.ELECTRONIC:
        return
    if _latest(party.case, Kind.ADDRESS_CONFIRMATION, party) is None:
        raise ValidationError(
            {
                "method": _("行政处罚法 第61条：当事人%(name)s未签署送达地址确认书，不能采用传真、电子邮件等方式送达。")
                % {"name": party.name}
            }
        )


def closing_ready(case):
    """结案: every decision served (送达回执) and executed, or the court applied to (行政处罚法 第61、67条,
    行政强制法 第53条)."""
    missing = []
    for party in case.parties.all():
        if party.decision_id is None:
            missing.append(_("%(name)s尚未作出决定") % {"name": party.name})
        elif not Delivery.objects.filter(party=party, document_id=party.decision_id).exists():
            missing.append(_("%(name)s的决定书尚无送达记录") % {"name": party.name})
        elif not party.no_penalty and party.executed_on is None and party.court_applied_on is None:
            missing.append(_("%(name)s尚未执行完毕，也未申请法院强制执行") % {"name": party.name})
    if missing:
        raise ValidationError(_("不能结案：%(what)s。") % {"what": "；".join(missing)})


ARCHIVABLE = (State.CLOSED, State.NOT_FILED, State.TERMINATED)


def archiving_ready(case):
    """归档 only after 结案 (or 不予立案 / 撤销立案): the case file is complete."""
    if case.state not in ARCHIVABLE:
        raise ValidationError(_("案件尚未结案，不能归档。"))


def court_window(party, applied_on, reminder_served_on):
    """行政强制法 第53、54条: apply to the court ≥ 10 working days after the 催告书 was served, after the review
    (60 days) and suit (6 months) periods ended, and within 3 months of their end."""
    if party.decision_served_on is None:
        raise ValidationError(_("行政强制法 第53条：处罚决定书尚未送达，不能申请法院强制执行。"))
    if reminder_served_on is None:
        raise ValidationError(_("行政强制法 第54条：申请法院强制执行前，应当催告当事人履行义务，催告书尚未送达。"))
    earliest, latest = deadlines.court_window(party, reminder_served_on)
    if applied_on < earliest:
        raise ValidationError(
            _("行政强制法 第53条、第54条：最早可于%(day)s申请法院强制执行（催告书送达满十日且复议、诉讼期限届满）。")
            % {"day": earliest.isoformat()}
        )
    if applied_on > latest:
        raise ValidationError(
            _("行政强制法 第53条：申请法院强制执行的期限已于%(day)s届满（复议、诉讼期限届满之日起三个月内）。")
            % {"day": latest.isoformat()}
        )
