"""One PDF render in a child process that is killed at its time limit, broker or no broker.

Celery's time limits only exist in a worker; without a broker a render ran in the web process itself, and a
long re-inspection opinion (10,000 + 10,000 characters) kept a web worker until gunicorn killed it (issue 9
item 5). Here the HTML → PDF step runs in a forked child (the parent's loaded fonts come with it, so no
start-up cost) under the memory ceiling, and the parent waits at most ``seconds``: then the child is SIGKILLed
— killed, not abandoned — and RenderTimeout raised. The HTML is rendered by the parent first: the child never
touches the database (its connections are the parent's).
"""

import contextlib
import os
import pickle
import select
import signal
import time

from django.utils.translation import gettext as _

from enforcement.documents.limits import memory_ceiling


class RenderTimeout(Exception):
    """The render took longer than its limit and its process was killed."""


class RenderCrashed(Exception):
    """The render's process died without an answer (killed by the kernel, say)."""


def _child(write_fd, func, args, memory_mb):
    """In the forked child: compute, send the pickled outcome, and leave without running any of the parent's
    clean-up (its database connections and files are the parent's)."""
    try:
        try:
            with memory_ceiling(memory_mb):
                outcome = ("ok", func(*args))
        except BaseException as exc:  # everything goes back to the parent
            outcome = ("error", exc)
        try:
            data = pickle.dumps(outcome)
        except Exception:  # an exception that does not pickle: its text goes instead
            data = pickle.dumps(("error", RuntimeError(str(outcome[1]) or type(outcome[1]).__name__)))
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view) :]
    finally:
        os._exit(0)


def run_bounded(func, args, seconds, memory_mb):
    """``func(*args)`` computed in a forked child with at most ``memory_mb`` MiB more address space, killed after
    ``seconds``. Re-raises the child's exception; RenderTimeout / RenderCrashed otherwise.

    A plain os.fork, not multiprocessing: a Celery prefork child is a daemonic process, which multiprocessing
    forbids to have children."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(write_fd, func, args, memory_mb)
    os.close(write_fd)
    deadline = time.monotonic() + seconds
    chunks = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_fd], [], [], remaining)[0]:
                raise RenderTimeout(_("生成文书超过%(s)d秒的时间限制，已终止。") % {"s": seconds})
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # killed, not abandoned (a child that has exited is unaffected)
        os.waitpid(pid, 0)
    if not chunks:
        raise RenderCrashed(_("生成文书的进程意外终止。"))
    outcome, value = pickle.loads(b"".join(chunks))  # noqa: S301 - written by our own child process
    if outcome == "error":
        raise value
    return value
