"""Actions on guidance visits and letters (执法指导, R-40…R-42).

Each action runs in one transaction, locks the row it moves, checks who may do it, and writes an audit
event. The city (the county's parent organisation) schedules, visits, issues and reviews; only the county
a letter was sent to answers it.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.audit.models import AuditEvent
from enforcement.audit.services import record
from enforcement.orgs.models import Organisation
from enforcement.orgs.scoping import ensure_in_scope
from enforcement.uploads import DOCUMENT, PHOTO, validate_upload
from plans.draws.algorithm import DrawError, run_draw
from plans.models import InspectionPlan
from supervision.guidance.models import (
    GuidanceCheck,
    GuidanceEvidence,
    GuidanceLetter,
    GuidanceSchedule,
    GuidanceVisit,
    RectificationReport,
)
from supervision.guidance.rules import CHECKLIST, SPOT_CHECK_MAX

CITY_LEVELS = (Organisation.Level.CITY, Organisation.Level.PROVINCE)


def is_city_user(user):
    org = user.organisation
    return org is not None and org.level in CITY_LEVELS


# Refusals the API's permission check gives too (supervision.guidance.api action_refusals).
CITY_ONLY = gettext_lazy("只有市应急管理局可以办理此事项。")
COUNTY_ANSWERS = gettext_lazy("只能由收到意见书的县区报送整改报告。")
CITY_REVIEWS = gettext_lazy("只有下达意见书的市应急管理局可以审核整改报告。")


def _require_city_of(user, county, perm):
    """The acting user must sit in the county's parent (the city) and hold ``perm``."""
    if not user.has_perm(perm) or user.organisation_id is None or county.parent_id != user.organisation_id:
        raise PermissionDenied(CITY_ONLY)


def _require_county(county):
    if county.level not in (Organisation.Level.COUNTY, Organisation.Level.ZONE):
        raise ValidationError(_("执法指导对象应为县区或开发区应急管理机构。"))


# --- Schedule ------------------------------------------------------------------------------------


def add_schedule_entry(user, county, year, planned_month, note=""):
    _require_county(county)
    _require_city_of(user, county, "supervision.add_guidanceschedule")
    if not 1 <= int(planned_month) <= 12:
        raise ValidationError(_("月份应在1至12之间。"))
    with transaction.atomic():
        if GuidanceSchedule.objects.filter(
            city=user.organisation, year=year, county=county, planned_month=planned_month
        ).exists():
            raise ValidationError(_("该县区在该月已有安排。"))
        entry = GuidanceSchedule.objects.create(
            city=user.organisation, county=county, year=year, planned_month=planned_month, note=note
        )
        ensure_in_scope(user, entry, "add")
        record(user, AuditEvent.Action.CREATE, entry, {"planned_month": [None, entry.planned_month]}, county.pk)
    return entry


def delete_schedule_entry(user, entry_id):
    with transaction.atomic():
        entry = GuidanceSchedule.objects.restrict(user, "delete").select_for_update().get(pk=entry_id)
        _require_city_of(user, entry.county, "supervision.delete_guidanceschedule")
        record(user, AuditEvent.Action.DELETE, entry, {"planned_month": [entry.planned_month, None]}, entry.county_id)
        entry.delete()


# --- Visits --------------------------------------------------------------------------------------


def create_visit(user, county, visit_date, team, schedule=None):
    """Start a guidance visit; the R-41 checklist items are created with it."""
    _require_county(county)
    _require_city_of(user, county, "supervision.add_guidancevisit")
    team = list(team)
    if not team:
        raise ValidationError(_("请选择指导组成员。"))
    if any(member.organisation_id != user.organisation_id for member in team):
        raise ValidationError(_("指导组成员应为本局人员。"))
    with transaction.atomic():
        visit = GuidanceVisit.objects.create(
            city=user.organisation, county=county, visit_date=visit_date, schedule=schedule, created_by=user
        )
        visit.team.set(team)
        GuidanceCheck.objects.bulk_create(
            GuidanceCheck(visit=visit, item=code, position=i) for i, (code, _label) in enumerate(CHECKLIST, start=1)
        )
        ensure_in_scope(user, visit, "add")
        record(
            user,
            AuditEvent.Action.CREATE,
            visit,
            {"visit_date": [None, visit.visit_date.isoformat()], "team": [None, [m.pk for m in team]]},
            county.pk,
        )
    return visit


def _locked_visit(user, visit_id, perm="supervision.change_guidancevisit"):
    visit = (
        GuidanceVisit.objects.restrict(user, "view")
        .select_for_update(of=("self",))
        .select_related("county")
        .get(pk=visit_id)
    )
    _require_city_of(user, visit.county, perm)
    return visit


def record_check(user, check_id, finding, conforms):
    """Record the finding of one checklist item; a visit being worked on moves to "in progress"."""
    finding = (finding or "").strip()
    # R-41 (001 §二): a non-conforming item states what was found; it becomes a finding of the letter.
    if conforms is False and not finding:
        raise ValidationError({"finding": _("不符合时须写明发现的问题。")})
    with transaction.atomic():
        check = GuidanceCheck.objects.restrict(user, "view").select_related("visit").get(pk=check_id)
        visit = _locked_visit(user, check.visit_id)
        if visit.status == GuidanceVisit.Status.COMPLETED:
            raise ValidationError(_("指导已完成，不能再修改指导事项。"))
        check = GuidanceCheck.objects.select_for_update().get(pk=check.pk)
        before = {"finding": check.finding, "conforms": check.conforms}
        check.finding, check.conforms = finding, conforms
        check.save(update_fields=["finding", "conforms"])
        if visit.status == GuidanceVisit.Status.PLANNED:
            visit.status = GuidanceVisit.Status.IN_PROGRESS
            visit.save(update_fields=["status"])
        after = {"finding": check.finding, "conforms": check.conforms}
        changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        record(user, AuditEvent.Action.UPDATE, check, changes, visit.county_id)
    return check


def _validate_evidence(upload):
    """Check an evidence file as the kind its extension names, so a refusal speaks of what was sent:
    a photo extension is checked as a photo, a document extension as a document, anything else is named
    with both lists."""
    name = (upload.name or "").lower()
    if name.endswith(PHOTO.extensions):
        return validate_upload(upload, PHOTO)
    if name.endswith(DOCUMENT.extensions):
        return validate_upload(upload, DOCUMENT)
    documents = [ext for ext in DOCUMENT.extensions if ext not in PHOTO.extensions]
    raise ValidationError(
        _("“%(name)s”的格式不支持，佐证材料仅支持文件（%(documents)s）或照片（%(photos)s）。")
        % {"name": upload.name, "documents": "、".join(documents), "photos": "、".join(PHOTO.extensions)}
    )


def add_evidence(user, check_id, upload):
    """Attach a document or photo to a checklist item (validated by content, stored under MEDIA_ROOT)."""
    _validate_evidence(upload)
    with transaction.atomic():
        check = GuidanceCheck.objects.restrict(user, "view").get(pk=check_id)
        visit = _locked_visit(user, check.visit_id)
        if visit.status == GuidanceVisit.Status.COMPLETED:
            raise ValidationError(_("指导已完成，不能再上传材料。"))
        evidence = GuidanceEvidence.objects.create(
            check_item=check, file=upload, original_name=upload.name[:200], uploaded_by=user
        )
        record(user, AuditEvent.Action.CREATE, evidence, {"file": [None, evidence.original_name]}, visit.county_id)
    return evidence


def current_plan(county, year):
    """The county's plan of the year that counts now: the newest version not superseded."""
    return (
        InspectionPlan.objects.filter(organisation=county, year=year)
        .exclude(status=InspectionPlan.Status.SUPERSEDED)
        .order_by("-version", "-id")
        .first()
    )


def draw_spot_check(user, visit_id, count=1, seed=None):
    """Draw 1–2 enterprises of the county's current plan (R-40), reproducibly with the plans draw.

    The seed, pool and result are stored so the draw can be re-run and compared. The visit's team
    members are the officer pool, so each drawn enterprise gets two of them.
    """
    if not 1 <= int(count) <= SPOT_CHECK_MAX:
        raise ValidationError(_("随机抽查企业数应为1至2家。"))
    with transaction.atomic():
        visit = _locked_visit(user, visit_id)
        if visit.spot_result:
            raise ValidationError(_("本次指导已抽取过企业，不能重复抽取。"))
        plan = current_plan(visit.county, visit.visit_date.year)
        if plan is None:
            raise ValidationError(
                _("该县区没有%(year)d年度的监督检查计划，无法抽查。") % {"year": visit.visit_date.year}
            )
        pool = sorted(set(plan.items.values_list("enterprise_id", flat=True)))
        team = sorted(visit.team.values_list("pk", flat=True))
        seed = seed or secrets.token_hex(16)
        try:
            # 行政处罚法 第42条: at least two officers per enterprise, so a team of one cannot spot-check.
            result = run_draw(pool, team, [], int(count), 2, seed)
        except DrawError as exc:
            raise ValidationError(str(exc)) from exc
        visit.spot_plan, visit.spot_seed, visit.spot_result = plan, seed, result
        visit.spot_pool = {"enterprises": pool, "officers": team}
        visit.save(update_fields=["spot_plan", "spot_seed", "spot_pool", "spot_result"])
        record(
            user,
            AuditEvent.Action.UPDATE,
            visit,
            {"spot_seed": [None, seed], "spot_result": [None, result]},
            visit.county_id,
        )
    return visit


def verify_spot_check(visit):
    """Re-run the stored draw; True when it gives the stored result."""
    if not visit.spot_result:
        return None
    pool = visit.spot_pool
    again = run_draw(pool["enterprises"], pool["officers"], [], len(visit.spot_result), 2, visit.spot_seed)
    return again == visit.spot_result


def complete_visit(user, visit_id):
    with transaction.atomic():
        visit = _locked_visit(user, visit_id)
        if visit.status == GuidanceVisit.Status.COMPLETED:
            raise ValidationError(_("该指导已完成。"))
        unchecked = visit.checks.filter(conforms__isnull=True).count()
        if unchecked:
            raise ValidationError(_("还有%(n)d项指导事项未填写是否符合。") % {"n": unchecked})
        old = visit.status
        visit.status = GuidanceVisit.Status.COMPLETED
        visit.save(update_fields=["status"])
        record(user, AuditEvent.Action.UPDATE, visit, {"status": [old, visit.status]}, visit.county_id)
    return visit


# --- Letters -------------------------------------------------------------------------------------


def default_findings(visit):
    """The non-conforming checklist items as letter findings (problem = item + finding)."""
    return [
        {"problem": f"{c.label}：{c.finding}" if c.finding else str(c.label), "opinion": ""}
        for c in visit.checks.all()
        if c.conforms is False
    ]


def issue_letter(user, visit_id, findings, report_deadline, contact_name, contact_phone):
    """Issue the 执法指导意见书 (R-42) with a number; the document record is made in the same transaction."""
    from enforcement.documents.services import issue_document
    from enforcement.documents.sources import source_key
    from supervision.guidance.documents import check_visit_completed, letter_context, letter_title

    findings = [
        {"problem": (f.get("problem") or "").strip(), "opinion": (f.get("opinion") or "").strip()}
        for f in findings
        if (f.get("problem") or "").strip()
    ]
    if not findings:
        raise ValidationError(_("请至少填写一条主要问题。"))
    with transaction.atomic():
        visit = _locked_visit(user, visit_id, "supervision.issue_guidanceletter")
        if hasattr(visit, "letter"):
            raise ValidationError(_("本次指导已下达意见书。"))
        today = timezone.localdate()
        if report_deadline <= today:
            raise ValidationError(_("整改报告期限应晚于今天。"))
        check_visit_completed(visit)
        city = visit.city
        letter = GuidanceLetter.objects.create(
            visit=visit,
            findings=findings,
            report_deadline=report_deadline,
            contact_name=contact_name,
            contact_phone=contact_phone,
            issued_by=user,
            issued_at=timezone.now(),
        )
        letter.document = issue_document(
            user,
            city,
            "guidance_letter",
            letter_title(letter),
            letter_context(letter),
            source_key=source_key(letter),
        )
        letter.save(update_fields=["document"])
        document = letter.document
        ensure_in_scope(user, letter, "view")
        record(
            user,
            AuditEvent.Action.CREATE,
            letter,
            {"number": [None, document.number], "report_deadline": [None, report_deadline.isoformat()]},
            visit.county_id,
        )
    return letter


def _locked_letter(user, letter_id):
    return (
        GuidanceLetter.objects.restrict(user, "view")
        # Lock the letter row only: PostgreSQL refuses FOR UPDATE on the nullable side of the document join.
        .select_for_update(of=("self",))
        .select_related("visit__county", "document")
        .get(pk=letter_id)
    )


def may_answer(user, letter):
    return (
        user.has_perm("supervision.answer_guidanceletter")
        and user.organisation_id == letter.visit.county_id
        and letter.status in GuidanceLetter.AWAITING_REPORT
    )


def may_review(user, letter):
    return (
        user.has_perm("supervision.review_guidanceletter")
        and user.organisation_id == letter.visit.city_id
        and letter.status == GuidanceLetter.Status.REPORT_SUBMITTED
    )


def submit_report(user, letter_id, text, upload):
    """The county sends its rectification report; a report after the deadline is accepted but flagged late."""
    validate_upload(upload, DOCUMENT)
    if not (text or "").strip():
        raise ValidationError(_("请填写整改情况。"))
    with transaction.atomic():
        letter = _locked_letter(user, letter_id)
        if not user.has_perm("supervision.answer_guidanceletter") or user.organisation_id != letter.visit.county_id:
            raise PermissionDenied(COUNTY_ANSWERS)
        if letter.status not in GuidanceLetter.AWAITING_REPORT:
            raise ValidationError(_("当前状态（%(s)s）不能报送整改报告。") % {"s": letter.get_status_display()})
        now = timezone.now()
        report = RectificationReport.objects.create(
            letter=letter,
            text=text.strip(),
            file=upload,
            original_name=upload.name[:200],
            submitted_by=user,
            submitted_at=now,
            # the report is due by the deadline in the letter; later ones are kept but flagged.
            late=timezone.localdate(now) > letter.report_deadline,
        )
        old = letter.status
        letter.status = GuidanceLetter.Status.REPORT_SUBMITTED
        letter.save(update_fields=["status"])
        record(user, AuditEvent.Action.CREATE, report, {"late": [None, report.late]}, letter.visit.county_id)
        record(user, AuditEvent.Action.UPDATE, letter, {"status": [old, letter.status]}, letter.visit.county_id)
    return report


def review_report(user, letter_id, accept, reasons=""):
    """The city accepts the pending report (the letter is closed) or returns it with reasons."""
    reasons = (reasons or "").strip()
    if not accept and not reasons:
        raise ValidationError(_("退回整改报告须说明理由。"))
    with transaction.atomic():
        letter = _locked_letter(user, letter_id)
        if not user.has_perm("supervision.review_guidanceletter") or user.organisation_id != letter.visit.city_id:
            raise PermissionDenied(CITY_REVIEWS)
        if letter.status != GuidanceLetter.Status.REPORT_SUBMITTED:
            raise ValidationError(_("没有待审核的整改报告。"))
        report = letter.reports.select_for_update().filter(decision=RectificationReport.Decision.PENDING).last()
        now = timezone.now()
        D, S = RectificationReport.Decision, GuidanceLetter.Status
        report.decision = D.ACCEPTED if accept else D.RETURNED
        report.reasons, report.reviewed_by, report.reviewed_at = reasons, user, now
        report.save(update_fields=["decision", "reasons", "reviewed_by", "reviewed_at"])
        old = letter.status
        letter.status = S.ACCEPTED if accept else S.RETURNED
        letter.closed_at = now if accept else None
        letter.save(update_fields=["status", "closed_at"])
        county_id = letter.visit.county_id
        record(user, AuditEvent.Action.UPDATE, report, {"decision": [D.PENDING, report.decision]}, county_id)
        record(user, AuditEvent.Action.UPDATE, letter, {"status": [old, letter.status]}, county_id)
    return letter
