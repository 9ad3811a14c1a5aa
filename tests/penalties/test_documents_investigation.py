"""The documents of a penalty case from filing to review and discussion, extension and closing (issue 10 item 3).

Cases are taken through the services (tests/penalties/factories.py); every document is rendered to PDF the way the
render task does it, and its text read back with pdftotext: number, parties, dates, articles, who approved.
"""

import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.penalties import services
from cases.penalties.documents.investigation import disposal_due
from cases.penalties.models import CaseParty, StepRecord
from cases.penalties.steps import clean_step_data
from enforcement.documents.models import IssuedDocument
from enforcement.documents.sources import issue_for, source_key
from enforcement.documents.tasks import render_document
from enforcement.documents.templatetags.documents import cn_date
from enforcement.orgs.models import EnforcementCertificate
from tests.dates import today
from tests.documents.pdfcheck import PdfLayout
from tests.penalties.factories import DAY, build_case, penalty_people
from tests.penalties.step_data import step_data

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")

ARTICLE_BREACHED = "第二十八条第一款"
ARTICLE_PUNISHING = "第九十七条第（三）项"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_of(document) -> bytes:
    render_document(document.pk)
    document.refresh_from_db()
    assert document.render_status == IssuedDocument.RenderStatus.RENDERED, document.render_error
    with document.pdf.open("rb") as handle:
        return handle.read()


def text_of(document) -> str:
    out = subprocess.run(  # noqa: S603 - fixed argv, the PDF goes to stdin
        [shutil.which("pdftotext"), "-layout", "-", "-"], input=pdf_of(document), capture_output=True, check=True
    ).stdout
    return "".join(out.decode().split())


def document_of(case, key):
    """The document in force of ``key`` issued from one of the case's records."""
    keys = [source_key(r) for r in case.records.all()]
    found = IssuedDocument.objects.filter(
        doc_type__key=key, source_key__in=keys, status=IssuedDocument.Status.ISSUED
    ).order_by("-pk")
    assert found.exists(), f"no {key} issued for the case"
    return found.first()


def _team(people):
    return [people.county_a_officer, people.county_a_officer2]


@pytest.fixture
def investigating(world):
    """County A's case against the unit and its principal person (一案双罚), filed and under investigation; each act of
    investigation recorded through the services by the two certified officers."""
    people = penalty_people(world)
    case = build_case(world, "investigating", parties=("unit", "person"))
    officer, team = people.county_a_officer, _team(people)
    unit = case.parties.get(kind=CaseParty.Kind.UNIT)
    on = case.filed_on + DAY

    def step(kind, **kwargs):
        return services.record_step(
            officer, case.pk, kind, data=step_data(kind, on=on, person=officer, **kwargs), occurred_on=on, officers=team
        )

    step("interview_notice")
    step("interview")
    step("scene")
    services.record_step(
        officer,
        case.pk,
        "sampling",
        data=step_data("sampling", on=on),
        occurred_on=on,
        officers=team,
        party_id=unit.pk,
    )
    preservation = services.record_step(
        officer,
        case.pk,
        "preservation",
        data=step_data("preservation", on=on, person=people.county_a_leader),
        occurred_on=on,
        officers=team,
        party_id=unit.pk,
    )
    services.record_step(
        officer,
        case.pk,
        "preservation_disposal",
        data=step_data("preservation_disposal", preservation=preservation.pk),
        occurred_on=on + DAY,
        officers=team,
        party_id=unit.pk,
    )
    return case


@pytest.mark.django_db
def test_documents_of_the_investigation_carry_number_parties_dates_and_officers(world, investigating):
    """GIVEN a filed case with an interview notice, interview, scene inspection, sample and preservation
    WHEN their documents are rendered
    THEN each prints its number (type code of domain §11), the party, the day and the officers' certificates;
    the preservation notice names the disposal day computed on the working-day calendar (第56条, 第85条)."""
    case, people = investigating, world.people
    unit = case.parties.get(kind=CaseParty.Kind.UNIT)
    on = case.filed_on + DAY
    certificates = [EnforcementCertificate.objects.filter(holder=o).first().number for o in _team(people)]

    filing = text_of(document_of(case, "case_filing"))
    assert "立案审批表" in filing and "（东）应急立〔" in filing
    assert unit.name in filing and "张三" in filing
    assert "同意立案" in filing and "county_a_leader" in filing  # 审批意见 from the case history
    assert cn_date(case.filed_on) in filing
    assert all(c in filing for c in certificates)

    notice = text_of(document_of(case, "interview_notice"))
    assert "（东）应急询〔" in notice and unit.name in notice and "☑身份证" in notice and "☐法定代表人" in notice

    record = document_of(case, "interview_record")
    assert record.number == ""  # 询问笔录: unnumbered
    pdf = pdf_of(record)
    layout = PdfLayout(pdf)
    assert all("被询问人（签名）" in footer for footer in layout.footers)  # signed on every page
    interview = text_of(record)
    assert "询问笔录" in interview and "钱立新" in interview and "申请回避的权利" in interview
    assert "应急询" not in interview and "号" not in interview.split("询问笔录")[1][:5]
    assert all(c in interview for c in certificates)

    scene = text_of(document_of(case, "scene_record"))
    assert "（东）应急勘〔" in scene and "一号车间3名操作人员无培训记录" in scene

    sampling = text_of(document_of(case, "sampling_voucher"))
    assert "（东）应急抽〔" in sampling and "第五十六条" in sampling and "工业氧气瓶" in sampling

    preservation = case.records.get(kind=StepRecord.Kind.PRESERVATION)
    due = disposal_due(preservation)
    assert due["count"] == 7
    notice_text = text_of(document_of(case, "preservation_notice"))
    assert "（东）应急先保〔" in notice_text and "7个工作日内" in notice_text
    assert cn_date(due["day"]) in notice_text
    assert cn_date(due["day"]) == cn_date(case.deadlines.get(kind="preservation_disposal").due_on)
    assert "先行登记保存证据清单" in notice_text and "安全生产教育培训" in notice_text

    disposal = text_of(document_of(case, "preservation_disposal"))
    notice_number = document_of(case, "preservation_notice").number
    assert "（东）应急先保处〔" in disposal and notice_number in disposal and cn_date(on) in disposal
    assert "60日内" in disposal and "河川市东城区人民法院" in disposal


@pytest.mark.django_db
def test_extension_form_names_the_old_and_new_limit_and_the_approver(world, investigating):
    """GIVEN a case under investigation (30-day sector limit) WHEN the head approves 90 days from filing
    THEN the 案件延期审批表 names the reason, both due days and the approver (行政处罚法 第60条)."""
    case, people = investigating, world.people
    original = case.deadlines.get(kind="decision", superseded_by__isnull=True).due_on
    deadline = services.extend_case(
        people.county_a_leader, case.pk, days=90, reason="案情复杂，需进一步调查取证", approver_level="head"
    )
    text = text_of(document_of(case, "case_extension"))
    assert "（东）应急案延〔" in text and "案情复杂，需进一步调查取证" in text
    assert "自立案之日起90日" in text
    assert cn_date(original) in text and cn_date(deadline.due_on) in text
    assert "审批人（签名）：county_a_leader" in text


@pytest.fixture
def closed(world):
    """A 一案双罚 hearing case of county A taken to 结案 through the services (review and discussion included)."""
    penalty_people(world)
    return build_case(world, "closed", parties=("unit", "person"), hearing=True)


@pytest.mark.django_db
def test_documents_from_report_to_closing_state_facts_articles_and_approvals(world, closed):
    """GIVEN a closed case WHEN its report, handling, review, discussion and closing documents are rendered
    THEN they state both parties, the article breached and the one punishing, who reviewed and who approved, and
    the closing form names each party's decision number."""
    case = closed
    unit, person = case.parties.get(kind=CaseParty.Kind.UNIT), case.parties.get(kind=CaseParty.Kind.PERSON)

    report = text_of(document_of(case, "investigation_report"))
    assert "（东）应急终报〔" in report
    assert unit.name in report and person.name in report
    assert ARTICLE_BREACHED in report and ARTICLE_PUNISHING in report

    handling = text_of(document_of(case, "handling_approval"))
    assert "（东）应急处呈〔" in handling and ARTICLE_PUNISHING in handling
    assert "拟给予罚款的行政处罚" in handling
    assert "审批人（签名）：county_a_leader" in handling and "同意" in handling

    review = text_of(document_of(case, "legal_review"))
    assert "（东）应急审核〔" in review and "事实清楚，证据确凿，适用法律正确" in review
    assert "本案通过法制审核" in review and "county_a_reviewer" in review

    discussion = text_of(document_of(case, "collective_discussion"))
    assert "（东）应急罚集〔" in discussion and "同意处罚" in discussion

    closing = text_of(document_of(case, "case_closing"))
    assert "（东）应急结〔" in closing and "同意结案" in closing
    for party in (unit, person):
        assert party.decision.number in closing


@pytest.mark.django_db
def test_long_case_keeps_its_signature_block_with_the_body(world):
    """GIVEN a case whose unit has 8 violations with long facts WHEN its investigation report is rendered
    THEN it runs over pages, and the officers' signatures and date stay on one page with the body's last lines."""
    people = penalty_people(world)
    case = build_case(world, "investigating", parties=("unit",))
    unit = case.parties.get()
    for n in range(1, 9):
        services.add_violation(
            people.county_a_officer,
            unit.pk,
            facts=f"第{n}项："
            + "该公司未按规定对新招录的从业人员进行安全生产教育和培训，抽查的一线作业人员中多人未经培训上岗。" * 4,
            article_breached="《中华人民共和国安全生产法》第二十八条第一款",
            article_punishing="《中华人民共和国安全生产法》第九十七条第（三）项",
        )
    record = services.end_investigation(
        people.county_a_officer,
        case.pk,
        data=step_data("report", investigation="执法人员进行了现场检查、询问和调取培训档案。" * 30),
        occurred_on=case.filed_on + DAY,
    )
    layout = PdfLayout(pdf_of(record.document))
    assert layout.page_count >= 2
    first, _end = layout.find("承办人（签名）")
    _first, end = layout.find(cn_date(record.occurred_on), first)
    assert layout.pages(first, end) == layout.pages(first - 6, first)
    layout.find("第8项")


# --- readiness, scope and rights ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_handling_form_waits_for_the_leaders_approval(world):
    """GIVEN a handling proposal submitted WHEN its 呈批表 is issued before the leader decided THEN it is refused."""
    people = penalty_people(world)
    case = build_case(world, "handling")
    record = case.records.get(kind=StepRecord.Kind.HANDLING)
    with pytest.raises(ValidationError, match="尚未审批"):
        issue_for(people.county_a_officer, "handling_approval", record.pk)


@pytest.mark.django_db
def test_disposal_of_another_cases_preservation_is_refused(world, investigating):
    """GIVEN a preservation of one case WHEN another case records its disposal THEN no decision is issued for it."""
    people = penalty_people(world)
    other = build_case(world, "investigating")
    preservation = investigating.records.get(kind=StepRecord.Kind.PRESERVATION)
    with pytest.raises(ValidationError, match="不属于本案件"):
        services.record_step(
            people.county_a_officer,
            other.pk,
            "preservation_disposal",
            data=step_data("preservation_disposal", preservation=preservation.pk),
            occurred_on=other.filed_on + DAY,
            officers=_team(people),
        )


@pytest.mark.django_db
def test_documents_are_issued_only_in_scope_and_by_the_acting_role(world, investigating):
    """Another county does not find the record (404); the city sees it but cannot issue (403); a county user
    without a penalty role cannot issue either."""
    people = world.people
    record = investigating.records.get(kind=StepRecord.Kind.SCENE)
    with pytest.raises(StepRecord.DoesNotExist):
        issue_for(people.county_b_officer, "scene_record", record.pk)
    with pytest.raises(PermissionDenied):
        issue_for(people.city_legal, "scene_record", record.pk)
    with pytest.raises((StepRecord.DoesNotExist, PermissionDenied)):
        issue_for(people.nobody, "scene_record", record.pk)


# --- step forms ---------------------------------------------------------------------------------------------------


def test_step_forms_refuse_bad_input_in_chinese():
    """A time range that ends before it starts, an item list without names, a 审核 box without its author."""
    with pytest.raises(ValidationError) as exc:
        clean_step_data(
            "sampling",
            {
                "started_at": "2026-10-08 10:00",
                "ended_at": "2026-10-08 09:00",
                "place": "仓库",
                "site_person": "孙晓",
                "items": " | 40L | 2瓶",
            },
        )
    errors = exc.value.message_dict
    assert errors["ended_at"] == ["结束时间应晚于开始时间。"]
    assert "缺少“证据物品名称”" in errors["items"][0]
    with pytest.raises(ValidationError) as exc:
        clean_step_data("closing", {"result": "罚款", "execution": "已缴纳", "check_opinion": "同意"})
    assert "审核人、审核意见和审核日期都应填写" in " ".join(exc.value.messages)


def test_item_list_reads_lines_and_objects_alike():
    typed = clean_step_data(
        "sampling",
        {
            "started_at": "2026-10-08 09:00",
            "ended_at": "2026-10-08 10:00",
            "place": "仓库",
            "site_person": "孙晓",
            "items": "氧气瓶｜40L｜2瓶\n\n乙炔瓶\t40L\t1瓶",
        },
    )
    assert typed["items"] == [
        {"name": "氧气瓶", "spec": "40L", "quantity": "2瓶"},
        {"name": "乙炔瓶", "spec": "40L", "quantity": "1瓶"},
    ]
    assert typed["started_at"].startswith("2026-10-08T09:00")
    given = clean_step_data("sampling", {**typed, "items": typed["items"]})
    assert given["items"] == typed["items"]
    with pytest.raises(ValidationError, match="栏数多于3栏"):
        clean_step_data("sampling", {**typed, "items": "a|b|c|d"})


@pytest.mark.django_db
def test_people_in_step_data_are_stored_as_user_keys(world):
    data = step_data("discussion", on=today(), person=world.people.county_a_officer)
    cleaned = clean_step_data("discussion", data)
    assert cleaned["chair"] == world.people.county_a_officer.pk
    with pytest.raises(ValidationError, match="所选人员不存在或已停用"):
        clean_step_data("discussion", {**data, "chair": 999999})


@pytest.mark.django_db
def test_an_unnumbered_record_is_listed_and_downloaded_by_name(world, investigating, client):
    """GIVEN a 询问笔录 (no number) WHEN it is listed and downloaded THEN the list links it as "无文号（年第N份）"
    and the PDF is named after its title, not "​.pdf"."""
    from urllib.parse import unquote

    from django.urls import reverse

    record = document_of(investigating, "interview_record")
    pdf_of(record)
    client.force_login(world.people.county_a_officer)
    listing = client.get(reverse("documents:list")).content.decode()
    assert f"无文号（{record.year}年第{record.serial}份）" in listing
    detail = client.get(reverse("documents:detail", args=[record.pk])).content.decode()
    assert "无文号（" in detail
    response = client.get(reverse("documents:pdf", args=[record.pk]))
    assert response.status_code == 200
    disposition = unquote(response["Content-Disposition"])
    assert f"{record.title}（{record.year}-{record.serial}）.pdf" in disposition


@pytest.mark.django_db
def test_later_steps_leave_the_earlier_documents_current(world, closed):
    """GIVEN a case taken to 结案 WHEN its earlier documents are compared with the data they came from
    THEN none looks changed: each states only what its step knew (a proposal or decision made later does not make
    the 立案审批表 or the report "stale" and offer a re-issue)."""
    from enforcement.documents.sources import changes

    officer = world.people.county_a_officer
    for key in ("case_filing", "investigation_report", "handling_approval", "legal_review", "case_closing"):
        assert changes(officer, document_of(closed, key)) == [], key


@pytest.mark.django_db
def test_failed_review_says_no_decision_may_be_made(world):
    """行政处罚法 第58条: a case that does not pass the legal review is not decided; the opinion says so."""
    people = penalty_people(world)
    case = build_case(world, "reviewing")
    services.record_review(people.county_a_reviewer, case.pk, passed=False, opinion="证据不足，建议补充调查", data={})
    text = text_of(document_of(case, "legal_review"))
    assert "证据不足，建议补充调查" in text and "未通过法制审核" in text and "第五十八条" in text
