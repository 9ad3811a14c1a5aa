"""Issue 9 item 5: nginx in docker-compose has limits and timeouts that agree with the application's own.

nginx is not installed here to run ``nginx -t``; the configuration is read as text instead (its few directives).
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from enforcement.body_limit import UPLOAD_ROUTES, route_limit
from enforcement.uploads import MB

ROOT = Path(settings.BASE_DIR)
CONF = (ROOT / "deploy/nginx/default.conf").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SAMPLE_ARGS = {"api:guidance-visit-checks": [1, 2], "plans:step": [1, "approval"]}


def size(value):
    number, unit = re.fullmatch(r"(\d+)([km]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": MB}[unit]


def seconds(value):
    return int(value.rstrip("s"))


def server_directive(name):
    server = CONF[CONF.index("server {") :]
    top = re.sub(r"location [^{]*\{[^}]*\}", "", server)  # the server's own directives, not its locations'
    (value,) = re.findall(rf"^\s*{name}\s+([^;]+);", top, re.M)
    return value


def locations():
    """[(kind, pattern, client_max_body_size or None)] in file order."""
    found = []
    for kind, pattern, body in re.findall(r"location\s+(~|=)?\s*(\S+)\s*\{([^}]*)\}", CONF):
        limit = re.search(r"client_max_body_size\s+(\w+);", body)
        found.append((kind, pattern, size(limit.group(1)) if limit else None))
    return found


def nginx_limit(path):
    """The body limit nginx applies to ``path``: an exact location, else the first matching regex, else the
    server's."""
    for kind, pattern, limit in locations():
        if kind == "=" and pattern == path:
            return limit
    for kind, pattern, limit in locations():
        if kind == "~" and re.search(pattern, path):
            return limit or size(server_directive("client_max_body_size"))
    return size(server_directive("client_max_body_size"))


def test_the_proxy_default_body_limit_is_the_applications():
    assert size(server_directive("client_max_body_size")) == settings.REQUEST_BODY_MAX_BYTES
    assert nginx_limit("/api/auth/token/") == settings.REQUEST_BODY_MAX_BYTES


@pytest.mark.parametrize("name", sorted(UPLOAD_ROUTES))
def test_every_upload_route_gets_the_same_limit_from_the_proxy_as_from_the_application(name):
    try:
        path = reverse(name, args=SAMPLE_ARGS.get(name, []))
    except NoReverseMatch:
        path = reverse(name, args=[1])
    assert nginx_limit(path) == route_limit(path), path


def test_timeouts_are_set_and_gunicorn_gives_up_before_the_proxy():
    command = " ".join(COMPOSE["services"]["web"]["command"])
    gunicorn_timeout = int(re.search(r"--timeout (\d+)", command).group(1))
    assert seconds(server_directive("proxy_read_timeout")) > gunicorn_timeout
    assert seconds(server_directive("client_body_timeout")) <= 60
    assert seconds(server_directive("client_header_timeout")) <= 60
    assert "--graceful-timeout" in command


def test_the_proxy_is_the_only_published_web_port_and_serves_static_files():
    services = COMPOSE["services"]
    assert "ports" not in services["web"] and services["proxy"]["ports"]
    assert "./deploy/nginx/default.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]
    static = [v for v in services["proxy"]["volumes"] if v.startswith("static:")]
    assert static == ["static:/srv/static:ro"] and "static:/app/var/staticfiles" in services["web"]["volumes"]
    assert re.search(r"location /static/ \{\s*alias /srv/static/;", CONF)
