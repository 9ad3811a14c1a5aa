"""PDF layout of every document type (issue 8 item 3), checked by reading the PDFs themselves.

Each type is rendered short (size 1) and long (LONG_SIZES: 2–4 pages, the end of the body stepping across
a page break), then the PDF's characters, with their pages and lines (pypdfium2), are checked:
- the signature block (signatures … seal, date, "一式两份" note) is on one page together with the last
  lines of the body, and the last page holds more than the signature block;
- no table row has its cells on two pages;
- a label never runs on from the text before it (a 。 between a finding and 意见);
- dates and values in columns stay on one line;
- what the document must print is there (contact name, seal place, 主送, signer …).
The test iterates over every active DocumentType: a new type without samples fails here.
"""

import functools

import pytest
from django.utils import timezone

from enforcement.documents.models import DocumentType
from enforcement.documents.rendering import render_pdf
from tests.documents.pdfcheck import PdfLayout
from tests.documents.samples import LONG_SIZES, SAMPLES

SEPARATORS = "。；！？：，"
VARIANTS = [pytest.param(key, 1, id=f"{key}-short") for key in SAMPLES] + [
    pytest.param(key, size, id=f"{key}-long{size}") for key, sizes in LONG_SIZES.items() for size in sizes
]


@functools.cache
def rendered(key, size):
    sample = SAMPLES[key](size)
    pdf, _ms = render_pdf(sample.template, sample.context)
    return sample, PdfLayout(pdf)


def closing_span(sample, layout):
    first, _end = layout.find(sample.closing[0])
    _first, end = layout.find(sample.closing[1], first)
    return first, end


@pytest.mark.django_db
def test_every_active_document_type_has_short_and_long_samples():
    """GIVEN the document types the migrations configure
    WHEN the layout tests look for their samples
    THEN every active type has a sample builder for its own template and long sizes to render."""
    active = list(DocumentType.objects.filter(is_active=True).values_list("key", "template"))
    assert active
    missing = [key for key, _template in active if key not in SAMPLES or key not in LONG_SIZES]
    assert not missing, f"document types without layout samples (tests/documents/samples.py): {missing}"
    for key, template in active:
        assert SAMPLES[key](1).template == template, key


@pytest.mark.parametrize(("key", "size"), VARIANTS)
def test_signature_block_stays_with_the_last_lines_of_the_body(key, size):
    """GIVEN a document, short or long
    WHEN it is rendered
    THEN its signature block (signatures to seal, date and note) is on one page, with the body's last
    lines above it on that page — no page holds only the seal, the date or the note."""
    sample, layout = rendered(key, size)
    first, end = closing_span(sample, layout)
    pages = layout.pages(first, end)
    assert len(pages) == 1, f"signature block split over pages {sorted(pages)}: {layout.text[first:end]}"
    tail = layout.pages(max(first - 6, 0), first)
    assert tail == pages, f"signature block on page {pages} without the body's last line (page {tail})"


@pytest.mark.parametrize(("key", "size"), VARIANTS)
def test_last_page_holds_more_than_the_signature_block(key, size):
    sample, layout = rendered(key, size)
    first, end = closing_span(sample, layout)
    last = layout.page_count - 1
    others = [i for i, g in enumerate(layout.glyphs) if g.page == last and not first <= i < end]
    assert others, f"the last page holds only the signature block: {layout.page_text(last)}"


@pytest.mark.parametrize(("key", "size"), VARIANTS)
def test_no_table_row_is_split_across_pages(key, size):
    sample, layout = rendered(key, size)
    for first_cell, last_cell in sample.rows:
        first, _ = layout.find(first_cell)
        _, end = layout.find(last_cell, first + 1)
        pages = layout.pages(first, end)
        assert len(pages) == 1, f"table row on pages {sorted(pages)}: {layout.text[first:end]}"


@pytest.mark.parametrize(("key", "size"), VARIANTS)
def test_labels_do_not_run_on_from_the_text_before(key, size):
    sample, layout = rendered(key, size)
    for text, label in sample.separated:
        for _first, end in layout.find_all(text):
            label_at, _ = layout.find(label, end)
            between = layout.text[end:label_at]
            assert any(mark in between for mark in SEPARATORS), f"run-on: “{text}{between}{label}”"


@pytest.mark.parametrize(("key", "size"), VARIANTS)
def test_dates_and_values_are_not_wrapped(key, size):
    sample, layout = rendered(key, size)
    for value in sample.unbroken:
        spans = layout.find_all(value)
        assert spans, f"“{value}” is not in the PDF (or it is broken across lines)"
        for first, end in spans:
            assert layout.lines(first, end) == 1, f"“{value}” wraps"


@pytest.mark.parametrize(("key", "size"), VARIANTS)
def test_required_parts_are_printed(key, size):
    sample, layout = rendered(key, size)
    for text in sample.required:
        layout.find(text)


@pytest.mark.parametrize("key", list(LONG_SIZES))
def test_long_samples_run_to_several_pages_and_cross_a_page_break(key):
    """GIVEN the long sizes of a type
    THEN they run to 2–4 pages (more where an attachment follows), and in at least one the signature block
    starts in the upper third of a later page: the body ended at a page break and the rule above had
    something to keep together."""
    near_break = False
    for size in LONG_SIZES[key]:
        sample, layout = rendered(key, size)
        low, high = sample.long_pages
        assert low <= layout.page_count <= high, f"size {size}: {layout.page_count} pages"
        first, _end = closing_span(sample, layout)
        if layout.glyphs[first].page > 0 and layout.top_on_page(first) < 225 / 3:
            near_break = True
    assert near_break, "no long size lands the signature block near a page break: adjust LONG_SIZES"


def test_page_footer_counts_the_pages_of_an_enforcement_form():
    """The 2016 式样 print "共 N 页 第 N 页" on every page of a form, so a missing page shows."""
    _sample, layout = rendered("rectification_order", max(LONG_SIZES["rectification_order"]))
    n = layout.page_count
    assert layout.footers == [f"共{n}页第{page}页" for page in range(1, n + 1)]


@pytest.mark.django_db
def test_monthly_report_names_its_addressee_and_signer(world):
    """GIVEN county A's month, confirmed by its legal head WHEN its report is built for issuing
    THEN it is addressed (主送) to the bureau above, signed (签发人) by whoever confirmed it, and names the
    preparer who issues it; unconfirmed, the issuer signs."""
    from supervision.progress.documents import monthly_report_context
    from supervision.progress.models import MonthlyProgress
    from tests.factories import UserFactory

    county = world.orgs.county_a
    legal = UserFactory(username="county_a_legal", full_name="周振华", organisation=county, roles=["legal"])
    preparer = UserFactory(username="county_a_clerk", full_name="陈静", organisation=county, roles=["legal"])
    now = timezone.now()
    report = MonthlyProgress.objects.create(
        organisation=county,
        month=timezone.localdate().replace(day=1),
        generated_at=now,
        confirmed_at=now,
        confirmed_by=legal,
    )
    context = monthly_report_context(report, preparer)
    assert (context["addressee"], context["signer"], context["preparer"]) == (world.orgs.city.name, "周振华", "陈静")
    report.confirmed_by = report.confirmed_at = None
    assert monthly_report_context(report, preparer)["signer"] == "陈静"
