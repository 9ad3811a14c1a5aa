"""Every URL pattern of the project, read from Django's resolver (no hand-kept list).

The API router's routes (with their ``.json`` format-suffix twins) come with it; the admin site is left
out here and walked by its own test, since it answers only staff and has its own scoping.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

SEPARATELY_WALKED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full pattern text, its reversible name and the view that answers it."""

    pattern: str
    name: str | None  # "namespace:name", or None when the pattern has no name
    callback: object
    arguments: tuple[str, ...]

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None)

    @property
    def is_api(self):
        return self.view_class is not None and issubclass(self.view_class, APIView)

    @property
    def viewset_actions(self):
        """{method: action} of a router route ({} for anything else)."""
        return dict(getattr(self.callback, "actions", None) or {})

    @property
    def admin_model(self):
        """The model of an admin route (its ModelAdmin wraps every view it serves), else None."""
        model_admin = getattr(self.callback, "model_admin", None)
        # Extra pages a ModelAdmin adds itself (the user's password page) wrap its bound method instead.
        model_admin = model_admin or getattr(getattr(self.callback, "__wrapped__", None), "__self__", None)
        return getattr(model_admin, "model", None)

    @property
    def view_path(self):
        target = self.view_class or getattr(self.callback, "view_class", None) or self.callback
        return f"{target.__module__}.{target.__qualname__}"

    def __str__(self):
        return f"{self.pattern} (name {self.name!r}, view {self.view_path})"


def _arguments(pattern):
    # path()'s <converter:name> parts and re_path()'s (?P<name>…) groups are both named groups of its regex.
    return list(pattern.regex.groupindex)


def _walk(resolver, prefix, namespace, arguments, skip=()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in skip:
                continue
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry, prefix + str(entry.pattern), inner, arguments + _arguments(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(
                pattern=prefix + str(entry.pattern),
                name=name,
                callback=entry.callback,
                arguments=tuple(arguments + _arguments(entry.pattern)),
            )


def project_routes():
    """Every route of the project except the admin site's, in URLconf order."""
    return list(_walk(get_resolver(), "", "", [], skip=SEPARATELY_WALKED_NAMESPACES))


def admin_routes():
    """Every route of the admin site (its model pages come and go with admin.site.register)."""
    (site,) = [e for e in get_resolver().url_patterns if isinstance(e, URLResolver) and e.namespace == "admin"]
    return list(_walk(site, str(site.pattern), "admin", []))
