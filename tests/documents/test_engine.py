"""Document engine: numbers, immutability, new versions, idempotent rendering, PDF content and glyphs."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enforcement.documents.models import IssuedDocument, NumberSequence
from enforcement.documents.services import issue_document, issue_new_version
from enforcement.documents.tasks import render_document
from tests.documents.helpers import letter_context
from tests.documents.pdfcheck import glyphs_for, pdf_text, pdffonts

RS = IssuedDocument.RenderStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def issue(world, org=None, key="guidance_letter", year=2026, context=None, **kwargs):
    return issue_document(
        world.people.city_legal,
        org or world.orgs.city,
        key,
        "安全生产执法指导意见书",
        context or letter_context(),
        year=year,
        **kwargs,
    )


def test_number_format_full_year_hexagonal_brackets_no_padding(world):
    first = issue(world)
    second = issue(world)
    assert first.number == "（川）应急指导〔2026〕1号"
    assert second.number == "（川）应急指导〔2026〕2号"
    for _ in range(8):
        tenth = issue(world)
    assert tenth.number == "（川）应急指导〔2026〕10号"
    assert "第" not in tenth.number and "〔26〕" not in tenth.number and "010" not in tenth.number


def test_serial_per_organisation_type_and_year(world):
    assert issue(world).serial == 1
    assert issue(world).serial == 2
    # Another organisation, another type, another year: each has its own sequence from 1.
    county = issue(world, org=world.orgs.county_a)
    assert (county.serial, county.number) == (1, "（东）应急指导〔2026〕1号")
    order = issue(world, key="rectification_order")
    assert (order.serial, order.number) == (1, "（川）应急责改〔2026〕1号")
    next_year = issue(world, year=2027)
    assert (next_year.serial, next_year.number) == (1, "（川）应急指导〔2027〕1号")
    assert issue(world).serial == 3


def test_rolled_back_issue_does_not_consume_a_number(world):
    issue(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(world)
        raise RuntimeError("business step failed after the number was taken")
    issue(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(world)
        raise RuntimeError("again")
    issue(world)
    serials = sorted(IssuedDocument.objects.values_list("serial", flat=True))
    assert serials == [1, 2, 3]
    assert NumberSequence.objects.get(organisation=world.orgs.city).last_serial == 3


def test_issued_content_is_immutable(world):
    document = issue(world)
    document.context["county_name"] = "西山县应急管理局"
    with pytest.raises(ValidationError):
        document.save()
    document.refresh_from_db()
    document.number = "（川）应急指导〔2026〕99号"
    with pytest.raises(ValidationError):
        document.save()
    document.refresh_from_db()
    assert document.context["county_name"] == "东城区应急管理局"
    assert document.number == "（川）应急指导〔2026〕1号"


def test_new_version_keeps_the_number_and_references_the_old(world):
    """A re-issued document is version 2 under the same number; version 1 is untouched and superseded; no
    number is allocated (the sequence stays gap-free for the next document)."""
    original = issue(world)
    corrected = issue_new_version(
        world.people.city_legal, original.pk, letter_context(report_deadline="2026-04-30"), "整改报告期限有误"
    )
    assert corrected.pk != original.pk
    assert corrected.replaces_id == original.pk
    assert (corrected.number, corrected.version) == ("（川）应急指导〔2026〕1号", 2)
    original.refresh_from_db()
    assert original.context["report_deadline"] == "2026-04-15"  # the original is untouched
    assert original.status == IssuedDocument.Status.SUPERSEDED
    with pytest.raises(ValidationError):
        issue_new_version(world.people.city_legal, original.pk, letter_context(), "再改")
    assert issue(world).number == "（川）应急指导〔2026〕2号"


def test_correct_document_is_a_new_version_with_a_reason(world):
    """Callers that re-issue on their own (the annual plan's text) keep the number too."""
    from enforcement.documents.services import correct_document

    original = issue(world)
    corrected = correct_document(world.people.city_legal, original.pk, letter_context(report_deadline="2026-04-30"))
    assert (corrected.number, corrected.version, corrected.replaces_id) == (original.number, 2, original.pk)
    assert corrected.reason


def test_new_version_out_of_scope_is_not_found(world):
    original = issue(world)
    with pytest.raises(IssuedDocument.DoesNotExist):
        issue_new_version(world.people.county_b_officer, original.pk, letter_context(), "越权")


def test_render_runs_after_commit_and_is_idempotent(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = issue(world)
    document.refresh_from_db()
    assert document.render_status == RS.RENDERED
    first_name, first_hash = document.pdf.name, document.pdf_sha256
    with document.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == first_hash
    # A retried or duplicated task: nothing happens, no second file, no second number.
    assert render_document(document.pk) is None
    assert render_document.delay(document.pk).get() is None
    document.refresh_from_db()
    assert (document.pdf.name, document.pdf_sha256) == (first_name, first_hash)
    assert IssuedDocument.objects.count() == 1
    assert NumberSequence.objects.get().last_serial == 1
    pdf_dir = document.pdf.storage.path(document.pdf.name).rsplit("/", 1)[0]
    import os

    assert len(os.listdir(pdf_dir)) == 1


def test_render_claimed_by_another_worker_is_skipped(world):
    document = issue(world)
    IssuedDocument.objects.filter(pk=document.pk).update(render_status=RS.RENDERING, render_claimed_at=timezone.now())
    assert render_document(document.pk) is None
    document.refresh_from_db()
    assert not document.pdf


def rendered(document):
    render_document(document.pk)
    document.refresh_from_db()
    assert document.render_status == RS.RENDERED, document.render_error
    with document.pdf.open("rb") as handle:
        return handle.read()


def test_guidance_letter_pdf_text(world):
    document = issue(world, context=letter_context(report_deadline="2026-04-15"))
    text = pdf_text(rendered(document))
    assert "安全生产执法指导意见书" in text
    assert "（川）应急指导〔2026〕1号" in text
    assert "东城区应急管理局：" in text
    assert "河川市应急管理局于2026年3月5日对你局执法工作情况进行了检查指导" in text
    assert "年度执法计划未按要求公示。" in text and "逐卷整改" in text
    assert "于2026年4月15日前报告我局" in text
    assert "0395-3123456" in text
    assert "2026年3月6日" in text  # issue date under the issuer
    assert "本文书一式两份" in text
    assert "2026-03" not in text and "2026年03月" not in text


RARE = "𠮷𡈼䶮龘"


def test_rare_characters_have_real_glyphs(world):
    context = letter_context(
        county_name="𡈼乡县应急管理局",
        contact_name="𠮷野䶮",
        findings=[{"problem": "龘家沟煤矿（负责人𠮷䶮）隐患未闭环。", "opinion": "督促𡈼乡县限期整改。"}],
    )
    pdf = rendered(issue(world, context=context))
    text = pdf_text(pdf)
    for char in RARE:
        assert char in text, f"{char} missing from the PDF text"
    fonts = pdffonts(pdf)
    assert fonts and all(row["emb"] == "yes" for row in fonts), fonts
    glyphs = glyphs_for(pdf, RARE)
    for char in RARE:
        assert glyphs[char], f"{char} has no glyph in any font"
        for font, gid, has_ink in glyphs[char]:
            assert has_ink, f"{char} drawn with an empty/.notdef glyph {gid} of {font}"


def test_glyph_check_detects_a_missing_glyph():
    """The check above can fail: a CJK Extension G character no installed font covers is drawn as .notdef."""
    from weasyprint import HTML

    from enforcement.documents.rendering import _font_config

    missing = "\U0003134a"
    pdf = HTML(string=f'<p style="font-family: HanaMinB">{missing}龘</p>').write_pdf(font_config=_font_config())
    glyphs = glyphs_for(pdf, missing + "龘")
    assert glyphs["龘"] and all(ink for _, _, ink in glyphs["龘"])
    assert not glyphs[missing] or not all(ink for _, _, ink in glyphs[missing])
