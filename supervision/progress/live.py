"""本月至今: the current month's figures so far, computed live from the monthly job's ``compute()``.

Never stored and never confirmable: the month's report is still built by the job on the 1st of the next
month. Only the organisations in the user's scope (``restrict()``) are computed, and the figures are
kept in the cache for ``MONTHLY_PROGRESS_SO_FAR_CACHE_SECONDS`` (a city's computation reads the whole
year's inspections of its counties: seconds at province size).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.orgs.models import Organisation
from supervision.progress.job import compute
from supervision.progress.models import MonthlyProgress

CACHE_KEY = "supervision:progress:so-far:{day:%Y-%m-%d}:{scope}"


@dataclass(frozen=True)
class MonthSoFar:
    """The current month up to ``as_of`` (today), as unsaved reports of the organisations in scope."""

    month: datetime.date
    as_of: datetime.date
    computed_at: datetime.datetime
    cache_seconds: int
    reports: list[MonthlyProgress]

    @property
    def freshness(self):
        """How long the figures may be kept, as said on the page: "5分钟" or "45秒"."""
        minutes, seconds = divmod(self.cache_seconds, 60)
        if minutes and not seconds:
            return _("%(n)d分钟") % {"n": minutes}
        return _("%(n)d秒") % {"n": self.cache_seconds}


def _figures(today, organisations):
    """(computed_at, figures) of ``organisations`` (a queryset) for the month of ``today`` up to ``today``.

    Cached per day and set of organisations: every user of the city shares one computation, a county's
    users another, much smaller one.
    """
    seconds = settings.MONTHLY_PROGRESS_SO_FAR_CACHE_SECONDS
    ids = ",".join(str(pk) for pk in organisations.order_by("pk").values_list("pk", flat=True))
    key = CACHE_KEY.format(day=today, scope=hashlib.sha256(ids.encode()).hexdigest()[:32])
    cached = cache.get(key) if seconds > 0 else None
    if cached is None:
        figures = compute(today.replace(day=1), until=today, organisations=organisations.values("pk"))
        cached = (timezone.now(), figures)
        if seconds > 0:
            cache.set(key, cached, seconds)
    return cached


def month_so_far(user, today=None):
    """The current month so far for the organisations in ``user``'s scope (None without the permission)."""
    if not user.has_perm("supervision.view_monthlyprogress"):
        return None
    today = today or timezone.localdate()
    scope = Organisation.objects.restrict(user, "view")
    computed_at, figures = _figures(today, scope)
    month = today.replace(day=1)
    organisations = scope.filter(pk__in=list(figures)).order_by("path")
    reports = [
        MonthlyProgress(organisation=org, month=month, generated_at=computed_at, **figures[org.pk])
        for org in organisations
    ]
    return MonthSoFar(month, today, computed_at, settings.MONTHLY_PROGRESS_SO_FAR_CACHE_SECONDS, reports)
