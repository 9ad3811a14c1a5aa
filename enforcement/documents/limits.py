"""A memory ceiling for one render, inside a Celery worker child.

Time is limited by Celery (soft and hard time limits on the task). Memory is limited here: while the block
runs, the process's address space may grow by at most ``extra_mb`` beyond what it already uses, so a
runaway document (a huge table, a broken image) fails with MemoryError instead of pushing the host
into swap. The previous limit is restored afterwards.

RLIMIT_AS is per process, so this is only for a process that does one thing at a time: every render runs
it in its own forked child (enforcement.documents.isolation), with a broker or without.
"""

import contextlib
import os
import resource


def _address_space_bytes() -> int:
    with open("/proc/self/statm") as statm:  # first field: total program size in pages
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def memory_ceiling(extra_mb: int):
    """Cap the process's address space at its current size + ``extra_mb`` MiB while the block runs."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = _address_space_bytes() + extra_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY:
        ceiling = min(ceiling, soft)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield ceiling
    finally:
        # Raising the soft limit back (up to the unchanged hard limit) is allowed to an unprivileged process.
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
