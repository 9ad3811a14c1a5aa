"""A ceiling on every request body, enforced before anything reads or parses it.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE only guards ``request.POST``; DRF's parsers read ``request.stream``
themselves, so before this an anonymous 50 MiB JSON body to the token endpoint was parsed for 16 s and a
200 MiB one killed a worker (issue 9, item 5). This middleware runs first and answers 413 when the declared
Content-Length is over the route's limit: routes that take files get the upload limit, every other route a
small one (``REQUEST_BODY_MAX_BYTES``, 2 MiB: far above any form or JSON this product posts).

A body cannot be longer than it claims: Django reads ``wsgi.input`` through a LimitedStream capped at
Content-Length, and a chunked body without a Content-Length is read as empty. So the declared length is the
most any view can read, and checking it is enough; nginx (docker-compose) refuses oversized and slow bodies
before they reach gunicorn at all.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from enforcement.uploads import DOCUMENT, MB

# Forms and API operations that carry files, by URL name. One file: a document's size limit; several files
# (a hazard's ten photos, a visit's evidence per check item): the multi-file limit from settings.
_ONE_FILE = DOCUMENT.max_bytes + MB  # + room for the form's other fields and the multipart framing
UPLOAD_ROUTES = {
    # several photos or files in one submit
    "cases:hazard_create": "many",
    "cases:hazard_reinspect": "many",
    "api:hazard-list": "many",
    "supervision:guidance_visit": "many",
    "api:guidance-visit-checks": "many",
    # one file
    "api:hazard-photo-list": "one",
    "plans:step": "one",
    "api:plan-approve": "one",
    "api:plan-file-plan": "one",
    "supervision:guidance_spot_check": "one",
    "supervision:guidance_report_submit": "one",
    "api:guidance-visit-evidence": "one",
    "api:guidance-visit-spot-check": "one",
    "api:guidance-letter-report": "one",
    "enterprises:import": "import",
    # one chunk of a resumable evidence upload (cases/penalties/evidence.py): raw bytes, no framing
    "api:penalty-evidence-upload-chunk": "chunk",
}


def route_limit(path_info: str) -> int:
    """The largest body, in bytes, that the route serving ``path_info`` accepts."""
    try:
        name = resolve(path_info).view_name
    except Resolver404:
        name = None
    kind = UPLOAD_ROUTES.get(name)
    if kind == "many":
        return settings.REQUEST_UPLOAD_MAX_BYTES
    if kind == "one":
        return _ONE_FILE
    if kind == "import":
        return settings.ENTERPRISE_IMPORT_MAX_BYTES + MB
    if kind == "chunk":
        return settings.EVIDENCE_CHUNK_MB * MB
    return settings.REQUEST_BODY_MAX_BYTES


def largest_limit() -> int:
    """The largest body any route accepts (the reverse proxy's client_max_body_size must not be below it)."""
    return max(
        settings.REQUEST_UPLOAD_MAX_BYTES,
        _ONE_FILE,
        settings.ENTERPRISE_IMPORT_MAX_BYTES + MB,
        settings.EVIDENCE_CHUNK_MB * MB,
    )


def _declared_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def too_large(request, limit):
    """413: JSON for the API, a page in Chinese otherwise. The connection is closed: the unread body must not be
    taken for the next request."""
    message = _("提交的内容过大（上限%(max)sMB），请减少附件或分批提交。") % {"max": _megabytes(limit)}
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=413)
    else:
        html = render_to_string("413.html", {"message": message})
        response = HttpResponse(html, status=413, content_type="text/html; charset=utf-8")
    response["Connection"] = "close"
    return response


def _megabytes(limit):
    return f"{limit / MB:.0f}" if limit >= MB else f"{limit / MB:.1f}"


class BodyLimitMiddleware:
    """Refuse a body over the route's limit before any view, form or parser reads it (see module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        if length is None:
            response = HttpResponse(_("请求头 Content-Length 无效。"), status=400, content_type="text/plain")
            response["Connection"] = "close"
            return response
        if length:
            limit = route_limit(request.path_info)
            if length > limit:
                return too_large(request, limit)
        return self.get_response(request)
