"""Issue 9 item 5: long typed text in a document's table cell renders in linear time, and is bounded at input."""

import re
import time

import pytest

from cases.inspections.forms import HazardForm
from enforcement.documents.rendering import render_html, render_pdf
from enforcement.documents.templatetags.documents import CELL_PIECE, cell_pieces, in_pieces
from tests.documents.samples import SAMPLES

SENTENCE = "报警探头仍未检验，现场检查发现整改不到位。"


def long_text(n):
    return (SENTENCE * (n // len(SENTENCE) + 1))[:n]


def opinion_with(description, note):
    sample = SAMPLES["reinspection_opinion"](3)
    for row in sample.context["results"]:
        row["description"] = description
        if not row["passed"]:
            row["note"] = note
    return sample


def test_cell_text_is_cut_after_sentences_into_short_pieces():
    pieces = cell_pieces(long_text(5_000))
    assert "".join(pieces) == long_text(5_000)
    assert max(len(p) for p in pieces) <= CELL_PIECE
    assert all(p.endswith("。") for p in pieces[:-1])  # whole sentences where they fit
    assert cell_pieces("甲" * 450) == ["甲" * 200, "甲" * 200, "甲" * 50]
    assert cell_pieces("配电箱未可靠接地") == ["配电箱未可靠接地"]
    assert in_pieces("<b>短</b>") == "&lt;b&gt;短&lt;/b&gt;"


def test_no_paragraph_in_the_opinion_table_is_longer_than_a_piece():
    """One cell holding one 5,000-character paragraph made the render quadratic (33 s CPU)."""
    sample = opinion_with(long_text(5_000), long_text(5_000))
    html = render_html(sample.template, sample.context)
    table = html[html.index('<table class="record">') : html.index("</table>")]
    runs = re.split(r"<[^>]+>", table)
    assert max(len(run.strip()) for run in runs) <= CELL_PIECE + 30  # a piece plus the location's label
    assert table.count('<span class="piece">') >= 3 * (5_000 // CELL_PIECE - 1)


def test_a_long_opinion_renders_in_linear_time():
    """Before: 1,000 characters in each row's cell took 3.7 s of CPU, 2,000 took 14.7 s (quadratic)."""
    sample = opinion_with(long_text(4_000), long_text(4_000))
    render_pdf(SAMPLES["reinspection_opinion"](1).template, SAMPLES["reinspection_opinion"](1).context)  # fonts
    started = time.process_time()
    pdf, _ms = render_pdf(sample.template, sample.context)
    assert pdf.startswith(b"%PDF")
    assert time.process_time() - started < 20  # ~5 s here; quadratic it was minutes


@pytest.mark.django_db
def test_a_hazard_description_longer_than_the_document_cell_bound_is_refused_in_chinese():
    form = HazardForm({"description": "甲" * 1_001, "rectification_deadline": "2030-01-01"})
    assert not form.is_valid()
    assert form.errors["description"] == ["最多1000个字（当前1001个），请精简后再提交。"]
