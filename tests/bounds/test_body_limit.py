"""Issue 9 item 5: every route refuses an oversized body before anything reads or parses it."""

import io
import json
import time

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings

from enforcement.body_limit import UPLOAD_ROUTES, largest_limit, route_limit
from enforcement.uploads import MB
from tests.access.routes import project_routes

BODY = 50 * MB  # the anonymous JSON to the token endpoint


class Generated(io.RawIOBase):
    """A request body of ``size`` bytes produced as it is read (never held in memory), counting what was read."""

    def __init__(self, size, chunk=b'{"username": "' + b"a" * 1000):
        self.size, self.chunk, self.read_so_far = size, chunk, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.read_so_far)
        for start in range(0, n, len(self.chunk)):
            piece = self.chunk[: n - start]
            buffer[start : start + len(piece)] = piece
        self.read_so_far += n
        return n


def call_wsgi(path, body, content_length, content_type="application/json", method="POST"):
    """Drive the real WSGI application with a streamed body, as gunicorn does; returns (status, headers, text)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": content_type,
    }
    if content_length is not None:
        environ["CONTENT_LENGTH"] = str(content_length)
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"], started["headers"] = status, dict(headers)

    chunks = WSGIHandler()(environ, start_response)
    text = b"".join(chunks).decode()
    return int(started["status"].split()[0]), started["headers"], text


@pytest.mark.django_db
def test_an_anonymous_50_mib_json_to_the_token_endpoint_is_refused_unread():
    body = Generated(BODY)
    started = time.perf_counter()
    status, headers, text = call_wsgi("/api/auth/token/", body, BODY)
    elapsed = time.perf_counter() - started
    assert status == 413
    assert headers["Content-Type"] == "application/json"
    assert "提交的内容过大（上限2MB）" in json.loads(text)["detail"]
    assert body.read_so_far == 0  # not a byte of it was read, let alone parsed
    assert elapsed < 2


@pytest.mark.django_db
def test_a_page_answers_an_oversized_body_in_chinese():
    status, headers, text = call_wsgi(
        "/login/", Generated(3 * MB), 3 * MB, content_type="application/x-www-form-urlencoded"
    )
    assert status == 413
    assert headers["Content-Type"].startswith("text/html")
    assert "提交内容过大" in text and "上限2MB" in text


@pytest.mark.django_db
def test_a_body_longer_than_it_claims_is_read_only_as_far_as_its_content_length():
    """A lying or chunked body cannot bring more than its Content-Length (or nothing, without one) to a parser."""
    body = Generated(BODY)
    status, _headers, _text = call_wsgi("/api/auth/token/", body, 20)
    assert status == 400  # 20 bytes of a cut JSON document: a parse error, not a 50 MiB parse
    assert body.read_so_far <= 20 + 64 * 1024  # one buffered read at most

    chunked = Generated(BODY)
    status, _headers, _text = call_wsgi("/api/auth/token/", chunked, None)
    assert status == 400
    assert chunked.read_so_far == 0


# Transactional: the real WSGI handler closes the database connection at the request's start and end, which the
# wrapping transaction of a plain django_db test does not survive on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_a_small_json_body_still_reaches_the_view():
    payload = json.dumps({"username": "nobody", "password": "wrong"}).encode()
    status, _headers, text = call_wsgi("/api/auth/token/", io.BytesIO(payload), len(payload))
    assert status == 400
    assert "non_field_errors" in text or "无法" in text


def test_upload_routes_get_the_upload_limit_and_others_the_small_one():
    assert route_limit("/api/auth/token/") == 2 * MB
    assert route_limit("/no/such/page/") == 2 * MB
    assert route_limit("/api/hazard-photos/") == 31 * MB
    assert route_limit("/cases/inspections/1/hazards/") == 160 * MB
    with override_settings(REQUEST_BODY_MAX_BYTES=MB):
        assert route_limit("/api/auth/token/") == MB
    assert largest_limit() == 160 * MB


def test_every_upload_route_names_an_existing_route():
    """A renamed upload route would silently fall back to the small limit and refuse every photo."""
    names = {route.name for route in project_routes()}
    assert set(UPLOAD_ROUTES) - names == set()


@pytest.mark.django_db
def test_an_invalid_content_length_is_a_bad_request():
    status, _headers, _text = call_wsgi("/api/auth/token/", io.BytesIO(b"{}"), "-5x")
    assert status == 400
