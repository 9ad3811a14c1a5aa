"""Dates for tests: read from the clock when the test runs, never when a module is imported.

The clock may be moved (``TEST_CLOCK`` for a whole run, ``time_machine`` in a test) and a run may cross
midnight, so a module-level ``TODAY = timezone.localdate()`` goes stale; call ``today()`` instead.
"""

from django.utils import timezone

# The instant at which tests built on a data set dated in 2026 run (``pytestmark = pytest.mark.clock(CLOCK_2026)``):
# late in that year, so every date of the set is past and the personas' certificates cover them all.
CLOCK_2026 = "2026-11-20T10:00:00+08:00"


def today():
    """Today in the product's time zone (Asia/Shanghai), as the code under test sees it."""
    return timezone.localdate()
