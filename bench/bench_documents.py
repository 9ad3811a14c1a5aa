"""Benchmark: the one-page guidance letter (安全生产执法指导意见书) rendered by WeasyPrint.

Prints the cold first render, the warm median of 20 renders after a warm-up, the PDF size and its fonts,
and — when LibreOffice is on PATH — the same letter converted to PDF by ``soffice --headless`` in the same
run, as a ratio. LibreOffice converts the letter's rendered HTML (an equivalent document; building a .docx
would need a new dependency). Targets (issue 4): warm ≤ 150 ms median, PDF ≤ 100 KB.

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


def main():
    start = time.perf_counter()
    pdf, _ = render_pdf(TEMPLATE, CONTEXT)
    cold = time.perf_counter() - start
    render_pdf(TEMPLATE, CONTEXT)  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        pdf, _ = render_pdf(TEMPLATE, CONTEXT)
        times.append(time.perf_counter() - start)
    warm = statistics.median(times)
    print(
        f"guidance letter, WeasyPrint: cold {ms(cold)}, warm median of {RUNS} {ms(warm)} "
        f"(min {ms(min(times))}, max {ms(max(times))}), PDF {len(pdf) / 1024:.0f} KB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "letter.pdf")
        path.write_bytes(pdf)
        if shutil.which("pdffonts"):
            print(subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.rstrip())  # noqa: S603, S607 - fixed poppler/LibreOffice tools, no user input
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            print("LibreOffice not on PATH: no comparison")
            return
        html = Path(tmp, "letter.html")
        html.write_text(render_html(TEMPLATE, CONTEXT), encoding="utf-8")
        profile = f"-env:UserInstallation=file://{tmp}/lo-profile"
        cmd = [
            soffice,
            profile,
            "--headless",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            f"{tmp}/lo",
            str(html),
        ]
        lo_times = []
        for _ in range(3):  # the first run also creates the profile
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=True, timeout=120)  # noqa: S603 - fixed poppler/LibreOffice tools, no user input
            lo_times.append(time.perf_counter() - start)
        lo_pdf = Path(tmp, "lo", "letter.pdf").stat().st_size
        lo = statistics.median(lo_times)
        print(
            f"same letter (HTML), LibreOffice headless: median of {len(lo_times)} {ms(lo)} incl. start-up, "
            f"PDF {lo_pdf / 1024:.0f} KB; LibreOffice / WeasyPrint warm = {lo / warm:.1f}×"
        )


if __name__ == "__main__":
    main()
