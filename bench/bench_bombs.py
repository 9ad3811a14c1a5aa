"""Hostile inputs, refused or bounded (issue 9 item 5): time and peak memory of each.

Cases, each measured in a fresh child process (so one case's memory never hides another's):
- png-bomb: a 13,300 × 13,300 px PNG (~0.5 MB) through the photo upload check → refused from its header;
- body-50M / body-200M: an anonymous JSON body of 50 / 200 MiB, streamed (never held in memory), to the token
  endpoint through the real WSGI handler → 413 before any byte is read;
- opinion-bound: the re-inspection opinion with every cell at the input bound (1,000 characters of description
  per hazard and 1,000 of note) → rendered;
- opinion-10k: the same with 10,000 + 10,000 characters (stored before the bound existed) → rendered or
  refused within the render's time limit (DOCUMENT_RENDER_SOFT_TIME_LIMIT), in the child process that a
  real render uses.
Workbook bombs are the import's (bench_import.py).

Figures: wall time, CPU time and peak RSS above the process's baseline (the render's child process counted
separately). Targets: refusals ≤ 2 s and ≤ 100 MB above baseline; the long opinion within its limit.

    .venv/bin/python bench/bench_bombs.py            # every case
    .venv/bin/python bench/bench_bombs.py png-bomb   # one
"""

import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CASES = ["png-bomb", "body-50M", "body-200M", "opinion-bound", "opinion-10k"]


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    os.environ["DEBUG"] = "false"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


def _peak_kib(who=resource.RUSAGE_SELF):
    return resource.getrusage(who).ru_maxrss


def png_bomb():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enforcement.uploads import PHOTO, validate_upload
    from tests.bounds.bombs import png_bomb as make

    data = make()
    upload = SimpleUploadedFile("bomb.png", data)

    def run():
        try:
            validate_upload(upload, PHOTO)
        except ValidationError as exc:
            return f"refused ({len(data) / 1024:.0f} KB file): {exc.messages[0]}"
        return "ACCEPTED"

    return run


def body(size):
    from django.core.handlers.wsgi import WSGIHandler

    from tests.bounds.test_body_limit import Generated

    handler = WSGIHandler()

    def run(size=size):
        stream = Generated(size)
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/auth/token/",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": stream,
            "wsgi.errors": io.StringIO(),
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(size),
        }
        status = []
        b"".join(handler(environ, lambda s, h, e=None: status.append(s)))
        return f"{status[0]}, {stream.read_so_far} of {size // MB} MiB read"

    run(1024)  # warm-up: URLconf and templates loaded, as in a serving worker
    return run


def opinion(chars):
    from django.conf import settings

    from enforcement.documents.isolation import RenderTimeout, run_bounded
    from enforcement.documents.rendering import html_to_pdf, render_html, render_pdf
    from tests.documents.samples import SAMPLES

    sentence = "报警探头仍未检验，现场检查发现整改不到位。"
    text = (sentence * (chars // len(sentence) + 1))[:chars]
    sample = SAMPLES["reinspection_opinion"](3)
    for row in sample.context["results"]:
        row["description"] = text
        if not row["passed"]:
            row["note"] = text
    short = SAMPLES["reinspection_opinion"](1)
    render_pdf(short.template, short.context)  # fonts loaded, as in a worker that has rendered before
    limit = settings.DOCUMENT_RENDER_SOFT_TIME_LIMIT

    def run():
        html = render_html(sample.template, sample.context)
        try:
            pdf = run_bounded(html_to_pdf, (html,), limit, settings.DOCUMENT_RENDER_MEMORY_MB)
        except RenderTimeout as exc:
            return f"refused: {exc}"
        return f"rendered, {len(pdf) / 1024:.0f} KB PDF (limit {limit} s)"

    return run


def measure(case):
    """Run one case in this process and print its figures as one JSON line."""
    _setup()
    prepare = {
        "png-bomb": png_bomb,
        "body-50M": lambda: body(50 * MB),
        "body-200M": lambda: body(200 * MB),
        "opinion-bound": lambda: opinion(1_000),
        "opinion-10k": lambda: opinion(10_000),
    }[case]
    run = prepare()
    baseline = _peak_kib()
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    child_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "case": case,
                "outcome": outcome,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu + child_cpu.ru_utime + child_cpu.ru_stime, 2),
                "peak_above_baseline_mb": round((_peak_kib() - baseline) / 1024, 1),
                "render_child_peak_mb": round(_peak_kib(resource.RUSAGE_CHILDREN) / 1024, 1),
            },
            ensure_ascii=False,
        )
    )


def main(cases):
    for case in cases:
        out = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--one", case], capture_output=True, text=True, cwd=ROOT, check=False
        )
        line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        if out.returncode or not line:
            print(f"{case}: FAILED\n{out.stderr[-2000:]}")
            continue
        r = json.loads(line)
        print(
            f"{r['case']:14} {r['wall_s']:6.2f} s wall, {r['cpu_s']:6.2f} s CPU, "
            f"+{r['peak_above_baseline_mb']:.0f} MB peak RSS (render child peak {r['render_child_peak_mb']:.0f} MB)"
            f" — {r['outcome']}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        measure(sys.argv[2])
    else:
        main(sys.argv[1:] or CASES)
