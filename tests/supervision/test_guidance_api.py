"""/api/guidance-*: the guidance workflow over the REST API, scoped like the pages (R-40…R-43)."""

import datetime

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from drf_spectacular.validation import validate_schema

from supervision.guidance import services
from supervision.models import GuidanceLetter, GuidanceSchedule
from tests.supervision import test_guidance as base
from tests.supervision.test_api import api  # noqa: F401 - fixture

guidance, issue, make_visit, pdf = base.guidance, base.issue, base.make_visit, base.pdf

SCHEDULE, VISITS, LETTERS, LEDGER = (
    "/api/guidance-schedule/",
    "/api/guidance-visits/",
    "/api/guidance-letters/",
    "/api/guidance-ledger/",
)


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def rows(response):
    return ok(response)["results"]


def in_a_month():
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


# --- the whole workflow --------------------------------------------------------------------------


def test_full_workflow(world, guidance, api, django_capture_on_commit_callbacks):  # noqa: F811
    """GIVEN the city's legal section and county A's plan
    WHEN the city schedules, visits, records the checklist, uploads evidence, spot-checks, completes and
    issues a letter, and county A reports, is returned with reasons, reports again and is accepted
    THEN every step answers over the API and the ledger shows county A's letter closed."""
    today = timezone.localdate()
    a = world.orgs.county_a
    city = api.as_(guidance.city)

    entry = ok(
        city.post(
            SCHEDULE, {"county": a.pk, "year": today.year, "planned_month": today.month, "note": "综合"}, format="json"
        ),
        201,
    )
    assert (entry["county_name"], entry["city"], entry["visited"]) == ("东城区应急管理局", world.orgs.city.pk, False)
    warnings = ok(city.get(f"{SCHEDULE}warnings/", {"year": today.year}))
    assert warnings["year"] == today.year
    assert any("西山县应急管理局未安排执法指导" in w for w in warnings["warnings"])

    visit = ok(
        city.post(
            VISITS,
            {"county": a.pk, "visit_date": today.isoformat(), "team": [guidance.city.pk, guidance.colleague.pk]},
            format="json",
        ),
        201,
    )
    assert visit["schedule"] == entry["id"] and visit["status"] == "planned"
    assert [c["label"] for c in visit["checks"]][:2] == ["年度监督检查计划编制", "计划审批报备"]
    assert len(visit["checks"]) == 12
    assert [row["visited"] for row in rows(city.get(SCHEDULE, {"year": today.year}))] == [True]
    url = f"{VISITS}{visit['id']}/"

    for check in visit["checks"]:
        conforms = check["item"] not in ("training", "archiving")
        body = {"finding": "" if conforms else f"{check['label']}存在问题", "conforms": conforms}
        saved = ok(city.post(f"{url}checks/{check['id']}/", body, format="json"))
        assert saved["conforms"] is conforms
    training = next(c for c in visit["checks"] if c["item"] == "training")

    evidence = ok(city.post(f"{url}evidence/", {"check_item": training["id"], "file": pdf("培训记录.pdf")}), 201)
    assert evidence["original_name"] == "培训记录.pdf"
    download = city.get(evidence["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    detail = ok(city.get(url))
    assert detail["status"] == "in_progress"
    assert [e["id"] for e in next(c for c in detail["checks"] if c["item"] == "training")["evidence"]] == [
        evidence["id"]
    ]

    drawn = ok(city.post(f"{url}spot-check/", {"count": 2}, format="json"))
    plan_names = set(guidance.plan.items.values_list("enterprise__name", flat=True))
    assert len(drawn["spot_result"]) == 2 and {r["enterprise_name"] for r in drawn["spot_result"]} <= plan_names
    assert all(len(r["officer_names"]) == 2 for r in drawn["spot_result"])
    verify = ok(city.get(f"{url}verify/"))
    assert verify["verified"] is True and verify["seed"] == drawn["spot_seed"]
    assert verify["result"] == drawn["spot_result"]

    assert ok(city.post(f"{url}complete/"))["status"] == "completed"

    with django_capture_on_commit_callbacks(execute=True):
        letter = ok(
            city.post(
                f"{url}issue-letter/",
                {"report_deadline": in_a_month(), "contact_name": "张联络", "contact_phone": "0395-1234567"},
                format="json",
            ),
            201,
        )
    assert letter["number"].startswith("（川）")
    assert [f["problem"] for f in letter["findings"]] == [
        "执法人员培训：执法人员培训存在问题",
        "行政处罚案卷归档管理：行政处罚案卷归档管理存在问题",
    ]
    assert (letter["status"], letter["overdue"], letter["reports"]) == ("issued", False, [])
    assert ok(city.get(url))["letter_number"] == letter["number"]
    letter_url = f"{LETTERS}{letter['id']}/"

    county = api.as_(guidance.county_user)
    seen = ok(county.get(letter_url))
    assert (seen["may_answer"], seen["may_review"]) == (True, False)
    assert b"".join(county.get(seen["document_url"]).streaming_content).startswith(b"%PDF")
    reported = ok(county.post(f"{letter_url}report/", {"text": "已整改培训与归档", "file": pdf()}), 201)
    assert reported["status"] == "report_submitted"
    assert [(r["text"], r["late"], r["decision"]) for r in reported["reports"]] == [
        ("已整改培训与归档", False, "pending")
    ]

    city = api.as_(guidance.city)
    returned = ok(city.post(f"{letter_url}review/", {"decision": "return", "reasons": "培训记录未附"}, format="json"))
    assert returned["status"] == "returned"
    assert (returned["reports"][0]["decision"], returned["reports"][0]["reasons"]) == ("returned", "培训记录未附")

    county = api.as_(guidance.county_user)
    again = ok(county.post(f"{letter_url}report/", {"text": "补充培训记录", "file": pdf("补充.pdf")}), 201)
    assert again["status"] == "report_submitted" and len(again["reports"]) == 2

    city = api.as_(guidance.city)
    accepted = ok(city.post(f"{letter_url}review/", {"decision": "accept"}, format="json"))
    assert accepted["status"] == "accepted" and accepted["closed_at"] is not None
    assert [r["decision"] for r in accepted["reports"]] == ["returned", "accepted"]

    ledger = ok(city.get(LEDGER, {"year": today.year}))
    by_county = {row["county_name"]: row for row in ledger["rows"]}
    assert set(by_county) == {"东城区应急管理局", "西山县应急管理局"}
    a_row = by_county["东城区应急管理局"]
    assert (a_row["visits"], a_row["letters"], a_row["open"], a_row["overdue"], a_row["closed"]) == (1, 1, 0, 0, 1)
    assert a_row["last_visit"] == today.isoformat()
    assert ledger["totals"] == {"visits": 1, "letters": 1, "open": 0, "overdue": 0, "closed": 1}
    assert [(x["number"], x["status"], x["report_count"]) for x in ledger["letters"]] == [
        (letter["number"], "accepted", 2)
    ]


# --- scope and permissions -----------------------------------------------------------------------


def test_county_b_cannot_see_or_answer_county_a(world, guidance, api):  # noqa: F811
    """GIVEN county A's visit and letter, THEN county B finds neither (404), cannot answer, and lists nothing."""
    letter = issue(world, guidance)
    visit = letter.visit
    b = api.as_(guidance.b_user)
    assert b.get(f"{VISITS}{visit.pk}/").status_code == 404
    assert b.get(f"{VISITS}{visit.pk}/verify/").status_code == 404
    assert b.get(f"{LETTERS}{letter.pk}/").status_code == 404
    assert b.post(f"{LETTERS}{letter.pk}/report/", {"text": "冒报", "file": pdf()}).status_code == 404
    assert b.post(f"{LETTERS}{letter.pk}/review/", {"decision": "accept"}, format="json").status_code == 404
    assert rows(b.get(VISITS)) == [] and rows(b.get(LETTERS)) == []
    assert [r["county_name"] for r in ok(b.get(LEDGER))["rows"]] == ["西山县应急管理局"]
    assert GuidanceLetter.objects.get(pk=letter.pk).status == GuidanceLetter.Status.ISSUED

    a = api.as_(guidance.county_user)
    assert [v["id"] for v in rows(a.get(VISITS))] == [visit.pk]
    assert [x["id"] for x in rows(a.get(LETTERS))] == [letter.pk]


def test_county_a_cannot_run_the_citys_steps(world, guidance, api):  # noqa: F811
    """GIVEN a county-A visit THEN county A's officer sees it but every city step is refused (403),
    and the city cannot answer the county's letter (403)."""
    entry = services.add_schedule_entry(guidance.city, world.orgs.county_a, 2026, 3)
    visit = make_visit(world, guidance)
    base.finish_checks(guidance, visit)
    services.complete_visit(guidance.city, visit.pk)
    url = f"{VISITS}{visit.pk}/"
    county = api.as_(guidance.county_user)
    assert ok(county.get(url))["id"] == visit.pk
    refused = county.post(
        f"{url}issue-letter/",
        {"report_deadline": in_a_month(), "contact_name": "张", "contact_phone": "1"},
        format="json",
    )
    assert refused.status_code == 403 and refused.json()["detail"] == "只有市应急管理局可以办理此事项。"
    assert not GuidanceLetter.objects.exists()
    check = visit.checks.first()
    body = {"finding": "", "conforms": True}
    assert county.post(f"{url}checks/{check.pk}/", body, format="json").status_code == 403
    assert county.post(f"{url}spot-check/", {"count": 1}, format="json").status_code == 403
    created = county.post(
        VISITS,
        {"county": world.orgs.county_a.pk, "visit_date": "2026-03-02", "team": [guidance.county_user.pk]},
        format="json",
    )
    assert created.status_code == 403
    assert (
        county.post(SCHEDULE, {"county": world.orgs.county_a.pk, "year": 2026, "planned_month": 4}).status_code == 403
    )
    # Deleting needs the delete permission: the county reads the entry, so it is told who may delete it.
    refused = county.delete(f"{SCHEDULE}{entry.pk}/")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有市应急管理局可以办理此事项。"
    assert GuidanceSchedule.objects.filter(pk=entry.pk).exists()
    assert ok(county.get(f"{SCHEDULE}warnings/"))["warnings"] == []

    letter = services.issue_letter(
        guidance.city,
        visit.pk,
        services.default_findings(visit),
        timezone.localdate() + datetime.timedelta(days=9),
        "张",
        "1",
    )
    city = api.as_(guidance.city)
    answer = city.post(f"{LETTERS}{letter.pk}/report/", {"text": "代报", "file": pdf()})
    assert answer.status_code == 403 and answer.json()["detail"] == "只能由收到意见书的县区报送整改报告。"
    county = api.as_(guidance.county_user)
    services.submit_report(guidance.county_user, letter.pk, "已整改", pdf())
    review = county.post(f"{LETTERS}{letter.pk}/review/", {"decision": "accept"}, format="json")
    assert review.status_code == 403
    city = api.as_(guidance.city)
    assert city.delete(f"{SCHEDULE}{entry.pk}/").status_code == 204
    assert not GuidanceSchedule.objects.filter(pk=entry.pk).exists()


# --- bad input -----------------------------------------------------------------------------------


def test_bad_input_is_400_in_chinese(world, guidance, api):  # noqa: F811
    visit = make_visit(world, guidance)
    other = make_visit(world, guidance)
    url = f"{VISITS}{visit.pk}/"
    city = api.as_(guidance.city)

    past = city.post(
        f"{url}issue-letter/",
        {
            "findings": [{"problem": "培训不足", "opinion": "制定计划"}],
            "report_deadline": timezone.localdate().isoformat(),
            "contact_name": "张",
            "contact_phone": "1",
        },
        format="json",
    )
    assert past.status_code == 400 and past.json() == {"non_field_errors": ["整改报告期限应晚于今天。"]}
    nothing = city.post(
        f"{url}issue-letter/",
        {"findings": [], "report_deadline": in_a_month(), "contact_name": "张", "contact_phone": "1"},
        format="json",
    )
    assert nothing.status_code == 400 and nothing.json() == {"non_field_errors": ["请至少填写一条主要问题。"]}

    check = visit.checks.get(item="training")
    fake = SimpleUploadedFile("培训.pdf", b"just text, not a pdf", content_type="application/pdf")
    upload = city.post(f"{url}evidence/", {"check_item": check.pk, "file": fake})
    # Checked as the kind its extension names: the document's content rule, not the photo rule.
    assert upload.status_code == 400 and upload.json() == {
        "non_field_errors": ["“培训.pdf”的内容与文件类型不符，请重新选择。"]
    }
    foreign = city.post(f"{url}evidence/", {"check_item": other.checks.first().pk, "file": pdf()})
    assert foreign.status_code == 400 and "check_item" in foreign.json()
    assert not check.evidence.exists()

    blank = city.post(f"{url}checks/{check.pk}/", {"finding": " ", "conforms": False}, format="json")
    assert blank.status_code == 400 and blank.json() == {"finding": ["不符合时须写明发现的问题。"]}
    assert city.post(f"{url}checks/{other.checks.first().pk}/", {"conforms": True}, format="json").status_code == 404
    unfinished = city.post(f"{url}complete/")
    assert unfinished.status_code == 400 and unfinished.json()["non_field_errors"] == [
        "还有12项指导事项未填写是否符合。"
    ]
    assert city.post(f"{url}spot-check/", {"count": 3}, format="json").status_code == 400

    month = city.post(SCHEDULE, {"county": world.orgs.county_a.pk, "year": 2026, "planned_month": 13}, format="json")
    assert month.status_code == 400 and month.json() == {"non_field_errors": ["月份应在1至12之间。"]}
    assert city.get(f"{SCHEDULE}warnings/", {"year": "x"}).status_code == 400

    letter = issue(world, guidance, other)
    county = api.as_(guidance.county_user)
    text = SimpleUploadedFile("整改.txt", b"plain text", content_type="text/plain")
    wrong = county.post(f"{LETTERS}{letter.pk}/report/", {"text": "已整改", "file": text})
    assert wrong.status_code == 400 and "格式不支持" in wrong.json()["non_field_errors"][0]
    missing = county.post(f"{LETTERS}{letter.pk}/report/", {"text": "已整改"})
    assert missing.status_code == 400 and "file" in missing.json()
    services.submit_report(guidance.county_user, letter.pk, "已整改", pdf())
    city = api.as_(guidance.city)
    no_reason = city.post(f"{LETTERS}{letter.pk}/review/", {"decision": "return"}, format="json")
    assert no_reason.status_code == 400 and no_reason.json() == {"non_field_errors": ["退回整改报告须说明理由。"]}
    assert GuidanceLetter.objects.get(pk=letter.pk).status == GuidanceLetter.Status.REPORT_SUBMITTED


# --- lists -----------------------------------------------------------------------------------------


def test_letter_filters(world, guidance, api):  # noqa: F811
    """GIVEN an overdue letter for county A and an open one for county B, THEN the filters pick each."""
    late = issue(world, guidance)
    GuidanceLetter.objects.filter(pk=late.pk).update(report_deadline=timezone.localdate() - datetime.timedelta(days=1))
    fresh = issue(world, guidance, make_visit(world, guidance, county=world.orgs.county_b))
    city = api.as_(guidance.city)

    def ids(**params):
        return {row["id"] for row in rows(city.get(LETTERS, params))}

    assert ids() == {late.pk, fresh.pk}
    assert ids(overdue="true") == {late.pk} and ids(overdue="false") == {fresh.pk}
    assert ids(county=world.orgs.county_b.pk) == {fresh.pk}
    assert ids(status="issued", year=timezone.localdate().year) == {late.pk, fresh.pk}
    assert ids(year=2000) == set()
    overdue_row = next(r for r in rows(city.get(LETTERS)) if r["id"] == late.pk)
    assert overdue_row["overdue"] is True and overdue_row["number"] == late.document.number
    assert ok(city.get(LEDGER))["totals"]["overdue"] == 1
    visits = {row["id"] for row in rows(city.get(VISITS, {"county": world.orgs.county_b.pk, "status": "completed"}))}
    assert visits == {fresh.visit_id}
    # A county cannot filter on another county (not a valid choice), as in the other APIs.
    county = api.as_(guidance.county_user)
    assert county.get(LETTERS, {"county": world.orgs.county_b.pk}).status_code == 400


def test_list_query_counts_are_flat(world, guidance, api, django_assert_max_num_queries):  # noqa: F811
    """GIVEN one letter and one schedule entry, THEN lists of eight add no query."""
    city = api.as_(guidance.city)
    issue(world, guidance)
    services.add_schedule_entry(guidance.city, world.orgs.county_a, 2026, 1)
    counts = {}
    for url in (VISITS, LETTERS, SCHEDULE):
        with django_assert_max_num_queries(20) as captured:
            city.get(url)
        counts[url] = len(captured)
    for month in range(2, 9):
        issue(world, guidance, make_visit(world, guidance, county=world.orgs.county_b))
        services.add_schedule_entry(guidance.city, world.orgs.county_b, 2026, month)
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            assert len(rows(city.get(url))) == 8


def test_ledger_needs_the_view_permission(world, guidance, api):  # noqa: F811
    assert api.as_(world.people.nobody).get(LEDGER).status_code == 403
    assert ok(api.as_(guidance.county_user).get(LEDGER, {"year": 2026}))["rows"][0]["county_name"] == "东城区应急管理局"


def test_schema_validates_with_the_guidance_paths(world, api):  # noqa: F811
    response = api.as_(world.people.city_legal).get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    for path in (
        "/api/guidance-schedule/warnings/",
        "/api/guidance-visits/{id}/checks/{check_id}/",
        "/api/guidance-visits/{id}/issue-letter/",
        "/api/guidance-letters/{id}/review/",
        "/api/guidance-ledger/",
    ):
        assert path in schema["paths"], path
    assert schema["paths"]["/api/guidance-ledger/"]["get"]["tags"] == ["执法指导"]
    upload = schema["paths"]["/api/guidance-letters/{id}/report/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
