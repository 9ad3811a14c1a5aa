"""Benchmark: the one-page guidance letter (安全生产执法指导意见书) rendered by WeasyPrint.

Two phases in one process, same letter, same fonts:
  1. WeasyPrint's own font embedding (subsets keeping every glyph id: the known slow, large path for CJK);
  2. the compact embedding the app installs (enforcement/documents/compact_fonts.py).
For each: cold first render, warm median of 20 renders after a warm-up, the part of it spent subsetting
fonts, and the PDF size. Then, when LibreOffice is on PATH, the same letter as a .docx (LibreOffice turns
the letter's HTML into Word format once, untimed) converted to PDF by ``soffice --headless``, as a ratio.
Targets (issue 4): warm ≤ 150 ms median, PDF ≤ 100 KB.

    .venv/bin/python bench/bench_documents.py
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")

import django  # noqa: E402

django.setup()

from enforcement.documents.rendering import render_html, render_pdf  # noqa: E402

TEMPLATE = "documents/guidance_letter.html"
CONTEXT = {
    "doc": SimpleNamespace(number="（川）应急指导〔2026〕3号", title="安全生产执法指导意见书"),
    "county_name": "东城区应急管理局",
    "issuer_name": "河川市应急管理局",
    "visit_date": "2026-03-05",
    "report_deadline": "2026-04-15",
    "issue_date": "2026-03-06",
    "contact_name": "张明",
    "contact_phone": "0395-3123456",
    "findings": [
        {"problem": "年度执法计划未按要求公示。", "opinion": "十日内在门户网站公示年度执法计划。"},
        {"problem": "部分执法案卷文书填写不规范。", "opinion": "组织执法人员学习文书制作规范，逐卷整改。"},
        {"problem": "重点企业检查覆盖率不足。", "opinion": "按计划补足检查频次。"},
    ],
}
RUNS = 20


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


class SubsetClock:
    """Time spent in WeasyPrint's Font.clean (subsetting) during one render; the compact class inherits it."""

    def __init__(self):
        from weasyprint.pdf import fonts

        self.spent = 0.0
        clean = fonts.Font.clean

        def timed(font, *args, **kwargs):
            start = time.perf_counter()
            try:
                return clean(font, *args, **kwargs)
            finally:
                self.spent += time.perf_counter() - start

        fonts.Font.clean = timed


def measure(label, render, clock):
    start = time.perf_counter()
    pdf = render()
    cold = time.perf_counter() - start
    render()  # warm-up
    times, subsetting = [], []
    for _ in range(RUNS):
        clock.spent = 0.0
        start = time.perf_counter()
        pdf = render()
        times.append(time.perf_counter() - start)
        subsetting.append(clock.spent)
    warm = statistics.median(times)
    print(
        f"{label}: cold {ms(cold)}, warm median of {RUNS} {ms(warm)} (min {ms(min(times))}, max {ms(max(times))}), "
        f"of which font subsetting {ms(statistics.median(subsetting))}, PDF {len(pdf) / 1024:.0f} KB"
    )
    return pdf, warm


def weasyprint_own_embedding():
    # Before compact_fonts.install() (render_pdf installs it), with a font configuration of its own.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_html(TEMPLATE, CONTEXT)
    config = FontConfiguration()
    return lambda: HTML(string=html, base_url=str(ROOT)).write_pdf(font_config=config)


def main():
    clock = SubsetClock()
    own, _ = measure("WeasyPrint's own font embedding", weasyprint_own_embedding(), clock)
    pdf, warm = measure("compact CJK embedding (the app)", lambda: render_pdf(TEMPLATE, CONTEXT)[0], clock)
    print(f"size: {len(own) / 1024:.0f} KB → {len(pdf) / 1024:.0f} KB")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "letter.pdf")
        path.write_bytes(pdf)
        if shutil.which("pdffonts"):
            print(subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.rstrip())  # noqa: S603, S607 - fixed poppler/LibreOffice tools, no user input
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            print("LibreOffice not on PATH: no comparison")
            return
        libreoffice_comparison(soffice, Path(tmp), warm)


def libreoffice_comparison(soffice, tmp: Path, warm):
    html = tmp / "letter.html"
    html.write_text(render_html(TEMPLATE, CONTEXT), encoding="utf-8")

    def convert(source, target_filter, outdir):
        command = [soffice, f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless"]
        command += ["--convert-to", target_filter, "--outdir", str(outdir), str(source)]
        subprocess.run(command, capture_output=True, check=True, timeout=180)  # noqa: S603 - fixed LibreOffice binary, no user input

    # The equivalent .docx: Writer imports the letter's HTML and saves it in Word format (also creates the
    # profile, so the timed runs below do not pay for that).
    convert(html, "docx:MS Word 2007 XML", tmp)
    docx = tmp / "letter.docx"
    times = []
    for _ in range(3):
        start = time.perf_counter()
        convert(docx, "pdf:writer_pdf_Export", tmp / "lo")
        times.append(time.perf_counter() - start)
    lo = statistics.median(times)
    lo_pdf = (tmp / "lo" / "letter.pdf").stat().st_size
    print(
        f"same letter as .docx ({docx.stat().st_size / 1024:.0f} KB), LibreOffice headless → PDF: median of "
        f"{len(times)} {ms(lo)} incl. start-up, PDF {lo_pdf / 1024:.0f} KB; LibreOffice / WeasyPrint warm = "
        f"{lo / warm:.1f}×"
    )


if __name__ == "__main__":
    main()
