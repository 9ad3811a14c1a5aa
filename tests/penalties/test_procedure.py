"""The procedure of a penalty case through the services, GIVEN/WHEN/THEN: every state, 一案双罚, the summary
procedure, 不予处罚, who may act, the audit and history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.penalties import services
from cases.penalties.models import CaseEvent, CaseParty, PenaltyCase
from enforcement.audit.models import AuditEvent
from tests.dates import today
from tests.penalties.factories import add_violation, build_case, build_summary_case, deliver, open_case
from tests.penalties.step_data import step_data

State = PenaltyCase.State
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize("state", State.values)
def test_every_state_is_reachable_through_the_services(world, state):
    """GIVEN county A's officers, leader and reviewer WHEN a case is taken through the services up to a state
    THEN it is in that state and its history records each transition with who made it."""
    case = build_case(world, state, hearing=state in (State.DISCUSSING, State.HEARING))
    assert case.state == state
    events = list(CaseEvent.objects.filter(case=case).order_by("id"))
    if state != State.FILING:
        assert events and events[-1].target_state == state
        assert all(e.by_id and e.by_name for e in events)


def test_full_case_has_its_documents_and_audit(world, people):
    """GIVEN a case taken to 归档 THEN each step's document was issued (filing, report, handling, review, notice,
    decision, delivery receipt, closing) and every change is in the audit log."""
    case = build_case(world, State.ARCHIVED)
    kinds = dict(case.records.values_list("kind", "document__doc_type__key"))
    assert kinds["filing"] == "case_filing"
    assert kinds["report"] == "investigation_report"
    assert kinds["handling"] == "handling_approval"
    assert kinds["review"] == "legal_review"
    assert kinds["closing"] == "case_closing"
    party = case.parties.get()
    assert party.notice.doc_type.key == "penalty_notice"
    assert party.decision.doc_type.key == "penalty_decision"
    assert party.decision.number
    assert AuditEvent.objects.filter(target_id=str(case.pk), changes__state__isnull=False).count() >= 10


def test_two_parties_two_numbered_decisions(world, people):
    """GIVEN 一案双罚: the unit and its principal person in one case
    WHEN each is decided separately THEN the case becomes DECIDED only after the second decision, each party has
    its own decision with its own number; it is EXECUTING once both are served and EXECUTED once both paid."""
    start = today() - 60 * DAY
    case = build_case(world, State.NOTIFIED, parties=("unit", "person"), start=start)
    officer = people.county_a_officer
    unit = case.parties.get(kind=CaseParty.Kind.UNIT)
    person = case.parties.get(kind=CaseParty.Kind.PERSON)
    first = services.decide(officer, unit.pk, kinds=["fine"], fine=Decimal("30000"), decided_on=start + 8 * DAY)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.NOTIFIED
    second = services.decide(officer, person.pk, kinds=["fine"], fine=Decimal("10000"), decided_on=start + 8 * DAY)
    case = PenaltyCase.objects.get(pk=case.pk)
    assert case.state == State.DECIDED and case.outcome == PenaltyCase.Outcome.PENALTY
    assert first.doc_type.key == second.doc_type.key == "penalty_decision"
    year = today().year
    assert (first.number, second.number) == (f"（东）应急罚〔{year}〕1号", f"（东）应急罚〔{year}〕2号")
    unit.refresh_from_db()
    person.refresh_from_db()
    assert (unit.decision, person.decision) == (first, second)
    deliver(officer, unit, first.pk, start + 9 * DAY)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.DECIDED
    deliver(officer, person, second.pk, start + 9 * DAY)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.EXECUTING
    services.record_payment(officer, unit.pk, paid_on=start + 10 * DAY, amount=Decimal("30000"), receipt_number="A1")
    assert PenaltyCase.objects.get(pk=case.pk).state == State.EXECUTING
    services.record_payment(officer, person.pk, paid_on=start + 10 * DAY, amount=Decimal("10000"), receipt_number="B1")
    assert PenaltyCase.objects.get(pk=case.pk).state == State.EXECUTED
    # One 文书送达回执 per case, a new version with every row (when its source is registered).
    receipts = case.deliveries.values_list("document__doc_type__key", flat=True)
    assert sorted(set(receipts)) == ["penalty_decision", "penalty_notice"]


def test_summary_procedure_on_the_spot(world, people):
    """GIVEN a person fined 200 yuan on the spot by two certified officers (简易程序, 第51–52条)
    THEN the case is DECIDED without filing; handed over on the spot it is EXECUTING, paid it is EXECUTED, and it
    closes as usual; 201 yuan, or a unit over 3,000 yuan, or one officer, is refused."""
    officer = people.county_a_officer
    case = open_case(world, parties=("person",), procedure="summary")
    party = case.parties.get()
    add_violation(officer, party)
    kwargs = {"party_id": party.pk, "kinds": ["fine"], "text": "当场罚款"}
    with pytest.raises(ValidationError, match="200"):
        services.decide_on_the_spot(officer, case.pk, fine=Decimal("201"), **kwargs)
    with pytest.raises(ValidationError, match="第42条"):
        services.decide_on_the_spot(officer, case.pk, fine=Decimal("200"), officers=[officer], **kwargs)
    with pytest.raises(ValidationError, match="警告或者较小数额"):
        services.decide_on_the_spot(officer, case.pk, **{**kwargs, "kinds": ["suspension"]})
    with pytest.raises(ValidationError, match="无需立案审批"):
        services.approve_filing(people.county_a_leader, case.pk, approved=True)
    document = services.decide_on_the_spot(officer, case.pk, fine=Decimal("200"), **kwargs)
    case = PenaltyCase.objects.get(pk=case.pk)
    assert case.state == State.DECIDED and document.doc_type.key == "summary_decision"
    deliver(officer, party, document.pk, today(), method="on_the_spot")
    assert PenaltyCase.objects.get(pk=case.pk).state == State.EXECUTING
    services.record_payment(officer, party.pk, paid_on=today(), amount=Decimal("200"), receipt_number="DC1")
    services.submit_closing(officer, case.pk, data=step_data("closing"))
    services.approve_closing(people.county_a_leader, case.pk, approved=True)
    assert PenaltyCase.objects.get(pk=case.pk).state == State.CLOSED
    unit = build_summary_case(world, kind="unit", fine=Decimal("3000"))
    assert unit.state == State.DECIDED
    with pytest.raises(ValidationError, match="3,000"):
        build_summary_case(world, kind="unit", fine=Decimal("3000.01"))


def test_on_the_spot_decision_only_in_the_summary_procedure(world, people):
    """GIVEN a general-procedure case WHEN decided on the spot THEN refused (第51条)."""
    case = build_case(world, State.FILING)
    with pytest.raises(ValidationError, match="第51条"):
        services.decide_on_the_spot(
            people.county_a_officer, case.pk, party_id=case.parties.get().pk, kinds=["warning"], text="警告"
        )


def test_no_penalty_decision(world, people):
    """GIVEN a case reviewed and ready to notify WHEN the party is not penalised (第33条) THEN a reason is required;
    with it the case is DECIDED without a notice, outcome 不予处罚, and served it is EXECUTED."""
    case = build_case(world, State.NOTIFYING)
    party = case.parties.get()
    officer = people.county_a_officer
    with pytest.raises(ValidationError, match="第33条"):
        services.decide_no_penalty(officer, party.pk, reason=" ")
    document = services.decide_no_penalty(officer, party.pk, reason="初次违法且危害后果轻微并及时改正")
    case = PenaltyCase.objects.get(pk=case.pk)
    assert (case.state, case.outcome) == (State.DECIDED, PenaltyCase.Outcome.NO_PENALTY)
    assert document.doc_type.key == "no_penalty_decision"
    deliver(officer, party, document.pk, today())
    assert PenaltyCase.objects.get(pk=case.pk).state == State.EXECUTED
    services.submit_closing(officer, case.pk, data=step_data("closing"))


def test_no_penalty_needs_the_review(world, people):
    """GIVEN a case still in review WHEN the party is not penalised THEN refused: the review comes first."""
    case = build_case(world, State.REVIEWING)
    with pytest.raises(ValidationError):
        services.decide_no_penalty(people.county_a_officer, case.parties.get().pk, reason="首违不罚")


def test_the_city_reads_but_cannot_act(world, people):
    """GIVEN a county A case WHEN the city's legal section acts in it THEN PermissionDenied with the supervision
    message; county B gets DoesNotExist (404)."""
    case = build_case(world, State.REVIEWING)
    with pytest.raises(PermissionDenied, match="上级机关只能查阅"):
        services.record_review(world.people.city_legal, case.pk, passed=True, opinion="同意", data={})
    with pytest.raises(PenaltyCase.DoesNotExist):
        services.record_review(world.people.county_b_officer, case.pk, passed=True, opinion="同意", data={})


def test_only_leaders_approve_and_only_reviewers_review(world, people):
    """GIVEN a case waiting for filing approval WHEN the officer approves it THEN PermissionDenied; the leader may.
    GIVEN a case in review WHEN the leader reviews THEN PermissionDenied."""
    case = open_case(world)
    with pytest.raises(PermissionDenied):
        services.approve_filing(people.county_a_officer, case.pk, approved=True)
    services.approve_filing(people.county_a_leader, case.pk, approved=True)
    reviewing = build_case(world, State.REVIEWING)
    with pytest.raises(PermissionDenied):
        services.record_review(people.county_a_leader, reviewing.pk, passed=True, opinion="同意", data={})


def test_cases_open_only_in_ones_own_name(world, people):
    """GIVEN a county A officer WHEN opening a case for county B THEN PermissionDenied."""
    with pytest.raises(PermissionDenied):
        services.open_case(people.county_a_officer, world.orgs.county_b, cause="x", source="inspection")


def test_archived_case_refuses_everything(world, people):
    """GIVEN an archived case WHEN anyone of its organisation changes it THEN "案件已归档，不能修改"."""
    case = build_case(world, State.ARCHIVED)
    party = case.parties.get()
    with pytest.raises(ValidationError, match="案件已归档"):
        services.update_party(people.county_a_officer, party.pk, phone="123")
    with pytest.raises(ValidationError, match="案件已归档"):
        services.add_party(people.county_a_officer, case.pk, kind="person", role="principal", name="李四")


def test_parties_identity_fixed_after_the_notice(world, people):
    """GIVEN a notified case WHEN the party's name changes THEN refused; its phone may change."""
    case = build_case(world, State.NOTIFIED)
    party = case.parties.get()
    with pytest.raises(ValidationError, match="身份信息不能再修改"):
        services.update_party(people.county_a_officer, party.pk, name="别的公司")
    services.update_party(people.county_a_officer, party.pk, phone="0395-1234567")


def test_share_case_with_a_city_reviewer(world, people):
    """GIVEN a county A case WHEN its officer shares it with a person outside THEN that person may read it (and only
    read); the city cannot share a county's case."""
    from tests.factories import UserFactory

    outsider = UserFactory(organisation=world.orgs.county_b, roles=[])
    case = build_case(world, State.INVESTIGATING)
    assert not PenaltyCase.objects.restrict(outsider, "view").filter(pk=case.pk).exists()
    services.share_case(people.county_a_officer, case.pk, with_user=outsider)
    assert PenaltyCase.objects.restrict(outsider, "view").filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        services.add_party(outsider, case.pk, kind="person", role="principal", name="李四")
    with pytest.raises(PermissionDenied):
        services.share_case(world.people.city_legal, case.pk, with_user=outsider)


def test_violations_and_withdrawal(world, people):
    """GIVEN a case under investigation WHEN a violation is added THEN it is numbered; WHEN the leader withdraws the
    case with a reason THEN it is TERMINATED (撤销立案) and can be archived."""
    case = build_case(world, State.INVESTIGATING)
    party = case.parties.get()
    violation = services.add_violation(
        people.county_a_officer,
        party.pk,
        facts="未对新员工进行安全培训",
        article_breached="《安全生产法》第二十八条第一款",
        article_punishing="《安全生产法》第九十七条第三项",
    )
    assert violation.order == 1
    with pytest.raises(ValidationError):
        services.withdraw_case(people.county_a_leader, case.pk, reason="")
    services.withdraw_case(people.county_a_leader, case.pk, reason="违法事实不能成立")
    case = PenaltyCase.objects.get(pk=case.pk)
    assert (case.state, case.outcome) == (State.TERMINATED, PenaltyCase.Outcome.WITHDRAWN)
    services.archive_case(people.county_a_leader, case.pk)
