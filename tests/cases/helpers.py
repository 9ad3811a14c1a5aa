"""Building blocks for the inspection page, API and browser tests: a plan in force with a due item."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.inspections import services
from plans.annual import services as plan_services
from plans.models import CheckItem, InspectionPlan
from tests.planning import fill_valid_plan


def local_minute(delta=datetime.timedelta(0)):
    """Now (plus ``delta``) as a datetime-local input sends it: "2026-05-03T09:30"."""
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def approval_file():
    return SimpleUploadedFile("批复.pdf", b"%PDF-1.4 approval", content_type="application/pdf")


def publish_plan_with_due_item(p):
    """County A's plan, in force this year, with one item planned for the current month.

    The ``planning`` fixture drafts this year's plan; its year is set to today's again here so that the "due
    this month or earlier" rule holds even if a run crossed the new year in between. Returns the due plan item.
    """
    today = timezone.localdate()
    InspectionPlan.objects.filter(pk=p.plan.pk).update(year=today.year)
    fill_valid_plan(p)
    checks = list(CheckItem.objects.filter(sector__isnull=True, principal_duty=False).order_by("sort_order")[:2])
    item = plan_services.add_item(
        p.legal,
        p.plan.pk,
        p.general[2],
        today.month,
        officers=p.officers,
        check_items=checks,
        team="执法一中队",
        onsite_notes="重点查看有限空间作业",
    )
    plan_services.submit_plan(p.legal, p.plan.pk, "报区政府")
    plan_services.approve_plan(
        p.legal, p.plan.pk, "document", "东政文〔2026〕12号", approval_file(), approved_on=timezone.localdate()
    )
    plan_services.file_plan(p.legal, p.plan.pk)
    plan_services.publish_plan(p.legal, p.plan.pk, "东城区应急管理局网站")
    return item


def png_bytes(size=(64, 48), color=(200, 60, 40)):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(size=(640, 480)):
    """A photo-like JPEG: a wall gradient with a grey cabinet and a yellow warning sign on it."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((width * 0.3, height * 0.2, width * 0.7, height * 0.9), fill=(120, 128, 136), outline=(40, 40, 40))
    draw.polygon(
        [(width * 0.5, height * 0.3), (width * 0.42, height * 0.45), (width * 0.58, height * 0.45)], fill=(240, 200, 0)
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def photo_upload(name="现场.png", data=None, content_type="image/png"):
    return SimpleUploadedFile(name, png_bytes() if data is None else data, content_type=content_type)


def record(p, item=None, **overrides):
    """An inspection recorded through the service by county A's first officer."""
    today = timezone.localdate()
    values = {
        "inspected_on": today,
        "officers": p.officers,
        "launch_meeting_held": True,
        "principal_present": True,
        "results": [{"text": "特种作业持证", "compliant": False, "note": "1人无证"}],
    }
    values.update(overrides)
    if item is not None:
        values["plan_item_id"] = item.pk
    return services.record_inspection(p.officers[0], **values)


def add_hazard(p, inspection, days=10, photos=None, **overrides):
    values = {
        "description": "配电箱未接地",
        "location": "二号车间",
        "rectification_deadline": inspection.inspected_on + datetime.timedelta(days=days),
        "photos": [photo_upload()] if photos is None else photos,
    }
    values.update(overrides)
    return services.add_hazard(p.officers[0], inspection.pk, **values)


def inspection_post(officers, **overrides):
    """The inspection form as an officer fills it in, starting now."""
    data = {
        "started_at": local_minute(),
        "officers": [o.pk for o in officers],
        "principal_present": "on",
        "safety_manager_present": "on",
        "operators_present": "王五、赵六",
        "experts": "",
        "launch_meeting_held": "on",
        "summary": "检查了生产现场和安全管理台账。",
    }
    data.update(overrides)
    return data


def completed_inspection_with_hazards(p, days=(10,), enterprise=None):
    """An unplanned inspection of ``enterprise`` (the key one by default) today, with one hazard per entry
    of ``days`` (its deadline that many days ahead), completed (三位一体: both meetings held)."""
    today = timezone.localdate()
    officer = p.officers[0]
    inspection = services.record_inspection(
        officer,
        inspected_on=today,
        officers=p.officers,
        enterprise_id=(enterprise or p.key).pk,
        launch_meeting_held=True,
        feedback_meeting_held=True,
        principal_present=True,
        results=[{"text": "消防设施完好", "compliant": False, "note": "两处缺陷"}],
    )
    descriptions = ["消防通道堵塞", "配电箱未接地", "可燃气体报警器失效", "安全警示标志缺失", "应急预案未演练"]
    hazards = [
        services.add_hazard(
            officer,
            inspection.pk,
            description=descriptions[i % len(descriptions)] + ("" if i < len(descriptions) else str(i)),
            location="仓库" if i == 0 else "",
            is_major=i == 2,
            rectification_deadline=today + datetime.timedelta(days=n),
        )
        for i, n in enumerate(days)
    ]
    services.complete_inspection(officer, inspection.pk)
    inspection.refresh_from_db()
    return inspection, hazards
