"""Never lose what a user entered on the guidance pages (issue 8 item 4): the visit's checklist is one form
that saves every item at once (evidence included) and keeps everything typed when one item is refused;
the review of a county's rectification report has no pre-selected decision; a refused report or review
comes back with what was typed."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enforcement.audit.models import AuditEvent
from supervision.guidance import services
from supervision.models import GuidanceLetter, GuidanceVisit
from tests.supervision import test_guidance as base

PDF, issue, make_visit, pdf = base.PDF, base.issue, base.make_visit, base.pdf
guidance = base.guidance

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def login(client, user):
    client.force_login(user)
    return client


def visit_url(visit):
    return reverse("supervision:guidance_visit", args=[visit.pk])


def article(html, check):
    """The HTML of one checklist item on the page."""
    start = html.index(f'id="check-{check.pk}"')
    end = html.find("<article", start)
    return html[start : end if end != -1 else len(html)]


def chosen(html, check):
    """The value of the item's checked radio on the page, or None."""
    match = re.search(rf'<input type="radio" name="c{check.pk}-conforms" value="(\w+)"[^>]*\bchecked\b', html)
    return match and match.group(1)


def entry(check, conforms="", finding=""):
    return {f"c{check.pk}-conforms": conforms, f"c{check.pk}-finding": finding}


def test_the_checklist_is_one_form_holding_every_item(client, world, guidance):
    """GIVEN the city's visit page THEN every item's choice and finding sit in one form (saving one item can
    no longer drop what was ticked on another), with the evidence inputs in it too."""
    visit = make_visit(world, guidance)
    html = login(client, guidance.city).get(visit_url(visit)).content.decode()
    forms = re.findall(r"<form\b.*?</form>", html, flags=re.S)
    holding = [f for f in forms if "-conforms" in f]
    assert len(holding) == 1
    checklist = holding[0]
    assert 'enctype="multipart/form-data"' in checklist
    for check in visit.checks.all():
        assert f'name="c{check.pk}-conforms"' in checklist and f'name="c{check.pk}-finding"' in checklist
        assert f'name="c{check.pk}-evidence"' in checklist


def test_saving_the_checklist_keeps_every_tick(client, world, guidance):
    """GIVEN a visit WHEN the city ticks three items (one not conforming, with its finding) and saves once
    THEN all three are saved, the others stay open, and the visit is in progress."""
    visit = make_visit(world, guidance)
    training, archiving, cases = (visit.checks.get(item=i) for i in ("training", "archiving", "typical_cases"))
    data = {**entry(training, "yes"), **entry(archiving, "no", "部分案卷未归档"), **entry(cases, "yes")}

    response = login(client, guidance.city).post(visit_url(visit), data)

    assert response.status_code == 302 and response["Location"].startswith(visit_url(visit))
    saved = {c.item: (c.conforms, c.finding) for c in visit.checks.all()}
    assert saved["training"] == (True, "") and saved["typical_cases"] == (True, "")
    assert saved["archiving"] == (False, "部分案卷未归档")
    assert sum(1 for conforms, _ in saved.values() if conforms is None) == visit.checks.count() - 3
    visit.refresh_from_db()
    assert visit.status == GuidanceVisit.Status.IN_PROGRESS
    html = client.get(visit_url(visit)).content.decode()
    assert "不符合 1 项" in html and chosen(html, training) == "yes" and chosen(html, archiving) == "no"


def test_one_refused_item_keeps_everything_typed_and_says_where(client, world, guidance):
    """GIVEN three items filled in, one “not conforming” without a finding WHEN saved THEN nothing is saved
    (one transaction), the page comes back with every choice and text as typed, and the refusal stands by
    that item only."""
    visit = make_visit(world, guidance)
    training, archiving, cases = (visit.checks.get(item=i) for i in ("training", "archiving", "typical_cases"))
    data = {**entry(training, "yes"), **entry(archiving, "no", "  "), **entry(cases, "no", "未按季度报送典型案例")}

    response = login(client, guidance.city).post(visit_url(visit), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert all(c.conforms is None and c.finding == "" for c in visit.checks.all())
    assert "不符合时须写明发现的问题。" in article(html, archiving)
    assert "不符合时须写明发现的问题。" not in article(html, training) + article(html, cases)
    assert (chosen(html, training), chosen(html, archiving), chosen(html, cases)) == ("yes", "no", "no")
    assert "未按季度报送典型案例" in article(html, cases)
    refused = html[html.index('id="checklist-refused"') :]
    assert "尚未保存" in refused and f'href="#check-{archiving.pk}"' in refused[: refused.index("</div>")]


def test_evidence_is_saved_with_the_checklist_and_never_lost(client, world, guidance):
    """GIVEN a photo chosen for one item and a refused item elsewhere WHEN saved THEN the photo is kept
    (stored on its item, nothing to choose again) while the ticks wait for the correction; a second save
    with the finding added stores the ticks."""
    visit = make_visit(world, guidance)
    training, archiving = visit.checks.get(item="training"), visit.checks.get(item="archiving")
    photo = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    data = {**entry(training, "yes"), **entry(archiving, "no", ""), f"c{training.pk}-evidence": photo}

    response = login(client, guidance.city).post(visit_url(visit), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert training.evidence.get().original_name == "现场照片.png"
    assert "现场照片.png" in article(html, training)
    training.refresh_from_db()
    assert training.conforms is None
    response = client.post(visit_url(visit), {**entry(training, "yes"), **entry(archiving, "no", "未归档")})
    assert response.status_code == 302
    assert {c.item: c.conforms for c in visit.checks.filter(pk__in=[training.pk, archiving.pk])} == {
        "training": True,
        "archiving": False,
    }
    assert training.evidence.count() == 1


def test_an_unsupported_evidence_file_is_refused_by_its_item(client, world, guidance):
    visit = make_visit(world, guidance)
    training = visit.checks.get(item="training")
    data = {**entry(training, "yes"), f"c{training.pk}-evidence": SimpleUploadedFile("说明.txt", b"text")}
    response = login(client, guidance.city).post(visit_url(visit), data)
    assert response.status_code == 400
    assert "格式不支持" in article(response.content.decode(), training)
    training.refresh_from_db()
    assert training.conforms is True  # the ticks were fine and are saved; only the file is refused


def test_saving_unchanged_items_records_nothing(client, world, guidance):
    visit = make_visit(world, guidance)
    training = visit.checks.get(item="training")
    services.record_check(guidance.city, training.pk, "", True)
    before = AuditEvent.objects.record_changes().count()
    data = {}
    for check in visit.checks.all():
        data.update(entry(check, "yes" if check.pk == training.pk else ""))
    assert login(client, guidance.city).post(visit_url(visit), data).status_code == 302
    assert AuditEvent.objects.record_changes().count() == before


def test_save_and_complete_in_one_step(client, world, guidance):
    """GIVEN every item but one recorded WHEN the last is ticked and “完成指导” pressed THEN the tick is saved
    and the visit completed; with an item still open the visit stays open and says why."""
    visit = make_visit(world, guidance)
    last = visit.checks.get(item="training")
    for check in visit.checks.exclude(pk=last.pk):
        services.record_check(guidance.city, check.pk, "", True)
    login(client, guidance.city)
    response = client.post(visit_url(visit), {**entry(last, ""), "complete": "1"}, follow=True)
    assert "还有1项指导事项未填写是否符合" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status != GuidanceVisit.Status.COMPLETED
    response = client.post(visit_url(visit), {**entry(last, "yes"), "complete": "1"})
    visit.refresh_from_db()
    assert response.status_code == 302 and visit.status == GuidanceVisit.Status.COMPLETED


def test_only_the_city_fills_in_the_checklist(client, world, guidance):
    visit = make_visit(world, guidance)
    training = visit.checks.get(item="training")
    county = login(client, guidance.county_user)
    assert "-conforms" not in county.get(visit_url(visit)).content.decode()
    assert county.post(visit_url(visit), entry(training, "yes")).status_code == 403
    training.refresh_from_db()
    assert training.conforms is None
    assert login(client, guidance.b_user).post(visit_url(visit), entry(training, "yes")).status_code == 404


# --- the letter page -----------------------------------------------------------------------------


def test_review_has_no_default_decision(client, world, guidance):
    """GIVEN a county's pending rectification report WHEN the city opens the letter THEN neither “通过” nor
    “退回” is pre-selected; submitting without choosing is refused with a clear message, keeps the typed
    opinion and changes nothing."""
    letter = issue(world, guidance)
    services.submit_report(guidance.county_user, letter.pk, "已整改", pdf())
    url = reverse("supervision:guidance_letter", args=[letter.pk])

    html = login(client, guidance.city).get(url).content.decode()
    review = html[html.index('id="review-form"') :]
    review = review[: review.index("</form>")]
    assert review.count('type="radio" name="decision"') == 2
    assert "checked" not in review and "selected" not in review

    response = client.post(
        reverse("supervision:guidance_report_review", args=[letter.pk]), {"reasons": "材料齐全，同意销号"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择审核结果：通过销号或退回重报。" in html and "材料齐全，同意销号" in html
    letter.refresh_from_db()
    assert letter.status == GuidanceLetter.Status.REPORT_SUBMITTED


def test_a_refused_report_keeps_the_text_typed(client, world, guidance):
    """GIVEN the county answering a letter WHEN it sends its text without the report file THEN the page says
    what is missing and the text is still there."""
    letter = issue(world, guidance)
    response = login(client, guidance.county_user).post(
        reverse("supervision:guidance_report_submit", args=[letter.pk]), {"text": "已对12名执法人员补训"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "已对12名执法人员补训" in html[html.index('id="report-form"') :]
    assert "这个字段是必填项" in html or "必填" in html
    letter.refresh_from_db()
    assert letter.status == GuidanceLetter.Status.ISSUED


def test_a_refused_report_asks_for_its_file_again(client, world, guidance):
    """GIVEN the county answering a letter with its report file WHEN the text is missing THEN the text field
    says so and the file field says the browser dropped the chosen file: it must be chosen again (nothing
    typed or chosen is dropped without a word)."""
    letter = issue(world, guidance)
    response = login(client, guidance.county_user).post(
        reverse("supervision:guidance_report_submit", args=[letter.pk]), {"text": "", "file": pdf()}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "浏览器不会保留已选的文件，请重新选择" in html[html.index('id="report-form"') :]
    assert not letter.reports.exists()


def test_a_review_refused_after_the_letter_moved_on_says_why(client, world, guidance):
    """GIVEN a report already reviewed (in another tab) WHEN the stale review form is sent again THEN the
    page says why at the top, although it no longer offers the form."""
    letter = issue(world, guidance)
    services.submit_report(guidance.county_user, letter.pk, "已整改", pdf())
    services.review_report(guidance.city, letter.pk, True)
    response = login(client, guidance.city).post(
        reverse("supervision:guidance_report_review", args=[letter.pk]), {"decision": "return", "reasons": "补充材料"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'id="review-form"' not in html
    assert "没有待审核的整改报告。" in html
