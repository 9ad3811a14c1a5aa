"""Benchmark: the case file (案卷) of a penalty case with 30 issued documents, assembled warm.

Builds a closed case of county A with ``--documents`` issued documents (stand-ins of 1 to 4 pages each, in the
official layout of templates/documents/form.html, issued through the document engine and rendered once,
untimed) and 20 pieces of evidence, then times ``cases.penalties.casefile``'s assembly — reading the stored
PDFs, counting their pages, rendering the cover, 卷内目录, 证据目录 and 备考表 with WeasyPrint, merging with pypdf
and stamping the page numbers — ``--runs`` times after one warm-up. Prints the median and the PDF's size and
page count. Target (issue 10): 30 documents in < 5 s warm; exit status 1 when a full-size run misses it.

    .venv/bin/python bench/bench_casefile.py                     # 30 documents, PostgreSQL
    .venv/bin/python bench/bench_casefile.py --sqlite --documents 4 --runs 1    # smoke run (CI)
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._db import median_ms, throwaway_database  # noqa: E402

TARGET_MS = 5000
PARAGRAPH = "经查，该公司未按规定对从业人员进行安全生产教育和培训，未如实记录安全生产教育和培训情况，违反了相关规定。"


def build(documents):
    from django.utils import timezone

    from cases.penalties import casefile
    from cases.penalties.models import Evidence, PenaltyCase
    from enforcement.documents.models import DocumentType
    from enforcement.documents.services import issue_document
    from tests.conftest import build_world
    from tests.penalties.evidence_helpers import add_party, make_case

    world = build_world()
    officer = world.people.county_a_officer
    case = make_case(world.orgs.county_a, officer, state=PenaltyCase.State.CLOSED)
    party = add_party(case, decided_text="警告", decided_fine=20000)
    keys = [key for key, _stage in casefile.LEGAL_ORDER]
    for n in range(documents):
        key = keys[n % len(keys)]
        DocumentType.objects.update_or_create(
            key=key, defaults={"name": key, "type_code": "应急测", "template": "tests/casefile_sample.html"}
        )
        paragraphs = [PARAGRAPH] * (4 + 9 * (n % 4))  # 1 to 4 pages
        issue_document(
            officer,
            case.organisation,
            key,
            f"文书{n + 1}",
            {"heading": f"文书{n + 1}", "paragraphs": paragraphs},
            source_key=f"cases.caseparty:{party.pk}",
        )
    for n in range(20):
        Evidence.objects.create(
            case=case,
            step=PenaltyCase.State.INVESTIGATING,
            kind="photo",
            title=f"现场照片{n + 1}",
            collected_on=timezone.localdate(),
            file=f"evidence/{n}.png",
            original_name=f"{n}.png",
            content_type="image/png",
            size=10,
            sha256="0" * 64,
            uploaded_by=officer,
        )
    return case, officer


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-casefile-")
    label, drop = throwaway_database("bench_casefile", sqlite=args.sqlite)
    try:
        from django.conf import settings
        from django.test.utils import override_settings

        templates = [
            {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], ROOT / "tests/penalties/templates"]}
        ]
        with override_settings(TEMPLATES=templates):
            run(args, label)
    finally:
        if not args.keep:
            drop()


def run(args, label):
    from cases.penalties import casefile

    case, officer = build(args.documents)
    start = time.perf_counter()
    document = casefile.build_case_file(case, officer)  # renders the documents' PDFs first (cold), untimed
    cold = time.perf_counter() - start
    parts = casefile.collect(case)
    context = casefile.cover_context(case, parts, officer)

    def assemble():
        fresh = casefile.collect(case)
        return casefile.assemble(case, document, casefile.cover_context(case, fresh, officer), fresh)

    assemble()  # warm-up
    median, timings, pdf = median_ms(assemble, args.runs)
    pages = casefile.page_count(pdf)
    print(f"case file: {args.documents} documents + evidence list ({context['evidence']} pieces), {label}")
    print(f"  first build incl. rendering every document: {cold:.1f} s")
    print(f"  warm assembly: median {median:.0f} ms over {args.runs} runs ({', '.join(f'{t:.0f}' for t in timings)})")
    print(f"  PDF: {len(pdf) / 1024:.0f} KB, {pages} pages ({context['pages']} numbered)")
    if args.documents >= 30 and median > TARGET_MS:
        print(f"  MISSED: target < {TARGET_MS} ms")
        sys.exit(1)


if __name__ == "__main__":
    main()
