#!/usr/bin/env python
"""Benchmark: how long a monthly run and a register export take to recover from a SIGKILLed worker (issue 9 item 8).

For each job it first times one undisturbed run through a real prefork worker, then kills the worker's
child (what the OOM killer does) at ``--kill-at`` of that time and measures kill → completed, and with
``--whole-worker`` kills the whole worker (its process group), starts a fresh one and calls the sweep
every ``--sweep-every`` seconds (beat calls it every minute) until the job is completed: that takes the
job's hard time limit + 30 s by design (settings.py explains the arithmetic).

Data: bench_plans.py's province at ``--scale`` (1.0: 100 counties, 200,000 enterprises, 500,000
inspections); the export is a city's register as a city officer sees it. PostgreSQL and Redis only:

    CELERY_BROKER_URL=redis://127.0.0.1:6379/8 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/bench_recovery.py --scale 0.25 [--whole-worker]

The database (``--name``, default bench_recovery) is created afresh and dropped afterwards; the Redis
database's queue is purged first, so give it one nobody else uses.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _db import ROOT, _postgres_database


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction of the undisturbed time (default 0.5)")
    parser.add_argument("--whole-worker", action="store_true", help="also kill the whole worker (takes minutes)")
    parser.add_argument("--sweep-every", type=float, default=5.0)
    parser.add_argument("--name", default="bench_recovery")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


class Worker:
    def __init__(self, media_root, log):
        env = {**os.environ, "MEDIA_ROOT": str(media_root), "DB_CONN_MAX_AGE": "0", "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "celery", "-A", "enforcement.celery", "worker", "--pool=prefork"]
        command += ["--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        from enforcement.celery import app

        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit("the worker did not start; see its log")

    def child(self):
        """The pid of the (single) pool child that runs tasks."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0])

    def kill_child(self):
        os.kill(self.child(), signal.SIGKILL)

    def kill_whole(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def wait_for(condition, timeout=900, interval=0.05, every=None):
    """Poll ``condition`` (calling ``every`` at its own interval too); seconds until true."""
    start = last = time.monotonic()
    while not condition():
        now = time.monotonic()
        if now - start > timeout:
            raise SystemExit("timed out")
        if every and now - last >= every[0]:
            every[1]()
            last = now
        time.sleep(interval)
    return time.monotonic() - start


def measure(name, start_job, is_running, is_done, attempts, sweep, worker_box, args, media_root, log):
    """Undisturbed, child killed, whole worker killed: print the figures."""
    start_job()
    undisturbed = wait_for(is_done)
    print(f"{name}: undisturbed {undisturbed:.2f} s")

    start_job()
    wait_for(is_running)
    time.sleep(undisturbed * args.kill_at)
    worker_box[0].kill_child()
    recovered = wait_for(is_done)
    print(f"{name}: child SIGKILLed {undisturbed * args.kill_at:.2f} s in -> completed after {recovered:.2f} s")
    print(f"  (attempts {attempts()}; undisturbed run {undisturbed:.2f} s)")

    if args.whole_worker:
        start_job()
        wait_for(is_running)
        time.sleep(undisturbed * args.kill_at)
        worker_box[0].kill_whole()
        killed = time.monotonic()
        worker_box[0] = Worker(media_root, log)
        wait_for(is_done, every=(args.sweep_every, sweep))
        print(
            f"{name}: whole worker SIGKILLed -> completed after {time.monotonic() - killed:.0f} s "
            f"(attempts {attempts()}; sweep every {args.sweep_every:.0f} s)"
        )


def main():
    args = parse_args()
    if not os.environ.get("CELERY_BROKER_URL"):
        raise SystemExit("set CELERY_BROKER_URL to a Redis database of your own, e.g. redis://127.0.0.1:6379/8")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    os.environ["DEBUG"] = "false"
    media_root = Path(tempfile.mkdtemp(prefix="bench_recovery_"))
    os.environ["MEDIA_ROOT"] = str(media_root)
    drop = _postgres_database(args.name, reuse=False)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from bench_plans import build

    from enforcement.celery import app

    app.control.purge()
    log = (media_root / "workers.log").open("ab")
    worker_box = []
    try:
        t0 = time.perf_counter()
        data = build(args.scale)
        print(
            f"built in {time.perf_counter() - t0:.0f} s: {data['counties']} counties, "
            f"{data['enterprises']:,} enterprises, {data['inspections']:,} inspections, {data['hazards']:,} hazards"
        )
        worker_box.append(Worker(media_root, log))
        run_cases(data, args, worker_box, media_root, log)
        print(f"worker log: {media_root / 'workers.log'}")
    finally:
        for worker in worker_box:
            worker.stop()
        if not args.keep:
            drop()


def run_cases(data, args, worker_box, media_root, log):
    import datetime

    from enforcement.enterprises import export_jobs
    from enforcement.enterprises.models import Enterprise, ExportJob
    from supervision.models import MonthlyProgressRun
    from supervision.progress import runs

    october = datetime.date(2026, 10, 1)

    def run_status():
        return MonthlyProgressRun.objects.filter(month=october).values_list("status", "attempts").first()

    def start_run():
        runs.queue(october)
        assert runs.send(october)

    measure(
        "monthly run (October, every organisation)",
        start_run,
        lambda: run_status()[0] == "running",
        lambda: run_status()[0] == "done",
        lambda: run_status()[1],
        runs.sweep,
        worker_box,
        args,
        media_root,
        log,
    )
    run = MonthlyProgressRun.objects.get(month=october)
    print(f"  {run.organisations} organisations")

    owner = data["city_officer"]
    rows = Enterprise.objects.restrict(owner, "view").count()
    jobs = []

    def start_export():
        job, _created = export_jobs.create_job(owner, f"bench={len(jobs)}")  # a new job each time
        jobs.append(job.pk)
        assert export_jobs.send(job.pk)

    def export_status():
        return ExportJob.objects.filter(pk=jobs[-1]).values_list("status", "attempts", "row_count").first()

    measure(
        f"register export ({rows:,} rows)",
        start_export,
        lambda: export_status()[0] == "running",
        lambda: export_status()[0] == "done",
        lambda: export_status()[1],
        export_jobs.sweep,
        worker_box,
        args,
        media_root,
        log,
    )


if __name__ == "__main__":
    main()
