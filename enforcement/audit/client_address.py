"""The client's IP address for the audit log.

REMOTE_ADDR is the peer that connected to us. X-Forwarded-For is written by whoever sent the request, so
it is believed only when that peer is one of TRUSTED_PROXIES (the reverse proxy in front of
gunicorn), and then read from the right: the rightmost address that is not itself a trusted proxy is the
one our proxy saw (OWASP: never trust the leftmost X-Forwarded-For entry).

The middleware keeps the address of the request being served in a context variable, so that every audit
row written while serving it — including those the services write, who are not handed the request —
carries the address. Celery tasks have none.
"""

import functools
import ipaddress
from contextvars import ContextVar

from django.conf import settings

_current = ContextVar("audit_client_address", default=None)


def _valid(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _trusted(address, proxies):
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in proxies)


def trusted_proxies():
    return _networks(tuple(settings.TRUSTED_PROXIES))


@functools.lru_cache(maxsize=8)
def _networks(entries):
    # Parsed once per setting value, not on every request (the middleware asks for each one).
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def client_address(request):
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the address that proxy saw."""
    peer = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return ""
    proxies = trusted_proxies()
    if not proxies or not _trusted(peer, proxies):
        return peer
    forwarded = [_valid(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed(forwarded):
        if address is None:
            return peer  # a malformed entry: trust nothing to its left
        if not _trusted(address, proxies):
            return address
    return peer


def current_client_address():
    return _current.get()


class ClientAddressMiddleware:
    """Makes the request's client address available to every audit row written while serving it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
