"""Penalty cases for tests, built through the services (so every record, event and deadline is real).

    people = penalty_people(world)            # adds county A's leader and legal reviewer to the world's personas
    case = build_case(world, "notified")      # any PenaltyCase.State value
    case = build_case(world, "decided", parties=("unit", "person"))   # 一案双罚
    case = build_case(world, "hearing", hearing=True)                  # the unit's fine reaches the hearing amount
    case = build_summary_case(world)          # 简易程序, decided on the spot

Dates: the case is filed ``start`` (default 60 days before today) and every step follows a few days later, so
everything lies in the past whatever today is. Documents: the real sources when registered; in tests/penalties
the ``stand_in_sources`` fixture fills the keys nobody registered yet.
"""

import datetime
from decimal import Decimal

from cases.penalties import deadlines, services
from cases.penalties.models import CaseParty, PenaltyCase
from enforcement.orgs.models import Role
from enforcement.workdays.deadlines import Unit
from tests.dates import today
from tests.factories import UserFactory
from tests.penalties.step_data import step_data

State = PenaltyCase.State
DAY = datetime.timedelta(days=1)
# Below the hearing and collective-discussion amounts (unit 50,000 / person 20,000), above the summary limits.
UNIT_FINE = Decimal("30000")
PERSON_FINE = Decimal("10000")
HEARING_UNIT_FINE = Decimal("60000")


def penalty_people(world):
    """County A's 局领导 (approves, archives) and 法制审核人员 (reviews), added to ``world.people`` once."""
    people = world.people
    if not hasattr(people, "county_a_leader"):
        people.county_a_leader = _persona("county_a_leader", world.orgs.county_a, "leader")
        people.county_a_reviewer = _persona("county_a_reviewer", world.orgs.county_a, "reviewer")
    return people


def _persona(username, organisation, role):
    user = UserFactory(username=username, organisation=organisation, full_name=username)
    user.roles.set(Role.objects.filter(code=role))
    return user


def unit_party(enterprise):
    return {
        "kind": CaseParty.Kind.UNIT,
        "role": CaseParty.Role.UNIT,
        "name": enterprise.name,
        "enterprise": enterprise,
        "credit_code": enterprise.credit_code,
        "legal_representative": enterprise.principal_person or "张三",
        "address": enterprise.address or "东城区工业路1号",
    }


def person_party(name="张三"):
    return {
        "kind": CaseParty.Kind.PERSON,
        "role": CaseParty.Role.PRINCIPAL,
        "name": name,
        "id_number": "410101198001011234",
        "position": "总经理",
        "address": "东城区幸福路2号",
    }


def _parties(world, parties):
    enterprise = world.ent.a_general
    return [unit_party(enterprise) if kind == "unit" else person_party() for kind in parties]


def open_case(world, *, parties=("unit",), procedure="general", user=None, power="", cause=None):
    people = penalty_people(world)
    officer = user or people.county_a_officer
    return services.open_case(
        officer,
        officer.organisation,
        cause=cause or "未按规定对从业人员进行安全生产教育和培训",
        source=PenaltyCase.Source.INSPECTION,
        procedure=procedure,
        enterprise=world.ent.a_general if officer.organisation == world.orgs.county_a else None,
        facts="检查发现该单位3名新入职员工未经安全生产教育和培训上岗作业。",
        power=power,
        officers=[people.county_a_officer, people.county_a_officer2]
        if officer.organisation == world.orgs.county_a
        else [],
        parties=_parties(world, parties),
    )


def _fine_of(party, hearing):
    if party.kind == CaseParty.Kind.UNIT:
        return HEARING_UNIT_FINE if hearing else UNIT_FINE
    return PERSON_FINE


def build_case(world, state, *, parties=("unit",), hearing=False, start=None, waive=True):
    """A general-procedure case of county A taken through the services up to ``state`` (a PenaltyCase.State).

    ``hearing``: the unit's fine reaches the hearing amount, it asks for a hearing (and the case is discussed
    collectively); ``waive``: the parties give up statement and hearing when notified (else the decision waits
    for the windows to run out)."""
    people = penalty_people(world)
    officer, leader, reviewer = people.county_a_officer, people.county_a_leader, people.county_a_reviewer
    team = [people.county_a_officer, people.county_a_officer2]
    start = start or today() - 60 * DAY
    case = open_case(world, parties=parties)

    def reached():
        return _fresh(case).state == state

    if state == State.FILING:
        return _fresh(case)
    if state == State.NOT_FILED:
        services.approve_filing(leader, case.pk, approved=False, opinion="不符合立案条件", filed_on=start)
        return _fresh(case)
    services.approve_filing(leader, case.pk, approved=True, opinion="同意立案", filed_on=start)
    if state == State.INVESTIGATING:
        return _fresh(case)
    if state == State.TERMINATED:
        services.withdraw_case(leader, case.pk, reason="经调查，违法事实不能成立")
        return _fresh(case)
    services.record_step(
        officer,
        case.pk,
        "interview",
        data=step_data("interview", on=start + DAY, person=officer, subject="询问安全管理人员"),
        occurred_on=start + DAY,
        officers=team,
    )
    for party in case.parties.all():
        add_violation(officer, party)
    # The report states the violations found (with their articles); the penalties are proposed after it.
    services.end_investigation(officer, case.pk, data=step_data("report"), occurred_on=start + 2 * DAY)
    for party in case.parties.all():
        services.propose_penalty(officer, party.pk, kinds=["fine"], fine=_fine_of(party, hearing), text="罚款")
    if reached():
        return _fresh(case)
    services.submit_handling(officer, case.pk, data=step_data("handling", handler_opinion="建议给予罚款"))
    if reached():
        return _fresh(case)
    services.approve_handling(leader, case.pk, approved=True, opinion="同意")
    if reached():
        return _fresh(case)
    if _fresh(case).state == State.REVIEWING:
        services.record_review(reviewer, case.pk, passed=True, opinion="事实清楚，证据确凿，适用法律正确", data={})
    if reached():
        return _fresh(case)
    if _fresh(case).state == State.DISCUSSING:
        services.record_discussion(
            officer,
            case.pk,
            data=step_data("discussion", on=start + 3 * DAY, person=officer, conclusion="同意处罚"),
            occurred_on=start + 3 * DAY,
        )
    if reached():
        return _fresh(case)
    services.issue_notices(officer, case.pk)
    served = start + 4 * DAY
    for party in _fresh(case).parties.all():
        deliver(officer, party, party.notice_id, served)
        if waive and not hearing:
            services.record_waiver(officer, party.pk, statement=True, hearing=True, waived_on=served)
    if reached():
        return _fresh(case)
    decided_on = start + 6 * DAY if waive else start + 20 * DAY
    if hearing:
        unit = case.parties.get(kind=CaseParty.Kind.UNIT)
        services.request_hearing(officer, unit.pk, requested_on=start + 5 * DAY)
        if reached():
            return _fresh(case)
        hearing_on = deadlines.due(start + 6 * DAY, 8, Unit.WORKING_DAYS).day
        services.schedule_hearing(
            officer,
            case.pk,
            hearing_on=hearing_on,
            place="东城区应急管理局听证室",
            chair_id=reviewer.pk,
            data=step_data("hearing_notice", person=reviewer),
            notified_on=start + 6 * DAY,
        )
        services.record_hearing(officer, case.pk, data=step_data("hearing", person=reviewer), occurred_on=hearing_on)
        services.record_hearing_report(
            officer, case.pk, data=step_data("hearing_report", person=reviewer), occurred_on=hearing_on
        )
        for party in case.parties.exclude(pk=unit.pk):
            services.record_waiver(officer, party.pk, statement=True, hearing=True, waived_on=served)
        services.record_waiver(officer, unit.pk, statement=True, hearing=False, waived_on=hearing_on)
        decided_on = hearing_on + DAY
    for party in _fresh(case).parties.all():
        services.decide(
            officer,
            party.pk,
            kinds=party.proposed_kinds,
            fine=party.proposed_fine,
            text=party.proposed_text,
            decided_on=decided_on,
        )
    if reached():
        return _fresh(case)
    for party in _fresh(case).parties.all():
        deliver(officer, party, party.decision_id, decided_on + DAY)
    if reached():
        return _fresh(case)
    for n, party in enumerate(_fresh(case).parties.all(), start=1):
        services.record_payment(
            officer, party.pk, paid_on=decided_on + 3 * DAY, amount=party.decided_fine, receipt_number=f"PJ{n:04d}"
        )
    if reached():
        return _fresh(case)
    services.submit_closing(officer, case.pk, data=step_data("closing", execution="执行完毕"))
    if reached():
        return _fresh(case)
    services.approve_closing(leader, case.pk, approved=True, opinion="同意结案")
    if reached():
        return _fresh(case)
    services.archive_case(leader, case.pk)
    if not reached():
        raise ValueError(f"build_case cannot stop at {state!r} with hearing={hearing}")
    return _fresh(case)


def add_violation(user, party):
    return services.add_violation(
        user,
        party.pk,
        facts="3名新入职员工未经安全生产教育和培训上岗作业",
        article_breached="《中华人民共和国安全生产法》第二十八条第一款",
        article_punishing="《中华人民共和国安全生产法》第九十七条第（三）项",
    )


def deliver(user, party, document_id, served_on, method="direct"):
    return services.record_delivery(
        user,
        party.case_id,
        party_id=party.pk,
        document_id=document_id,
        method=method,
        served_on=served_on,
        place=party.address or "当事人住所",
        recipient=party.name,
        server_names="执法人员甲、执法人员乙",
    )


def build_summary_case(world, *, kind="person", fine=Decimal("200"), decided_on=None):
    """简易程序: a person (or unit) fined on the spot by county A's two officers; decided, not yet served."""
    people = penalty_people(world)
    case = open_case(world, parties=(kind,), procedure=PenaltyCase.Procedure.SUMMARY)
    party = case.parties.get()
    add_violation(people.county_a_officer, party)
    services.decide_on_the_spot(
        people.county_a_officer,
        case.pk,
        party_id=party.pk,
        kinds=["fine"],
        fine=fine,
        text="当场罚款",
        decided_on=decided_on or today(),
    )
    return _fresh(case)


def _fresh(case):
    return PenaltyCase.objects.get(pk=case.pk)
