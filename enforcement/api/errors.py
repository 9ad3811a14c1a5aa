"""API errors are JSON, always: DRF's exception handler plus what DRF leaves to Django's HTML 500 page.

- A deletion refused by a protecting foreign key (``ProtectedError`` / ``RestrictedError``) is a conflict
  with the data, not a server fault: 409 naming what still references the row, as the web page refuses it.
- Any other unexpected exception is logged with a correlation id and answered as a JSON 500 carrying that id,
  so the caller can quote it and the administrator find the traceback (OWASP Error Handling Cheat Sheet:
  a generic message to the client, the details only in the log).
"""

import logging
import uuid
from collections import Counter

from django.db.models import ProtectedError, RestrictedError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("enforcement.api")


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Response({"detail": still_referenced_message(exc)}, status=status.HTTP_409_CONFLICT)
    request = context.get("request")
    return Response(server_error_body(request, exc), status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def still_referenced_message(exc):
    """ "仍被以下记录引用，不能删除：计划事项 2 条、检查 1 条。" — the kinds of rows that keep it, with counts."""
    rows = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    kinds = Counter(str(row._meta.verbose_name) for row in rows)
    listed = _("、").join(_("%(kind)s %(count)d 条") % {"kind": kind, "count": n} for kind, n in sorted(kinds.items()))
    return _("该记录仍被以下业务记录引用，不能删除：%(listed)s。") % {"listed": listed}


def server_error_body(request, exc=None):
    """Log the failure under a fresh correlation id and return the JSON body that quotes it."""
    incident = uuid.uuid4().hex[:12]
    path = getattr(request, "path", "?")
    method = getattr(request, "method", "?")
    logger.error("API error %s on %s %s", incident, method, path, exc_info=exc or True)
    return {
        "detail": _("服务器内部错误，请稍后重试；如仍出现，请将错误编号告知系统管理员。"),
        "error_id": incident,
    }


def _is_api(request):
    return request.path.startswith("/api/")


def _json(body, status):
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def server_error(request, *args, **kwargs):
    """handler500: JSON for /api/ (errors raised outside a DRF view, e.g. in middleware), the HTML page elsewhere."""
    if _is_api(request):
        return _json(server_error_body(request), 500)
    return defaults.server_error(request, *args, **kwargs)


def page_not_found(request, exception, *args, **kwargs):
    """handler404: an /api/ path no route matches answers DRF's JSON "not found", not the HTML page."""
    if _is_api(request):
        return _json({"detail": str(NotFound.default_detail)}, 404)
    return defaults.page_not_found(request, exception, *args, **kwargs)


def bad_request(request, exception, *args, **kwargs):
    """handler400 (e.g. a SuspiciousOperation raised before any view): JSON for /api/."""
    if _is_api(request):
        return _json({"detail": str(ParseError.default_detail)}, 400)
    return defaults.bad_request(request, exception, *args, **kwargs)
