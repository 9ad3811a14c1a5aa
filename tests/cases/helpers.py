"""Building blocks for the inspection page, API and browser tests: a plan in force with a due item."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.inspections import services
from plans.annual import services as plan_services
from plans.models import CheckItem, InspectionPlan
from tests.planning import fill_valid_plan


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
    plan_services.approve_plan(p.legal, p.plan.pk, "document", "东政文〔2026〕12号", approval_file())
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
