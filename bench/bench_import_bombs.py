"""Benchmark: hostile register workbooks are refused quickly and cheaply (issue 9 item 5).

Usage (from the repository root):

    .venv/bin/python bench/bench_import_bombs.py            # full size: 200 MB strings bomb, 199 MB sheet
    .venv/bin/python bench/bench_import_bombs.py --scale 0.1  # smoke run

Builds, in a temporary directory and in streaming fashion:

- the shared-strings bomb: a ~0.5 MB .xlsx whose shared-strings table inflates to 200 MB;
- the whitespace sheet: a .xlsx whose worksheet inflates to 199 MB, nearly all whitespace;
- the string-count bomb: 1,000,000 tiny shared strings (a few MB inflated, a legitimate compression ratio).

Each file is refused by ``importing.parse_workbook`` (what the parse task runs) in a fresh child process,
which reports the wall time of the refusal and its peak resident memory above the child's baseline
(VmHWM − VmRSS before, after Django and openpyxl are loaded). No database is needed.
Targets: ≤ 2 s and ≤ 100 MB above baseline for each refusal.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
TARGET_MB = 100


def _status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)


def refuse_in_this_process(path):
    """Child: load Django, then time the refusal of ``path``; print one JSON line."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    import openpyxl  # noqa: F401 - loaded before the baseline, as in a worker

    from enforcement.enterprises import importing

    baseline = _status_kib("VmRSS")
    started = time.monotonic()
    try:
        with open(path, "rb") as fileobj:
            importing.parse_workbook(fileobj)
        message = None
    except importing.WorkbookError as exc:
        message = exc.message
    elapsed = time.monotonic() - started
    peak = _status_kib("VmHWM")
    print(json.dumps({"seconds": elapsed, "peak_mb": (peak - baseline) / 1024, "message": message}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes (default 1)")
    parser.add_argument("--refuse", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.refuse:
        refuse_in_this_process(args.refuse)
        return 0

    sys.path.insert(0, str(ROOT))
    from tests.enterprises import bombs

    cases = [
        (
            "shared-strings bomb",
            "strings.xlsx",
            bombs.shared_strings_bomb,
            {"inflated_mb": max(2, round(200 * args.scale))},
        ),
        ("whitespace sheet", "blank.xlsx", bombs.whitespace_sheet, {"inflated_mb": max(2, round(199 * args.scale))}),
        ("string-count bomb", "count.xlsx", bombs.many_strings, {"count": max(700_000, round(1_000_000 * args.scale))}),
    ]
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for label, name, build, kwargs in cases:
            path = Path(tmp) / name
            build_started = time.monotonic()
            build(path, **kwargs)
            built = time.monotonic() - build_started
            output = subprocess.run(  # noqa: S603 - this script, fixed arguments
                [sys.executable, __file__, "--refuse", str(path)], capture_output=True, text=True, check=True
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            ok = result["message"] and result["seconds"] <= TARGET_SECONDS and result["peak_mb"] <= TARGET_MB
            failed |= not ok
            size = ", ".join(f"{k}={v}" for k, v in kwargs.items())
            print(
                f"{label:20} file {path.stat().st_size / 1024:8.0f} KB ({size}; built in {built:.1f} s): "
                f"refused in {result['seconds']:.3f} s, peak +{result['peak_mb']:.1f} MB "
                f"{'OK' if ok else 'OVER TARGET'}\n    {result['message']}"
            )
    print(f"targets: ≤ {TARGET_SECONDS} s and ≤ {TARGET_MB} MB above baseline per refusal")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
