"""Documents of a penalty case from the notice to execution, the summary procedure and 不予处罚 (issue 10 item 3).

Each document is issued through its registered source (enforcement.documents.sources.issue_for) from rows built
with the ORM (the services are the core work's), rendered to PDF in-process from the stored context, and read
back with pdftotext: number, party names, dates and articles must be there. A long case (long facts, eight
violations) keeps its signature block whole and its table rows unsplit.
"""

import datetime
import os
import shutil
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.penalties import steps
from cases.penalties.documents import decision as sources
from cases.penalties.documents.party_context import penalty_words, rmb_capitals
from cases.penalties.models import CaseParty, Delivery, Evidence, Instalment, PenaltyCase, StepRecord, Violation
from enforcement.documents.models import IssuedDocument
from enforcement.documents.rendering import render_pdf
from enforcement.documents.sources import issue_for
from enforcement.documents.templatetags.documents import cn_date
from tests.dates import today
from tests.documents.pdfcheck import PdfLayout, pdf_text

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")

CAUSE = "东城机械厂未对安全设备进行经常性维护案"
LONG_FACTS = (
    "经现场检查和调取记录查明，该单位喷漆车间可燃气体检测报警装置自上一年度起未进行定期检验和维护保养，"
    "其中三处探头被杂物遮挡，报警信号未接入中控室，岗位人员不掌握报警处置程序，且未建立设备维护台账。"
)


def D(days=0):
    return today() + datetime.timedelta(days=days)


def _set_state(case, state):
    # The state field is protected (django-fsm-2): the services move it; these tests only need it set.
    # Sources fetch their rows afresh, so the in-memory case is left as it is.
    PenaltyCase.objects.filter(pk=case.pk).update(state=state)


def _violations(party, count, long=False):
    for n in range(1, count + 1):
        Violation.objects.create(
            party=party,
            order=n,
            facts=(f"第{n}项：" + LONG_FACTS * (3 if long else 1)),
            article_breached=f"《中华人民共和国安全生产法》第三十六条第{n}款",
            article_punishing="《中华人民共和国安全生产法》第九十九条第（二）项",
        )


def build_case(world, *, violations=1, long=False, summary=False):
    """County A's case against 东城机械厂 (unit) and its principal person (一案双罚), notified and decided."""
    officer, officer2 = world.people.county_a_officer, world.people.county_a_officer2
    case = PenaltyCase.objects.create(
        organisation=world.orgs.county_a,
        cause=CAUSE,
        source=PenaltyCase.Source.INSPECTION,
        procedure=PenaltyCase.Procedure.SUMMARY if summary else PenaltyCase.Procedure.GENERAL,
        enterprise=world.ent.a_general,
        hearing_applicable=not summary,
        filed_on=D(-40),
        created_by=officer,
    )
    case.officers.set([officer, officer2])
    unit = CaseParty.objects.create(
        case=case,
        kind=CaseParty.Kind.UNIT,
        role=CaseParty.Role.UNIT,
        name="东城机械厂",
        enterprise=world.ent.a_general,
        credit_code="91350100M000100Y43",
        legal_representative="钱立新",
        address="东城区工业路8号",
        phone="0395-1234567",
        proposed_kinds=["warning"] if summary else ["fine"],
        proposed_fine=Decimal("2000" if summary else "30000"),
    )
    person = CaseParty.objects.create(
        case=case,
        kind=CaseParty.Kind.PERSON,
        role=CaseParty.Role.PRINCIPAL,
        name="钱立新",
        id_number="410101198001011234",
        position="厂长",
        employer="东城机械厂",
        address="东城区建设路3号",
        proposed_kinds=["fine"],
        proposed_fine=Decimal("20000"),
    )
    _violations(unit, violations, long)
    _violations(person, 1)
    Evidence.objects.create(
        case=case,
        step=PenaltyCase.State.INVESTIGATING,
        kind=Evidence.Kind.PHOTO,
        title="现场照片3张",
        description="证明报警探头被遮挡",
        collected_on=D(-35),
        file="evidence/x.jpg",
        original_name="x.jpg",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
        uploaded_by=officer,
    )
    return case, unit, person


def decide(party, kinds=("fine",), fine="30000", days=-10):
    party.decided_kinds = list(kinds)
    party.decided_fine = Decimal(fine) if fine else None
    party.decided_on = D(days)
    party.save()


def record(case, kind, data, party=None, days=-5, officers=()):
    row = StepRecord.objects.create(
        case=case,
        party=party,
        kind=kind,
        data=steps.clean_step_data(kind, data),
        occurred_on=D(days),
        recorded_by=case.created_by,
    )
    row.officers.set(officers or case.officers.all())
    return row


def assert_printed(text, *expected):
    missing = [item for item in expected if item not in text]
    assert not missing, f"not printed: {missing}"


def text_of(document):
    pdf, _ms = render_pdf(document.doc_type.template, {"doc": document, **document.context})
    if os.environ.get("DOCUMENT_DUMP_DIR"):  # for looking at the layout: pdftoppm -png -r 60
        name = f"{document.doc_type.key}-{document.pk}-v{document.version}.pdf"
        with open(os.path.join(os.environ["DOCUMENT_DUMP_DIR"], name), "wb") as out:
            out.write(pdf)
    # pdftotext reads the number and the title; the checks of the body read the text as drawn, without the page
    # footers ("共 N 页 第 N 页" would cut a sentence that runs across a page break).
    assert document.number in pdf_text(pdf)
    assert document.doc_type.name[:4] in pdf_text(pdf)
    return PdfLayout(pdf).text, pdf


@pytest.fixture
def case(world):
    return build_case(world)


@pytest.mark.django_db
def test_notices_name_party_facts_both_articles_penalty_and_the_rights_with_their_time_limits(world, case):
    """GIVEN a 一案双罚 case whose handling was approved, hearing applicable
    WHEN the 告知书 of the unit and of its principal person and the 听证告知书 are issued
    THEN each has its own number, names its party, facts, evidence, both articles and the proposed penalty, the
    statement right (3 working days, the configured rule) and the hearing right within 5 working days (第64条)."""
    c, unit, person = case
    officer = world.people.county_a_officer
    _set_state(c, PenaltyCase.State.NOTIFYING)
    unit_notice = issue_for(officer, "penalty_notice", unit.pk)
    person_notice = issue_for(officer, "penalty_notice", person.pk)
    hearing = issue_for(officer, "hearing_rights_notice", unit.pk)
    year = today().year
    assert unit_notice.number == f"（东）应急罚告〔{year}〕1号"
    assert person_notice.number == f"（东）应急罚告〔{year}〕2号"
    assert hearing.number == f"（东）应急听告〔{year}〕1号"
    unit.refresh_from_db()
    assert unit.notice_id == unit_notice.pk

    text, _pdf = text_of(unit_notice)
    assert_printed(
        text,
        unit_notice.number,
        "行政处罚告知书",
        "东城机械厂：",
        "可燃气体检测报警装置",
        "《中华人民共和国安全生产法》第三十六条第1款",
        "《中华人民共和国安全生产法》第九十九条第（二）项",
        "现场照片3张（证明报警探头被遮挡）",
        "罚款人民币叁万元整（¥30,000.00）",
        "第四十四条、第四十五条",
        "3个工作日内",
        "第六十三条、第六十四条",
        "5个工作日内",
        "东城区应急管理局（印章）",
        cn_date(today()),
    )
    text, _pdf = text_of(person_notice)
    assert "钱立新：" in text and "你存在下列违法行为" in text and "贰万元整" in text
    text, _pdf = text_of(hearing)
    assert "行政处罚听证告知书" in text and "5个工作日内" in text and "书面听证申请" in text


@pytest.mark.django_db
def test_notice_refused_before_the_handling_is_approved_and_hearing_notice_where_no_hearing_applies(world, case):
    c, unit, _person = case
    officer = world.people.county_a_officer
    _set_state(c, PenaltyCase.State.REVIEWING)
    with pytest.raises(ValidationError, match="不能出具行政处罚告知书"):
        issue_for(officer, "penalty_notice", unit.pk)
    _set_state(c, PenaltyCase.State.NOTIFYING)
    PenaltyCase.objects.filter(pk=c.pk).update(hearing_applicable=False)
    with pytest.raises(ValidationError, match="第六十三条"):
        issue_for(officer, "hearing_rights_notice", unit.pk)


@pytest.mark.django_db
def test_decision_states_every_content_of_article_59(world, case, settings):
    """GIVEN the unit's decided fine and the bureau's configured bank
    WHEN its 行政处罚决定书 is issued
    THEN it names the party and address (1), facts and evidence (2), penalty and both articles (3), payment within 15
    days at the bank with the 3 %/day surcharge of 第72条 (4), review in 60 days at the district government or suit in
    6 months at the district court (5), the agency, the decision date and the seal place (6)."""
    settings.PENALTY_ISSUER_DETAILS = {
        "东城区应急管理局": {"bank": "河川农村商业银行东城支行", "account": "6228000011112222"}
    }
    c, unit, person = case
    officer = world.people.county_a_officer
    _set_state(c, PenaltyCase.State.NOTIFIED)
    decide(unit)
    decide(person, fine="20000")
    unit_decision = issue_for(officer, "penalty_decision", unit.pk)
    person_decision = issue_for(officer, "penalty_decision", person.pk)
    year = today().year
    assert (unit_decision.number, person_decision.number) == (
        f"（东）应急罚〔{year}〕1号",
        f"（东）应急罚〔{year}〕2号",
    )
    text, _pdf = text_of(unit_decision)
    assert_printed(
        text,
        "行政处罚决定书（单位）",
        "被处罚单位：东城机械厂",
        "地址：东城区工业路8号",
        "91350100M000100Y43",
        "法定代表人（负责人）：钱立新",
        "可燃气体检测报警装置",
        "现场照片3张",
        "第三十六条第1款",
        "第九十九条第（二）项",
        "决定给予罚款人民币叁万元整（¥30,000.00）的行政处罚",
        "自收到本决定书之日起15日内缴至河川农村商业银行东城支行（账号：6228000011112222）",
        "第七十二条第一款第（一）项",
        "每日按罚款数额的3%加处罚款",
        "60日内依法向东城区人民政府申请行政复议",
        "6个月内依法向东城区人民法院提起行政诉讼",
        "申请人民法院强制执行",
        "东城区应急管理局（印章）",
        cn_date(D(-10)),
    )
    text, _pdf = text_of(person_decision)
    assert "行政处罚决定书（个人）" in text and "被处罚人：钱立新" in text and "410101198001011234" in text
    assert "一份交被处罚人" in text


@pytest.mark.django_db
def test_decision_refused_until_decided_and_no_penalty_has_its_own_document(world, case):
    c, unit, person = case
    officer = world.people.county_a_officer
    _set_state(c, PenaltyCase.State.NOTIFIED)
    with pytest.raises(ValidationError, match="尚未作出处罚决定"):
        issue_for(officer, "penalty_decision", unit.pk)
    person.no_penalty = True
    person.no_penalty_reason = "当事人系初次违法且危害后果轻微并及时改正"
    person.decided_on = D(-3)
    person.save()
    with pytest.raises(ValidationError, match="不予行政处罚决定书"):
        issue_for(officer, "penalty_decision", person.pk)
    document = issue_for(officer, "no_penalty_decision", person.pk)
    assert document.number == f"（东）应急不罚〔{today().year}〕1号"
    text, _pdf = text_of(document)
    assert_printed(
        text,
        "不予行政处罚决定书",
        "当事人：钱立新",
        "初次违法且危害后果轻微并及时改正",
        "第三十三条",
        "不予行政处罚",
        "60日内",
    )


@pytest.mark.django_db
def test_summary_decision_carries_officers_certificates_and_the_party_signature(world):
    """GIVEN a summary-procedure case (行政处罚法 第51–52条) with a warning decided on the spot
    THEN its 当场处罚决定书 is numbered 应急罚当, names the officers with their certificates and is signed on the
    spot."""
    c, unit, _person = build_case(world, summary=True)
    officer = world.people.county_a_officer
    _set_state(c, PenaltyCase.State.DECIDED)
    decide(unit, kinds=("warning",), fine=None, days=0)
    document = issue_for(officer, "summary_decision", unit.pk)
    assert document.number == f"（东）应急罚当〔{today().year}〕1号"
    text, _pdf = text_of(document)
    cert = world.people.county_a_officer.certificates.first().number
    assert_printed(
        text,
        "行政（当场）处罚决定书（单位）",
        "第五十一条",
        "当场决定给予警告的行政处罚",
        cert,
        "当事人或者委托代理人（签名）",
    )
    assert "罚款人民币" not in text
    _general, unit2, _ = build_case(world)
    decide(unit2)
    with pytest.raises(ValidationError, match="一般程序案件不出具当场处罚决定书"):
        issue_for(officer, "summary_decision", unit2.pk)


@pytest.mark.django_db
def test_statement_and_hearing_records_notice_and_report(world, case):
    """GIVEN the statement heard and a hearing held (行政处罚法 第45、64、65条)
    THEN the 陈述申辩笔录 and 听证笔录 print blank numbers, the people and the record, the speaker's signature line on
    every page; the 听证会通知书 names the time, place, panel and recusal right; the report the opinions."""
    c, unit, _person = case
    people = world.people
    _set_state(c, PenaltyCase.State.HEARING)
    statement = record(
        c,
        "statement",
        {
            "start_time": "9:30",
            "end_time": "10:40",
            "place": "东城区应急管理局三楼会议室",
            "speaker": "钱立新",
            "speaker_gender": "男",
            "speaker_position": "厂长",
            "recorder": people.county_a_officer2.pk,
            "content": "我厂已经对报警装置进行了检修。\n请求从轻处罚。",
        },
        party=unit,
    )
    doc = issue_for(people.county_a_officer, "statement_record", statement.pk)
    assert doc.number == ""
    text, pdf = text_of(doc)
    assert_printed(
        text, "当事人陈述申辩笔录", "09:30至10:40", "钱立新（男）", "请求从轻处罚", "用户", "陈述申辩人（签名）"
    )
    layout = PdfLayout(pdf)
    assert all("陈述申辩人（签名）" in footer for footer in layout.footers)

    panel = {"chair": people.city_legal.pk, "chair_position": "法制科科长", "clerk": people.nobody.pk}
    notice_panel = {"chair_id": people.city_legal.pk, "chair_position": "法制科科长", "clerk": people.nobody.pk}
    notice = record(
        c,
        "hearing_notice",
        {
            **notice_panel,
            "hearing_on": D(25).isoformat(),
            "hearing_time": "14:30",
            "place": "局二楼听证室",
            "public": "1",
            "applicant": "东城机械厂",
        },
    )
    doc = issue_for(people.county_a_officer, "hearing_notice", notice.pk)
    assert doc.number == f"（东）应急听通〔{today().year}〕1号"
    text, _pdf = text_of(doc)
    assert_printed(
        text,
        "东城机械厂：",
        cn_date(D(25)),
        "14:30",
        "公开举行听证会",
        "法制科科长",
        "申请回避",
        "第六十四条第（六）项",
    )

    hearing = record(
        c,
        "hearing",
        {
            **panel,
            "start_time": "14:30",
            "end_time": "16:00",
            "place": "局二楼听证室",
            "applicant": "东城机械厂",
            "content": "调查人员陈述违法事实。\n申请人进行申辩。",
        },
        days=10,
    )
    doc = issue_for(people.county_a_officer, "hearing_record", hearing.pk)
    text, pdf = text_of(doc)
    assert (
        doc.number == "" and "听证笔录" in text and "申请人进行申辩" in text and "主持听证机关东城区应急管理局" in text
    )
    assert all("申请听证人或者其委托代理人（签名）" in f for f in PdfLayout(pdf).footers)

    report = record(
        c,
        "hearing_report",
        {**panel, "summary": "申请人对违法事实无异议。", "chair_opinion": "建议维持原拟处罚"},
        days=11,
    )
    doc = issue_for(people.county_a_officer, "hearing_report", report.pk)
    text, _pdf = text_of(doc)
    assert doc.number.startswith("（东）应急听报") and "建议维持原拟处罚。" in text and "负责人审核意见" in text


@pytest.mark.django_db
def test_one_delivery_receipt_per_case_reissued_as_rows_are_added(world, case):
    """GIVEN the unit's decision served directly and the person's left at home (留置)
    THEN the case has one 文书送达回执 (one number), its second version adds the second row, noting the 留置."""
    c, unit, person = case
    officer = world.people.county_a_officer
    _set_state(c, PenaltyCase.State.NOTIFIED)
    decide(unit)
    decide(person, fine="20000")
    first = issue_for(officer, "penalty_decision", unit.pk)
    second = issue_for(officer, "penalty_decision", person.pk)
    with pytest.raises(ValidationError, match="尚无送达记录"):
        issue_for(officer, "delivery_receipt", c.pk)
    common = {"case": c, "served_on": D(-8), "server_names": "王建国、李卫东", "recorded_by": officer}
    Delivery.objects.create(
        party=unit, document=first, method="direct", place="东城机械厂办公室", recipient="钱立新", **common
    )
    receipt = sources.issue_delivery_receipt(officer, c.pk)
    assert receipt.number == f"（东）应急回〔{today().year}〕1号" and receipt.version == 1
    assert sources.issue_delivery_receipt(officer, c.pk).pk == receipt.pk  # nothing new: same version
    Delivery.objects.create(
        party=person,
        document=second,
        method="left",
        place="东城区建设路3号",
        recipient="钱立新",
        note="拒绝签收，见证人社区干部赵某",
        **common,
    )
    again = sources.issue_delivery_receipt(officer, c.pk)
    assert (again.number, again.version) == (receipt.number, 2)
    text, _pdf = text_of(again)  # cell by cell, as drawn
    assert_printed(
        text,
        "文书送达回执",
        CAUSE,
        f"《行政处罚决定书》{first.number}受送达人：东城机械厂",
        f"《行政处罚决定书》{second.number}受送达人：钱立新",
        "直接送达",
        "留置送达（留置：拒绝签收，见证人社区干部赵某）",
        cn_date(D(-8)),
    )
    assert IssuedDocument.objects.filter(doc_type__key="delivery_receipt", status="issued").count() == 1


@pytest.mark.django_db
def test_execution_documents_plan_reminder_surcharge_court(world, case):
    """GIVEN the unit's decision issued and served
    THEN the 分期 批准书 lists each instalment in figures and capitals (第66条), the 催告书 cites 行政强制法 第35–36条,
    the 加处罚款决定书 its amount (refused above the fine, 第72条), the 强制执行申请书 the court and materials."""
    c, unit, _person = case
    officer = world.people.county_a_officer
    _set_state(c, PenaltyCase.State.NOTIFIED)
    decide(unit)
    decision = issue_for(officer, "penalty_decision", unit.pk)
    unit.refresh_from_db()
    unit.decision_served_on = D(-9)
    unit.save()

    plan = record(c, "payment_plan", {"applied_on": D(-7).isoformat(), "reason": "企业资金周转困难"}, party=unit)
    with pytest.raises(ValidationError, match="尚未确定"):
        issue_for(officer, "payment_plan", plan.pk)
    for n, days in ((1, 20), (2, 50)):
        Instalment.objects.create(party=unit, record=plan, number=n, due_on=D(days), amount=Decimal("15000"))
    doc = issue_for(officer, "payment_plan", plan.pk)
    text, _pdf = text_of(doc)
    assert_printed(
        text,
        doc.number,
        decision.number,
        "企业资金周转困难",
        "第六十六条第二款",
        "第1期",
        "第2期",
        cn_date(D(50)),
        "壹万伍仟元整（¥15,000.00）",
    )

    reminder = record(c, "reminder", {"pay_by": D(15).isoformat(), "objection_days": 3}, party=unit)
    doc = issue_for(officer, "payment_reminder", reminder.pk)
    text, _pdf = text_of(doc)
    assert_printed(
        text, "缴纳罚款催告书", decision.number, "第三十五条", "第三十六条", "3日内", cn_date(D(15)), cn_date(D(-9))
    )

    too_much = record(c, "surcharge", {"as_of": D(-1).isoformat(), "amount": "30000.01"}, party=unit)
    with pytest.raises(ValidationError, match="不得超出罚款数额"):
        issue_for(officer, "surcharge_decision", too_much.pk)
    surcharge = record(c, "surcharge", {"as_of": D(-1).isoformat(), "amount": "30000"}, party=unit)
    doc = issue_for(officer, "surcharge_decision", surcharge.pk)
    text, _pdf = text_of(doc)
    assert (
        "加处罚款人民币叁万元整（¥30,000.00）" in text
        and "第四十五条" in text
        and doc.number.startswith("（东）应急加罚")
    )

    court = record(
        c,
        "court_application",
        {
            "court": "东城区人民法院",
            "materials": "行政处罚决定书及送达回执\n缴纳罚款催告书及送达回执",
            "contact": "王建国",
            "phone": "0395-7654321",
        },
        party=unit,
    )
    doc = issue_for(officer, "court_application", court.pk)
    text, _pdf = text_of(doc)
    assert_printed(
        text,
        "强制执行申请书",
        "东城区人民法院：",
        decision.number,
        "第五十三条、第五十四条",
        "1．行政处罚决定书及送达回执",
        "0395-7654321",
    )


@pytest.mark.django_db
def test_address_confirmation_requires_an_address_for_electronic_service(world, case):
    """行政处罚法 第61条第2款: electronic service only with the party's consent and an e-mail or fax number."""
    c, unit, _person = case
    with pytest.raises(ValidationError, match="第六十一条第二款"):
        steps.clean_step_data(
            "address_confirmation", {"address": "工业路8号", "recipient": "钱立新", "phone": "1", "electronic": True}
        )
    row = record(
        c,
        "address_confirmation",
        {
            "address": "东城区工业路8号",
            "recipient": "钱立新",
            "phone": "13800000000",
            "electronic": True,
            "email": "dc@example.com",
        },
        party=unit,
    )
    doc = issue_for(world.people.county_a_officer, "address_confirmation", row.pk)
    text, _pdf = text_of(doc)
    assert doc.number == "" and "送达地址确认书" in text and "dc@example.com" in text and "第六十一条第二款" in text


@pytest.mark.django_db
def test_out_of_scope_source_is_not_found(world, case):
    _c, unit, _person = case
    with pytest.raises(CaseParty.DoesNotExist):
        issue_for(world.people.county_b_officer, "penalty_notice", unit.pk)


@pytest.mark.django_db
def test_long_decision_keeps_its_closing_whole_and_rows_unsplit(world):
    """GIVEN a unit with eight long violations, and a receipt with many rows
    THEN the decision runs over pages with its seal, date and note on one page with the body's last lines, and no
    row of the receipt is split across pages."""
    c, unit, person = build_case(world, violations=8, long=True)
    officer = world.people.county_a_officer
    _set_state(c, PenaltyCase.State.NOTIFIED)
    decide(unit)
    document = issue_for(officer, "penalty_decision", unit.pk)
    _text, pdf = text_of(document)
    layout = PdfLayout(pdf)
    assert layout.page_count >= 3
    first, _ = layout.find("东城区应急管理局（印章）")
    _, end = layout.find("一份交被处罚单位。", first)
    assert len(layout.pages(first, end)) == 1
    assert layout.pages(first - 6, first) == layout.pages(first, end), "seal separated from the body's last lines"

    decide(person, fine="20000")
    other = issue_for(officer, "penalty_decision", person.pk)
    for n in range(24):
        Delivery.objects.create(
            case=c,
            party=unit if n % 2 else person,
            document=document if n % 2 else other,
            method="agent" if n % 3 == 0 else "direct",
            served_on=D(-8),
            place=f"第{n}号送达地点东城区工业路8号办公楼门卫室",
            recipient=f"签收人{n}号",
            server_names="王建国、李卫东",
            note="门卫代收，与受送达人系同事关系" if n % 3 == 0 else "",
            recorded_by=officer,
        )
    receipt = issue_for(officer, "delivery_receipt", c.pk)
    _text, pdf = text_of(receipt)
    layout = PdfLayout(pdf)
    assert layout.page_count >= 2
    for n in range(24):
        first, _ = layout.find(f"签收人{n}号")
        _, end = layout.find("王建国、李卫东", first)
        assert len(layout.pages(first, end)) == 1, f"row {n} split"


def test_amounts_in_capitals_and_penalty_words():
    assert rmb_capitals(Decimal("30000")) == "叁万元整"
    assert rmb_capitals(Decimal("1205.50")) == "壹仟贰佰零伍元伍角"
    assert rmb_capitals(Decimal("100100")) == "壹拾万零壹佰元整"
    assert rmb_capitals(Decimal("200.05")) == "贰佰元零伍分"
    assert penalty_words(["warning", "fine"], Decimal("3000")) == "警告，罚款人民币叁仟元整（¥3,000.00）"
    assert penalty_words(["suspension"], text="停产停业整顿一个月") == "责令停产停业（停产停业整顿一个月）"


@pytest.mark.django_db
def test_an_unnumbered_record_is_listed_and_downloaded_by_name_not_by_an_empty_number(world, case, client):
    """GIVEN an issued 陈述申辩笔录 (number pattern "": the serial is allocated, nothing printed)
    THEN the document list links it by its serial of the year (无文号（年第N份）), and its PDF is named by its title."""
    c, unit, _person = case
    officer = world.people.county_a_officer
    row = record(
        c,
        "statement",
        {
            "start_time": "9:00",
            "end_time": "9:30",
            "place": "会议室",
            "speaker": "钱立新",
            "recorder": officer.pk,
            "content": "无异议。",
        },
        party=unit,
    )
    document = issue_for(officer, "statement_record", row.pk)
    assert (document.number, document.serial) == ("", 1)
    assert document.file_stem.startswith(f"{CAUSE}陈述申辩笔录")
    client.force_login(officer)
    page = client.get(reverse("documents:list")).content.decode()
    assert f"无文号（{document.year}年第1份）" in page


@pytest.mark.django_db
def test_hearing_notice_refused_when_late_or_chaired_by_an_investigator(world, case):
    """行政处罚法 第64条: the notice at least 7 working days before the hearing (第（二）项); the chair and members
    not investigators of the case (第（四）项)."""
    c, _unit, _person = case
    people = world.people
    base = {
        "hearing_time": "9:00",
        "place": "听证室",
        "public": "0",
        "applicant": "东城机械厂",
        "clerk": people.nobody.pk,
    }
    late = record(
        c, "hearing_notice", {**base, "chair_id": people.city_legal.pk, "hearing_on": D(3).isoformat()}, days=0
    )
    with pytest.raises(ValidationError, match="第64条：应当在举行听证的七日前通知"):
        issue_for(people.county_a_officer, "hearing_notice", late.pk)
    investigator = record(
        c, "hearing_notice", {**base, "chair_id": people.county_a_officer2.pk, "hearing_on": D(30).isoformat()}, days=0
    )
    with pytest.raises(ValidationError, match="第六十四条第（四）项"):
        issue_for(people.county_a_officer, "hearing_notice", investigator.pk)
