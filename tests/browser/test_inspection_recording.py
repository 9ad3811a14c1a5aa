"""An officer on site records an inspection on a 10-inch tablet: check items, attendance, a hazard with a photo."""

import datetime
import re

import pytest
from django.utils import timezone

from cases.models import Hazard, HazardPhoto, Inspection
from tests import planning as planning_fixtures
from tests.cases.helpers import jpeg_bytes, publish_plan_with_due_item

PASSWORD = "pass-1234-word"
# The shared planning fixture (county A plan, certified officers, enterprises), made available here.
planning = planning_fixtures.planning


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def sign_in(page, live_server, next_url, username="county_a_officer"):
    """Log in through the login page and land on ``next_url``."""
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def assert_no_page_overflow(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the viewport"


def assert_touch_sized(locator, minimum=44):
    box = locator.bounding_box()
    assert box is not None and box["height"] >= minimum, f"touch target only {box and box['height']}px high"


@pytest.mark.browser
def test_officer_records_an_inspection_with_a_hazard_and_photo(
    live_server,
    transactional_db,
    planning,
    settings,
    tmp_path,
    page,
    viewport,
    shoot,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    item = publish_plan_with_due_item(planning)
    enterprise = planning.general[2]
    today = timezone.localdate()

    sign_in(page, live_server, "/cases/inspections/")

    # The due plan item, with a big "开始检查" button.
    row = page.locator(f'[data-plan-item="{item.pk}"]')
    assert enterprise.name in row.inner_text() and "我负责" in row.inner_text()
    start = row.get_by_role("link", name="开始检查")
    assert_touch_sized(start, 48)
    assert_no_page_overflow(page)
    shoot("cases-inspection-list")
    start.click()
    page.wait_for_url(re.compile(rf"/cases/inspections/new/\?plan_item={item.pk}$"))

    # Prefilled from the plan item: the enterprise, today's date, the planned officers, the check items.
    assert page.locator("#h-target").inner_text() == enterprise.name
    assert page.input_value("#id_started_at").startswith(today.isoformat() + "T")
    for officer in planning.officers:
        assert page.locator(f'#officer-choices input[value="{officer.pk}"]').is_checked()
    rows = page.locator(".cases-check")
    count = rows.count()
    assert count >= 3
    first, second = rows.nth(0), rows.nth(1)
    first_id, second_id = first.get_attribute("data-check-item"), second.get_attribute("data-check-item")

    yes = page.locator(f'label[for="id_check_{first_id}_0"]')
    assert yes.inner_text() == "符合"
    assert_touch_sized(yes, 48)
    yes.click()
    page.locator(f'label[for="id_check_{second_id}_1"]').click()  # 不符合
    page.fill(f"#id_note_{second_id}", "安全生产责任制未覆盖班组")
    for name in ("principal_present", "safety_manager_present", "launch_meeting_held"):
        label = page.locator(f'label[for="id_{name}"]')
        assert_touch_sized(label, 48)
        label.click()
    page.fill("#id_operators_present", "王五、赵六")
    page.fill("#id_summary", "检查了生产现场和安全管理台账。")
    assert page.locator(f"#id_check_{first_id}_0").is_checked()
    assert page.locator(f"#id_check_{second_id}_1").is_checked()

    # A dropped connection or a reload loses nothing: the draft comes back from the tablet's storage.
    page.wait_for_timeout(400)
    page.reload()
    assert page.locator("[data-draft-notice]").is_visible()
    assert page.input_value("#id_operators_present") == "王五、赵六"
    assert page.locator(f"#id_check_{second_id}_1").is_checked()
    assert page.locator("#id_principal_present").is_checked()
    assert_no_page_overflow(page)
    shoot("cases-inspection-form")

    page.click("#btn-save")
    page.wait_for_url(re.compile(r"/cases/inspections/\d+/$"))
    inspection = Inspection.objects.get()
    assert inspection.plan_item_id == item.pk and inspection.principal_present and inspection.launch_meeting_held
    results = {str(r.check_item_id): (r.compliant, r.note) for r in inspection.results.all()}
    assert results[first_id] == (True, "") and results[second_id] == (False, "安全生产责任制未覆盖班组")
    assert "已保存对" in page.locator(".messages").inner_text()
    assert "符合 1" in page.locator(".cases-tally").inner_text()
    # The saved draft was discarded: the form does not come back with old values next time.
    assert page.evaluate(f"localStorage.getItem('cases-draft:inspection:plan_item:{item.pk}')") is None

    # The photo input opens the rear camera on a tablet.
    photos = page.locator("#id_photos")
    assert photos.get_attribute("accept") == "image/*"
    assert photos.get_attribute("capture") == "environment"
    assert photos.get_attribute("multiple") is not None

    deadline = (today + datetime.timedelta(days=10)).isoformat()
    page.fill("#id_description", "二号车间配电箱未可靠接地")
    page.fill("#id_location", "二号车间")
    page.fill("#id_rectification_deadline", deadline)

    # A fake photo is refused with a clear message and the typed text stays.
    page.set_input_files("#id_photos", files=[{"name": "假照片.png", "mimeType": "image/png", "buffer": b"not a png"}])
    page.click("#btn-add-hazard")
    page.wait_for_selector("#hazard-errors")
    assert "内容与文件类型不符" in page.locator("#hazard-errors").inner_text()
    assert page.input_value("#id_description") == "二号车间配电箱未可靠接地"
    assert page.input_value("#id_rectification_deadline") == deadline
    assert not Hazard.objects.exists()
    shoot("cases-hazard-error")

    page.set_input_files(
        "#id_photos", files=[{"name": "配电箱.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((800, 600))}]
    )
    preview = page.locator("[data-photo-preview] li")
    assert preview.count() == 1 and "配电箱.jpg" in preview.inner_text()
    assert page.locator("[data-photo-count]").inner_text() == "已选择 1 张照片"
    page.click("#btn-add-hazard")
    page.wait_for_url(re.compile(r"/cases/inspections/\d+/#hazard-\d+$"))

    hazard = Hazard.objects.get()
    card = page.locator(f"#hazard-{hazard.pk}")
    assert "二号车间配电箱未可靠接地" in card.inner_text()
    assert deadline in card.inner_text() and "整改中" in card.inner_text()
    photo = HazardPhoto.objects.get()
    thumb = card.locator("img.cases-photo")
    assert thumb.get_attribute("src") == f"/cases/photos/{photo.pk}/?size=thumb"
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle(), timeout=10_000)
    assert thumb.evaluate("img => img.naturalWidth") > 0
    assert_no_page_overflow(page)
    card.scroll_into_view_if_needed()
    shoot("cases-inspection-detail")

    # Back on the list: the item is no longer due, the inspection shows its open hazard.
    page.goto(f"{live_server.url}/cases/inspections/")
    assert page.locator(f'[data-plan-item="{item.pk}"]').count() == 0
    listed = page.locator("#inspection-table tbody").inner_text()
    assert enterprise.name in listed and "1 项未闭环" in listed
    assert_no_page_overflow(page)
    shoot("cases-inspection-list-after")


@pytest.mark.browser
def test_officer_reinspects_a_hazard_until_it_is_closed(
    live_server,
    transactional_db,
    planning,
    settings,
    tmp_path,
    page,
    shoot,
):
    from tests.cases.helpers import add_hazard, record

    settings.MEDIA_ROOT = tmp_path / "media"
    inspection = record(planning, publish_plan_with_due_item(planning))
    hazard = add_hazard(planning, inspection, description="消防通道堵塞", location="成品仓库")
    today = timezone.localdate()

    sign_in(page, live_server, "/cases/hazards/")
    assert "消防通道堵塞" in page.locator("#hazard-table").inner_text()
    assert_no_page_overflow(page)
    shoot("cases-hazard-list")

    page.locator(f'tr[data-hazard="{hazard.pk}"]').get_by_role("link", name="复查").click()
    # One page for every open hazard of the order: each gets its result on this visit.
    page.wait_for_url(re.compile(rf"/cases/inspections/{inspection.pk}/reinspect/#hazard-{hazard.pk}$"))
    row = page.locator(f"#hazard-{hazard.pk}")
    failed = row.locator('label[for="id_rows-0-result_2"]')
    assert failed.inner_text() == "整改不合格"
    assert_touch_sized(failed, 48)
    failed.click()
    page.fill("#id_rows-0-note", "堆放物未清理")
    page.click("#btn-save")
    page.wait_for_selector("#form-errors")
    assert "复查不合格时须重新确定" in row.inner_text()
    assert page.input_value("#id_rows-0-note") == "堆放物未清理"
    assert page.locator("#id_rows-0-result_2").is_checked()
    assert_no_page_overflow(page)
    shoot("cases-reinspect-error")

    new_deadline = (today + datetime.timedelta(days=5)).isoformat()
    page.fill("#id_rows-0-new_deadline", new_deadline)
    page.click("#btn-save")
    page.wait_for_url(re.compile(rf"/cases/inspections/{inspection.pk}/#visit-\d+$"))
    card = page.locator(f"#hazard-{hazard.pk}")
    assert "整改不合格" in card.inner_text() and new_deadline in card.inner_text()

    page.locator("#reinspections [data-reinspect]").click()
    page.wait_for_url(re.compile(rf"/cases/inspections/{inspection.pk}/reinspect/$"))
    page.locator('label[for="id_rows-0-result_1"]').click()
    shoot("cases-reinspect-form")
    page.click("#btn-save")
    page.wait_for_url(re.compile(rf"/cases/inspections/{inspection.pk}/#visit-\d+$"))
    assert "合格 1 项" in page.locator(".messages").inner_text()
    assert "复查合格" in page.locator(f"#hazard-{hazard.pk}").inner_text()
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.CLOSED

    page.goto(f"{live_server.url}/cases/hazards/?state=closed")
    assert "消防通道堵塞" in page.locator("#hazard-table").inner_text()
    assert "整改复查率 100%" in page.locator("#reinspection-rate").inner_text()
    assert_no_page_overflow(page)
    shoot("cases-hazard-list-closed")


@pytest.mark.browser
def test_a_photo_chosen_before_a_failed_submit_is_kept(live_server, transactional_db, planning, media, page, shoot):
    """GIVEN an officer who took a photo of a hazard WHEN the form comes back with an error (no description)
    THEN the photo is shown as kept; after fixing the error and saving, the hazard has the photo."""
    from tests.cases.helpers import record

    inspection = record(planning, publish_plan_with_due_item(planning))
    sign_in(page, live_server, f"/cases/inspections/{inspection.pk}/")

    page.fill("#id_location", "配电房")
    page.set_input_files(
        "#id_photos", files=[{"name": "配电箱.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((800, 600))}]
    )
    page.click("#btn-add-hazard")
    page.wait_for_selector("#hazard-errors")
    assert "隐患描述" in page.locator("#hazard-errors").inner_text()
    kept = page.locator("#kept-photos")
    assert "已保留上次选择的 1 张照片" in kept.inner_text() and "配电箱.jpg" in kept.inner_text()
    thumb = kept.locator("img.cases-photo")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle(), timeout=10_000)
    assert kept.locator('input[name="keep_photo"]').is_checked()
    assert page.input_value("#id_location") == "配电房"
    assert not Hazard.objects.exists()
    assert_no_page_overflow(page)
    kept.scroll_into_view_if_needed()
    shoot("cases-hazard-photo-kept")

    page.fill("#id_description", "配电箱未可靠接地")
    page.click("#btn-add-hazard")
    page.wait_for_url(re.compile(rf"/cases/inspections/{inspection.pk}/#hazard-\d+$"))
    assert "照片 1 张" in page.locator(".messages").inner_text()
    hazard = Hazard.objects.get()
    assert hazard.description == "配电箱未可靠接地"
    assert [p.original_name for p in hazard.photos.all()] == ["配电箱.jpg"]
    card = page.locator(f"#hazard-{hazard.pk}")
    assert card.locator("img.cases-photo").count() == 1
