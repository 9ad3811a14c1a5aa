"""Guidance pages: in-scope and out-of-scope (404) access, the county's upload, the city's review, the ledger."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from supervision.guidance import services
from supervision.models import GuidanceLetter, GuidanceVisit
from tests.supervision import test_guidance as base

PDF, issue, make_visit, pdf = base.PDF, base.issue, base.make_visit, base.pdf
# The workflow tests' fixture, shared by name.
guidance = base.guidance

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_schedule_page_shows_warnings(client, world, guidance):
    services.add_schedule_entry(guidance.city, world.orgs.county_a, 2026, 12)
    html = login(client, guidance.city).get(reverse("supervision:guidance_schedule") + "?year=2026").content.decode()
    assert "西山县应急管理局未安排执法指导" in html
    assert "晚于11月底前完成的要求" in html
    response = client.post(
        reverse("supervision:guidance_schedule") + "?year=2026",
        {"year": 2026, "county": world.orgs.county_b.pk, "planned_month": 4, "note": ""},
    )
    assert response.status_code == 302
    html = client.get(reverse("supervision:guidance_schedule") + "?year=2026").content.decode()
    assert "西山县应急管理局未安排执法指导" not in html


def test_county_cannot_add_schedule(client, world, guidance):
    html = login(client, guidance.county_user).get(reverse("supervision:guidance_schedule")).content.decode()
    assert 'id="schedule-form"' not in html


def test_visit_pages_and_scope(client, world, guidance):
    visit_a = make_visit(world, guidance)
    visit_b = make_visit(world, guidance, county=world.orgs.county_b)
    url_a = reverse("supervision:guidance_visit", args=[visit_a.pk])
    url_b = reverse("supervision:guidance_visit", args=[visit_b.pk])

    html = login(client, guidance.city).get(url_a).content.decode()
    assert "执法人员培训" in html and "典型案例报送" in html and 'id="spot-form"' in html
    response = client.post(reverse("supervision:guidance_spot_check", args=[visit_a.pk]), {"count": 1})
    assert response.status_code == 302
    visit_a.refresh_from_db()
    assert len(visit_a.spot_result) == 1
    check = visit_a.checks.get(item="training")
    # The checklist is one form on the visit page: the finding and its evidence are saved together.
    client.post(
        url_a,
        {
            f"c{check.pk}-conforms": "no",
            f"c{check.pk}-finding": "未制定培训计划",
            f"c{check.pk}-evidence": pdf("培训.pdf"),
        },
    )
    check.refresh_from_db()
    assert check.conforms is False and check.finding == "未制定培训计划"
    evidence = check.evidence.get()
    assert client.get(reverse("supervision:guidance_evidence_file", args=[evidence.pk])).status_code == 200

    county = login(client, guidance.county_user)
    html = county.get(url_a).content.decode()
    assert "未制定培训计划" in html and 'id="spot-form"' not in html
    assert county.get(url_b).status_code == 404
    assert county.get(reverse("supervision:guidance_evidence_file", args=[evidence.pk])).status_code == 200
    listing = county.get(reverse("supervision:guidance_visits")).content.decode()
    assert "东城区应急管理局" in listing and "西山县应急管理局" not in listing
    # The county cannot change the city's checklist.
    response = county.post(url_a, {f"c{check.pk}-conforms": "yes", f"c{check.pk}-finding": ""})
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.conforms is False

    b = login(client, guidance.b_user)
    assert b.get(url_a).status_code == 404
    assert b.get(reverse("supervision:guidance_evidence_file", args=[evidence.pk])).status_code == 404


def test_nonconforming_check_without_finding_is_refused_on_the_page(client, world, guidance):
    """GIVEN the city's visit page
    WHEN an item is marked not conforming with no finding
    THEN the service's refusal is shown and nothing is saved."""
    visit = make_visit(world, guidance)
    check = visit.checks.get(item="training")
    response = login(client, guidance.city).post(
        reverse("supervision:guidance_visit", args=[visit.pk]),
        {f"c{check.pk}-conforms": "no", f"c{check.pk}-finding": " "},
    )
    assert response.status_code == 400
    assert "不符合时须写明发现的问题。" in response.content.decode()
    check.refresh_from_db()
    assert check.conforms is None


def test_create_visit_page(client, world, guidance):
    login(client, guidance.city)
    response = client.post(
        reverse("supervision:guidance_visits"),
        {
            "county": world.orgs.county_a.pk,
            "visit_date": "2026-05-06",
            "team": [guidance.city.pk, guidance.colleague.pk],
        },
    )
    visit = GuidanceVisit.objects.get()
    assert response.url == reverse("supervision:guidance_visit", args=[visit.pk])
    assert visit.checks.count() == 12


def test_issue_letter_page(client, world, guidance):
    visit = make_visit(world, guidance)
    # the letter follows the finished visit.
    base.finish_checks(guidance, visit)
    services.complete_visit(guidance.city, visit.pk)
    login(client, guidance.city)
    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    response = client.post(
        reverse("supervision:guidance_letter_issue", args=[visit.pk]),
        {
            "problem": ["未按规定公示计划", ""],
            "opinion": ["在局网站公示", ""],
            "report_deadline": deadline,
            "contact_name": "张联络",
            "contact_phone": "0395-1234567",
        },
    )
    letter = GuidanceLetter.objects.get()
    assert response.url == reverse("supervision:guidance_letter", args=[letter.pk])
    assert letter.findings == [{"problem": "未按规定公示计划", "opinion": "在局网站公示"}]
    html = client.get(response.url).content.decode()
    assert letter.document.number in html and "未按规定公示计划" in html
    # The county cannot open the issuing page.
    assert (
        login(client, guidance.county_user)
        .get(reverse("supervision:guidance_letter_issue", args=[visit.pk]))
        .status_code
        == 403
    )


def test_letter_answer_and_review_pages(client, world, guidance):
    letter = issue(world, guidance)
    url = reverse("supervision:guidance_letter", args=[letter.pk])

    b = login(client, guidance.b_user)
    assert b.get(url).status_code == 404
    assert (
        b.post(
            reverse("supervision:guidance_report_submit", args=[letter.pk]), {"text": "x", "file": pdf()}
        ).status_code
        == 404
    )

    county = login(client, guidance.county_user)
    html = county.get(url).content.decode()
    assert 'id="report-form"' in html and 'id="review-form"' not in html
    county.post(reverse("supervision:guidance_report_submit", args=[letter.pk]), {"text": "已整改", "file": pdf()})
    letter.refresh_from_db()
    assert letter.status == GuidanceLetter.Status.REPORT_SUBMITTED
    report = letter.reports.get()
    assert b"".join(county.get(reverse("supervision:guidance_report_file", args=[report.pk])).streaming_content) == PDF

    city = login(client, guidance.city)
    html = city.get(url).content.decode()
    assert 'id="review-form"' in html and 'id="report-form"' not in html
    city.post(
        reverse("supervision:guidance_report_review", args=[letter.pk]), {"decision": "return", "reasons": "证据不足"}
    )
    letter.refresh_from_db()
    assert letter.status == GuidanceLetter.Status.RETURNED
    html = login(client, guidance.county_user).get(url).content.decode()
    assert "证据不足" in html and 'id="report-form"' in html


def test_ledger_and_export(client, world, guidance, django_assert_max_num_queries):
    """GIVEN county A with a closed letter and an overdue one, county B never visited
    THEN the ledger and its export show the counts per county; county A's user sees only its own row."""
    closed = issue(world, guidance)
    services.submit_report(guidance.county_user, closed.pk, "已整改", pdf())
    services.review_report(guidance.city, closed.pk, True)
    overdue = issue(world, guidance)
    GuidanceLetter.objects.filter(pk=overdue.pk).update(
        report_deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    year = timezone.localdate().year

    login(client, guidance.city)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("supervision:guidance_ledger") + f"?year={year}").content.decode()
    a_row = html.split(f'data-county="{world.orgs.county_a.pk}"')[1].split("</tr>")[0]
    b_row = html.split(f'data-county="{world.orgs.county_b.pk}"')[1].split("</tr>")[0]
    assert "<td>2</td>" in a_row and "badge--risk" in a_row
    assert "未指导" in b_row
    assert closed.document.number in html and overdue.document.number in html

    response = client.get(reverse("supervision:guidance_ledger_export") + f"?year={year}")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[1][0] == "县区"
    assert summary[2] == ("东城区应急管理局", 2, timezone.localdate().isoformat(), 2, 1, 1, 1)
    assert summary[3][0] == "西山县应急管理局" and summary[3][1] == 0
    details = list(workbook.worksheets[1].iter_rows(values_only=True))
    statuses = {row[2]: (row[4], row[5]) for row in details[1:]}
    assert statuses[closed.document.number] == ("已验收销号", "否")
    assert statuses[overdue.document.number] == ("已下达", "是")

    html = login(client, guidance.b_user).get(reverse("supervision:guidance_ledger") + f"?year={year}").content.decode()
    assert closed.document.number not in html and "东城区应急管理局" not in html
    html = (
        login(client, guidance.county_user)
        .get(reverse("supervision:guidance_ledger") + f"?year={year}")
        .content.decode()
    )
    assert closed.document.number in html and "西山县应急管理局" not in html


def test_progress_page_links_to_guidance(client, world, guidance):
    html = login(client, guidance.city).get(reverse("supervision:progress")).content.decode()
    assert reverse("supervision:guidance_ledger") in html
