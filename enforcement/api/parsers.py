"""The API's JSON parser: refuses what would make the server, not the client, fail.

- Nesting deeper than ``MAX_JSON_DEPTH``: a body nested ~950 levels parses, then exhausts Python's recursion
  in whatever walks it next (validation, error rendering) — a 500. The parsed value is measured iteratively,
  and a body deep enough to hit the recursion limit in the parser itself is refused the same way.
- Numbers that are not finite (``1e400`` parses to infinity; ``NaN``/``Infinity`` are not JSON at all, RFC 8259
  §6): no field of this API takes one, and an infinite id made the ORM overflow.
"""

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of this API nests deeper than a handful of levels; 64 leaves room and stays far below the
# interpreter's recursion limit (1000).
MAX_JSON_DEPTH = 64


def _finite_float(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def _refuse_constant(name):
    raise ValueError(name)


def json_depth_exceeds(value, limit):
    """True when ``value`` nests more than ``limit`` containers deep (an explicit stack, no recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
            data = json.loads(text, parse_float=_finite_float, parse_constant=_refuse_constant)
        except RecursionError:
            raise ParseError(_("JSON 嵌套层数过多（最多 %(limit)d 层）。") % {"limit": MAX_JSON_DEPTH}) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(_("JSON 格式错误或含有无法处理的数值：%(error)s") % {"error": exc}) from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise ParseError(_("JSON 嵌套层数过多（最多 %(limit)d 层）。") % {"limit": MAX_JSON_DEPTH})
        return data
