"""An enterprise's enforcement history (执法记录) on its register page, contributed by the domain apps.

The register is core; plans, inspections and hazards are not. Each app registers a provider in its
``AppConfig.ready()``; the provider receives the user and the enterprise (already found through
``restrict()``) and returns sections — plain tables the core page renders — read through
``Model.objects.restrict(user, "view")``, plus the source keys of the documents issued for what it
listed and the actions it offers (开始检查). The core page adds one section of those documents.

A provider runs a bounded number of queries: each section shows at most ``limit`` rows and links to the
full list for the rest.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from enforcement.documents.sources import documents_for

ROW_LIMIT = 20


@dataclass(frozen=True)
class Cell:
    """One table cell: text, optionally a link; shown as a badge of a tone ("default", "ok", "warn", "key",
    "plain") when ``badge`` is set, or as a touch-sized button when ``button`` is."""

    text: str
    url: str = ""
    badge: str = ""
    button: bool = False


@dataclass(frozen=True)
class HistoryRow:
    """One record: ``key`` names it on the page ("hazard-12", an element id), ``cells`` follow the columns."""

    key: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    primary: bool = False
    key: str = ""


@dataclass
class HistorySection:
    """A table of the enterprise's records of one kind, newest or most urgent first."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[HistoryRow]
    total: int
    empty: str = ""
    more_url: str = ""
    order: int = 100
    actions: list[Action] = field(default_factory=list)
    # "app.model:pk" of the records listed whose issued documents belong on the page.
    document_keys: list[str] = field(default_factory=list)

    @property
    def more(self):
        return max(self.total - len(self.rows), 0)


@dataclass
class History:
    sections: list[HistorySection]
    actions: list[Action]
    documents: list
    documents_total: int = 0

    @property
    def documents_more(self):
        return max(self.documents_total - len(self.documents), 0)


HistoryProvider = Callable[[object, object, int], Iterable[HistorySection]]

_providers: dict[str, HistoryProvider] = {}


def register_history(name: str, provider: HistoryProvider) -> None:
    _providers[name] = provider


def history_for(user, enterprise, limit=ROW_LIMIT) -> History:
    """Every app's sections for ``enterprise``, with the page-level actions and the documents issued."""
    sections = sorted(
        (section for provider in _providers.values() for section in provider(user, enterprise, limit)),
        key=lambda s: (s.order, s.key),
    )
    keys = [key for section in sections for key in section.document_keys]
    documents = documents_for(user, keys) if keys else []
    actions = [action for section in sections for action in section.actions]
    return History(sections=sections, actions=actions, documents=documents[:limit], documents_total=len(documents))
