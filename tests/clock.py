"""Run the whole test suite with the clock moved: ``TEST_CLOCK=2027-01-04T10:00:00+08:00 bin/test``.

A test must pass on any day, so the suite can be started at another instant: ``TEST_CLOCK`` (ISO 8601; without
an offset it is read as Beijing time) moves every clock Python reads — ``timezone.now()``, ``localdate()``,
``datetime.now()``, ``time.time()`` — to that instant, and time keeps running from there (time-machine with
``tick=True``), so ``2026-12-31T23:59:00+08:00`` makes a run cross midnight and the year.

time-machine patches the process, so the live-server thread of the browser tests and factories see the
moved clock too. A child process (the Celery worker of tests/celery_fixture.py) inherits the environment
and calls ``start_from_environment()`` itself; ``TEST_CLOCK_STARTED_AT`` (the real time at which the
pytest process started travelling) lets it continue from where the parent's clock is now, not restart
at ``TEST_CLOCK``. Tests that need one calendar position move the clock themselves (the ``clock`` marker of
tests/conftest.py, or the ``time_machine`` fixture); that nests inside the session's travel.
"""

import datetime
import os
import time
import zoneinfo

ENV = "TEST_CLOCK"
STARTED_ENV = "TEST_CLOCK_STARTED_AT"
DEFAULT_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")  # the product's TIME_ZONE


def parse(value: str) -> datetime.datetime:
    """``TEST_CLOCK``'s value as an aware datetime; an offset-less value is Beijing time."""
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        example = "2027-01-04T10:00:00+08:00"
        raise ValueError(f"{ENV}={value!r} is not an ISO 8601 date or datetime, e.g. {example}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=DEFAULT_ZONE)


def start_from_environment():
    """Start travelling to ``TEST_CLOCK`` if it is set; return the traveller (to ``stop()``) or None."""
    value = os.environ.get(ENV)
    if not value:
        return None
    import time_machine

    destination = parse(value)
    # time.time() is still the real clock here. The first process to start records when it did; a child
    # started later adds the real time elapsed since, so parent and child agree on "now".
    started = float(os.environ.setdefault(STARTED_ENV, repr(time.time())))
    destination += datetime.timedelta(seconds=max(0.0, time.time() - started))
    traveller = time_machine.travel(destination, tick=True)
    traveller.start()
    return traveller


def moved() -> bool:
    """Whether the clock Python reads is moved right now (``TEST_CLOCK``, a clock marker, ``time_machine``)."""
    import time_machine

    return time_machine.escape_hatch.is_travelling()


def describe() -> str | None:
    """One line for pytest's header, or None when the clock is real."""
    if not os.environ.get(ENV):
        return None
    now = datetime.datetime.now(DEFAULT_ZONE)
    return f"{ENV}={os.environ[ENV]}: the clock is moved, now {now:%Y-%m-%d %H:%M:%S %z} (Asia/Shanghai), ticking"
