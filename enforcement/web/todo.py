"""The home page's to-do list (待办事项) and key figures (关键指标), filled by the domain apps.

The core knows no plan, inspection or letter: each app registers providers in its ``AppConfig.ready()``
(``register_todo``, ``register_figures``). A provider receives the user and today's date and returns what
that user has to do or should know, counted through ``Model.objects.restrict(user, …)``. It returns
nothing for a user whose roles have no business with it, so the list is the role's own list.

Providers must run a bounded number of queries whatever the data size: the home page pins its query
count per persona.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone

# Each item shows its first few entries, each with its own button; the item links to all of them.
ROWS = 3


class Severity:
    """How urgent an item is; the list shows overdue work first."""

    OVERDUE = "overdue"  # a deadline has passed
    DUE = "due"  # to do now, deadline ahead or none
    INFO = "info"  # waiting on the user, not urgent

    ORDER = (OVERDUE, DUE, INFO)


@dataclass(frozen=True)
class TodoRow:
    """One concrete thing inside an item (a plan item, a letter…), with the link that does it."""

    label: str
    url: str
    action: str = ""
    detail: str = ""
    due: datetime.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class TodoItem:
    """One line of the to-do list: what, how many, by when, and where it is done.

    ``key`` is stable ("cases.hazards_due") so pages and tests can find the item; ``rows`` are the first
    few concrete entries, each with its own link; ``url`` opens the page holding all ``count`` of them.
    """

    key: str
    title: str
    count: int
    url: str
    severity: str = Severity.DUE
    due: datetime.date | None = None
    action: str = ""
    hint: str = ""
    rows: tuple[TodoRow, ...] = field(default_factory=tuple)

    @property
    def more(self):
        return max(self.count - len(self.rows), 0)


@dataclass(frozen=True)
class Figure:
    """A key figure of the user's scope (计划完成率, 逾期隐患…), linking to where it comes from."""

    key: str
    label: str
    value: str
    url: str = ""
    detail: str = ""
    warn: bool = False
    order: int = 100


TodoProvider = Callable[[object, datetime.date], Iterable[TodoItem]]
FigureProvider = Callable[[object, datetime.date], Iterable[Figure]]

_todo_providers: dict[str, TodoProvider] = {}
_figure_providers: dict[str, FigureProvider] = {}


def register_todo(name: str, provider: TodoProvider) -> None:
    """Register (or replace, so a reloaded app does not count twice) a to-do provider."""
    _todo_providers[name] = provider


def register_figures(name: str, provider: FigureProvider) -> None:
    _figure_providers[name] = provider


def _sort_key(item: TodoItem):
    return (Severity.ORDER.index(item.severity), item.due or datetime.date.max, item.key)


def todo_for(user, today=None) -> list[TodoItem]:
    """Everything ``user`` has to do, most urgent first; items with nothing to do are left out."""
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return []
    items = [item for provider in _todo_providers.values() for item in provider(user, today) if item.count]
    return sorted(items, key=_sort_key)


def figures_for(user, today=None) -> list[Figure]:
    today = today or timezone.localdate()
    if not user.is_authenticated:
        return []
    figures = [figure for provider in _figure_providers.values() for figure in provider(user, today)]
    return sorted(figures, key=lambda f: (f.order, f.key))


def count_and_first(queryset, limit: int):
    """(how many, the first ``limit`` rows) in one query when there are at most ``limit``, else two."""
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return len(rows), rows
    return queryset.count(), rows[:limit]


def listed_item(queryset, to_row, **fields) -> list[TodoItem]:
    """The to-do item listing ``queryset`` — its count and its first ``ROWS`` objects as rows (``to_row``) —
    or no item when it is empty. ``fields`` are the item's other fields; a callable ``severity`` or ``due``
    is given the objects listed (sorted most urgent first) and returns the value."""
    count, objects = count_and_first(queryset, ROWS)
    if not count:
        return []
    for name in ("severity", "due"):
        if callable(fields.get(name)):
            fields[name] = fields[name](objects)
    return [TodoItem(count=count, rows=tuple(to_row(obj) for obj in objects), **fields)]


def month_end(year: int, month: int) -> datetime.date:
    """The last day of a month: a plan item planned for that month is due by then."""
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def percent(numerator: int, denominator: int) -> str:
    """ "66.7%", or "—" when there is nothing to measure."""
    if not denominator:
        return "—"
    return f"{round(100 * numerator / denominator, 1):g}%"
