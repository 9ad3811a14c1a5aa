"""Schemathesis over every API operation, in-process against the WSGI app, as one persona at a time.

Shared by the CI test (tests/fuzz/test_schemathesis.py, a few examples per operation) and the full run
(bench/fuzz_api.py). The schema is drf-spectacular's, generated without HTTP; requests go through
``django.core.wsgi`` with the persona's session cookie (and a CSRF token, as SessionAuthentication wants for
writes), so the run does not depend on the token endpoint. Every example runs inside a savepoint that is rolled
back, so DELETE and POST hit the seeded world's real rows and the next example still finds them.

Checks: no 5xx (``not_a_server_error``) and every documented response matches its schema
(``response_schema_conformance``). Half of the examples are positive (valid per the schema), half negative.
"""

import json
import time
from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup, ServerError
from schemathesis.specs.openapi.checks import response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance]
CSRF_TOKEN = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # any 32 characters: the cookie and the header must agree


def api_schema():
    """The OpenAPI document exactly as /api/schema/ serves it (lazy Chinese strings rendered)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


def signed_in(user):
    """Headers and cookies that make the WSGI app see ``user`` signed in (a session, as a browser holds one)."""
    client = Client()
    client.force_login(user)
    cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    return {"X-CSRFToken": CSRF_TOKEN}, cookies


@dataclass
class OperationResult:
    label: str
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)  # (kind, one-line message, reproduction)

    @property
    def server_errors(self):
        return sum(1 for kind, *_ in self.failures if kind == "server error")

    @property
    def schema_violations(self):
        return sum(1 for kind, *_ in self.failures if kind != "server error")


def _model_ids(path):
    """Primary keys of the model behind ``{id}`` in ``path`` (all rows; out-of-scope ones must answer 404)."""
    try:
        match = resolve(path.replace("{id}", "1").replace("{", "").replace("}", ""))
    except Resolver404:
        return []
    view = getattr(match.func, "cls", None)
    queryset = getattr(view, "queryset", None)
    if queryset is None:
        return []
    return list(queryset.model._base_manager.order_by("pk").values_list("pk", flat=True)[:50])


def _kind(failure):
    return "server error" if isinstance(failure, ServerError) else "schema violation"


def _message(failure, response):
    lines = [line.strip() for line in str(failure.message).splitlines() if line.strip()]
    detail = " | ".join(lines[:4])
    if isinstance(failure, ServerError):
        detail = response.text[:300].replace("\n", " ")
    return f"[{response.status_code}] {failure.title}: {detail}"


def _curl(case, headers):
    return case.as_curl_command(headers)


class Fuzzer:
    """Runs every operation of the schema as one persona; ``run()`` returns an OperationResult per operation."""

    def __init__(self, examples, seed=None):
        self.examples = examples
        self.seed = seed
        self.schema = schemathesis.openapi.from_dict(api_schema())
        self.app = get_wsgi_application()

    def operations(self):
        return [result.ok() for result in self.schema.get_all_operations()]

    def run(self, user, only=None, exact=False):
        credentials = signed_in(user)
        results = []
        # Django closes the connection at the end of each request; inside the run's transaction that would lose
        # the seeded world (Django's test Client disconnects the same handler for the same reason).
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            for operation in self.operations():
                if only and not (operation.label == only if exact else only in operation.label):
                    continue
                results.append(self._run_operation(operation, *credentials))
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)
        return results

    def _run_operation(self, operation, headers, cookies):
        result = OperationResult(operation.label)
        ids = _model_ids(operation.path) if "{id}" in operation.path else []
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @hypothesis_settings(
            max_examples=self.examples,
            deadline=None,
            database=None,
            derandomize=self.seed is None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: every failure is recorded, none raised
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, data=st.data())
        def fuzz(case, data):
            if ids and data.draw(st.booleans()):
                # Half the time a real row (in or out of the persona's scope) rather than a random number.
                case.path_parameters["id"] = data.draw(st.sampled_from(ids))
            with transaction.atomic():
                response = case.call(app=self.app, headers=headers, cookies=cookies)
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (Failure, FailureGroup) as exc:  # recorded with how to reproduce it, never raised
                    for failure in getattr(exc, "exceptions", [exc]):
                        result.failures.append((_kind(failure), _message(failure, response), _curl(case, headers)))
                finally:
                    transaction.set_rollback(True)  # the next example finds the world as it was
            result.requests += 1
            result.statuses[response.status_code] += 1

        if self.seed is not None:
            fuzz = _seeded(fuzz, self.seed)
        fuzz()
        return result


def _seeded(test, seed):
    from hypothesis import seed as hypothesis_seed

    return hypothesis_seed(seed)(test)


def summary(results, label):
    """Lines for a report: per operation with a failure, then totals."""
    lines = []
    for result in results:
        if result.failures:
            lines.append(f"  {result.label}: {result.requests} requests, statuses {dict(result.statuses)}")
            seen = set()
            for kind, message, curl in result.failures:
                if message in seen:
                    continue
                seen.add(message)
                lines.append(f"    {kind}: {message}\n      {curl}")
    total = sum(r.requests for r in results)
    errors = sum(r.server_errors for r in results)
    violations = sum(r.schema_violations for r in results)
    lines.append(
        f"{label}: {len(results)} operations, {total} requests, {errors} server errors, {violations} schema violations"
    )
    return lines


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start
