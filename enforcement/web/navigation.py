"""The top navigation: each role sees only the pages it uses and may open.

The core registers its own entries below; the domain apps register theirs in ``AppConfig.ready()``, so
the core template names no plan, case or supervision page. An entry is shown when its ``visible(user)``
holds — the same permission the page itself checks — and is marked active when ``active(match)`` holds
for the current URL's resolver match.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from enforcement.enterprises.services import manages_register


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    visible: Callable[[object], bool]
    active: Callable[[object], bool]
    order: int


_entries: dict[str, NavEntry] = {}


def register_nav(entry: NavEntry) -> None:
    _entries[entry.key] = entry


def has_perm(perm: str) -> Callable[[object], bool]:
    return lambda user: user.has_perm(perm)


def in_namespace(namespace: str, *, with_word: str = "", without_word: str = "") -> Callable[[object], bool]:
    """Active on every page of ``namespace`` whose URL name contains ``with_word`` and not ``without_word``."""

    def active(match):
        if match is None or match.namespace != namespace:
            return False
        name = match.url_name or ""
        return (not with_word or with_word in name) and (not without_word or without_word not in name)

    return active


def reads_api_docs(user) -> bool:
    """The API documentation is for those who connect other systems: system administrators and staff."""
    return user.is_staff or user.has_perm("orgs.change_user")


def nav_for(user, match=None) -> list[dict]:
    """The entries ``user`` sees, in order, each with its URL and whether it is the current section."""
    if not user.is_authenticated:
        return []
    shown = []
    for entry in sorted(_entries.values(), key=lambda e: (e.order, e.key)):
        if not entry.visible(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:  # an app's URLs not mounted in this deployment
            continue
        shown.append({"key": entry.key, "label": entry.label, "url": url, "active": entry.active(match)})
    return shown


# --- the core's own pages ---------------------------------------------------------------------------

register_nav(
    NavEntry("home", _("首页"), "home", lambda user: True, lambda m: m is not None and m.url_name == "home", 0)
)
register_nav(
    NavEntry(
        "enterprises",
        _("生产经营单位"),
        "enterprises:list",
        has_perm("enterprises.view_enterprise"),
        in_namespace("enterprises", without_word="import"),
        10,
    )
)
register_nav(
    NavEntry(
        "import",
        _("导入"),
        "enterprises:import",
        manages_register,
        in_namespace("enterprises", with_word="import"),
        11,
    )
)
register_nav(
    NavEntry(
        "documents",
        _("执法文书"),
        "documents:list",
        has_perm("documents.view_issueddocument"),
        in_namespace("documents"),
        80,
    )
)
register_nav(NavEntry("api_docs", _("接口文档"), "api:docs", reads_api_docs, in_namespace("api"), 90))
register_nav(NavEntry("admin", _("系统管理"), "admin:index", lambda user: user.is_staff, in_namespace("admin"), 99))
