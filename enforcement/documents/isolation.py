"""One PDF render in a child process that is killed at its time limit, broker or no broker.

Celery's time limits only exist in a worker; without a broker a render ran in the web process itself, and a
long re-inspection opinion (10,000 + 10,000 characters) kept a web worker until gunicorn killed it (issue 9
item 5). Here the HTML → PDF step runs in a forked child (the parent's loaded fonts come with it, so no
start-up cost) under the memory ceiling, and the parent waits at most ``seconds``: then the child is SIGKILLed
— killed, not abandoned — and RenderTimeout raised. The HTML is rendered by the parent first: the child never
touches the database (its connections are the parent's).
"""

import multiprocessing
import os
import signal

from django.utils.translation import gettext as _

from enforcement.documents.limits import memory_ceiling


class RenderTimeout(Exception):
    """The render took longer than its limit and its process was killed."""


class RenderCrashed(Exception):
    """The render's process died without an answer (killed by the kernel, say)."""


def _child(conn, func, args, memory_mb):
    try:
        with memory_ceiling(memory_mb):
            result = func(*args)
        conn.send(("ok", result))
    except BaseException as exc:
        try:
            conn.send(("error", exc))
        except Exception:  # an exception that does not pickle: its text goes instead
            conn.send(("error", RuntimeError(str(exc) or type(exc).__name__)))
    finally:
        conn.close()


def run_bounded(func, args, seconds, memory_mb):
    """``func(*args)`` → bytes, computed in a forked child with at most ``memory_mb`` MiB more address space,
    killed after ``seconds``. Re-raises the child's exception; RenderTimeout / RenderCrashed otherwise."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, func, args, memory_mb), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise RenderTimeout(_("生成文书超过%(s)d秒的时间限制，已终止。") % {"s": seconds})
        try:
            outcome, value = receive.recv()
        except EOFError as exc:
            raise RenderCrashed(_("生成文书的进程意外终止。")) from exc
        if outcome == "error":
            raise value
        return value
    finally:
        receive.close()
        if process.is_alive():
            os.kill(process.pid, signal.SIGKILL)
        process.join()
