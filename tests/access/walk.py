"""The access walk: one route requested by every outsider, each answer judged by its status and content.

Outsiders of county A: anonymous, a county A user with no role, county B's officer and legal head, and
two city users whose scope is "shared only": the social supervisor (county A's inspected enterprise is
shared with them, for reading) and the technical inspector (nothing shared). On the admin site: county
B's administrator. County A's own people (and a superuser) only prove that the route's arguments name a
record that exists, so an outsider's 404 means "out of scope", not "nothing there".

Every request runs in a savepoint that is rolled back, so an outsider's write that got through is
reported without changing the world the next request sees.
"""

import copy
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.access.arguments import (
    ADMIN_OBJECT_ARGUMENTS,
    REFERENCE_MODELS,
    arguments_for,
    build_kwargs,
    filter_probe,
)
from tests.access.content import county_secrets, leaks, own_facts, response_text

OUTSIDER_REFUSALS = {403, 404}
INSIDERS = ("county_a_officer", "county_a_legal", "city_legal", "root")
# Both "shared only": the social supervisor has county A's inspected enterprise shared with them, the
# technical inspector nothing at all.
OUTSIDERS = ("nobody", "county_b_officer", "county_b_legal", "social_supervisor", "technical")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class Answer:
    method: str
    status: int | None
    text: str = ""
    location: str = ""
    allow: str = ""
    error: str = ""
    gone: bool = False  # the record the request named no longer existed when it had answered

    def __str__(self):
        if self.error:
            return f"{self.method} raised {self.error}"
        return f"{self.method} → {self.status}" + (f" to {self.location}" if self.location else "")


class Persona:
    """A signed-in (or anonymous) client whose cookies are restored before every request."""

    def __init__(self, key, user, allowed=frozenset()):
        self.key, self.user, self.allowed = key, user, allowed
        self.client = Client()
        if user is not None:
            self.client.force_login(user)
        self._cookies = copy.deepcopy(self.client.cookies)

    def request(self, method, url, still_there=None):
        """The answer to ``method url``; with ``still_there`` (a record), whether the request deleted it."""
        self.client.cookies = copy.deepcopy(self._cookies)  # a POST to logout/ must not sign the persona out
        try:
            with transaction.atomic():
                response = self.client.generic(method, url)
                answer = Answer(
                    method,
                    response.status_code,
                    response_text(response),
                    response.get("Location", ""),
                    response.get("Allow", ""),
                )
                if still_there is not None:
                    answer.gone = not type(still_there)._default_manager.filter(pk=still_there.pk).exists()
                transaction.set_rollback(True)
        except Exception as exc:  # any exception is the finding to report
            return Answer(method, None, error=f"{type(exc).__name__}: {exc}")
        return answer


def api_filters(route):
    """The query parameters of the route's django-filter FilterSet (an API list), else none."""
    filterset = getattr(route.view_class, "filterset_class", None) if route.viewset_actions else None
    return list(filterset.base_filters) if filterset is not None else []


class Walk:
    """County A's world, its secrets and the personas, set up once per module."""

    def __init__(self, world):
        self.world = world
        people = world.people
        self.secrets = county_secrets(world.base.orgs.county_a)
        self.anonymous = Persona("anonymous", None)
        self.insiders = [Persona(key, getattr(people, key)) for key in INSIDERS]
        self.county_b_admin = Persona("county_b_admin", people.county_b_admin)
        self.outsiders = [
            Persona(
                key,
                getattr(people, key),
                own_facts(getattr(people, key), [world.shared_enterprise] if key == "social_supervisor" else ()),
            )
            for key in OUTSIDERS
        ]

    def outsider(self, key):
        return next(persona for persona in self.outsiders if persona.key == key)

    def url(self, route):
        return reverse(route.name, kwargs=build_kwargs(route, self.world))

    def first_answer(self, persona, url):
        """GET; a route that refuses GET (405) is asked with the first write method it allows."""
        answer = persona.request("GET", url)
        if answer.status == 405:
            allowed = {m.strip().upper() for m in answer.allow.split(",")}
            method = next((m for m in WRITE_METHODS if m in allowed), None)
            if method:
                answer = persona.request(method, url)
        return answer

    def methods(self, route):
        """GET and POST for every route, plus the write methods a router route maps."""
        extra = [m.upper() for m in route.viewset_actions if m.upper() not in ("GET", "POST", "HEAD", "OPTIONS")]
        return ["GET", "POST", *extra]

    def owned_record(self, route):
        """County A's record the route names (None for routes without one and for reference tables)."""
        builder = arguments_for(route)
        if builder is None or builder.model in REFERENCE_MODELS:
            return None
        return builder.model._default_manager.get(pk=builder.build(self.world)["pk"])

    def allowed_to(self, persona, method, record):
        """Whether restrict() lets the persona read (GET) or act on (any write) the record."""
        rows = type(record)._default_manager.all()
        if not hasattr(rows, "restrict"):
            return False  # not organisation-owned: private to whoever made it, never an outsider
        action = {"GET": "view", "DELETE": "delete"}.get(method, "change")
        return rows.restrict(persona.user, action).filter(pk=record.pk).exists()

    # --- judging ------------------------------------------------------------------------------------------

    def _leaks(self, persona, url, answer):
        found = leaks(answer.text, self.secrets, persona.allowed)
        return [f"{persona.key}: {answer.method} {url} ({answer.status}) reveals {', '.join(found)}"] if found else []

    def prove_reachable(self, route, url):
        """County A's own people (or a superuser) reach the route's record: the arguments are real."""
        answers = []
        for persona in self.insiders:
            answer = self.first_answer(persona, url)
            if answer.status is not None and answer.status != 404:
                return []
            answers.append(f"{persona.key} {answer}")
        return [
            f"the arguments built for {url} name nothing that county A's own people can reach ({'; '.join(answers)}), "
            "so an outsider's 404 proves nothing: fix its builder in tests/access/arguments.py or the record in "
            "tests/access/world.py"
        ]

    def judge_anonymous(self, url, public):
        answer = self.first_answer(self.anonymous, url)
        if public:
            broken = answer.status is None or answer.status >= 500
            return [f"anonymous: {url} {answer}"] if broken else self._leaks(self.anonymous, url, answer)
        login = reverse("login")
        to_login = answer.status == 302 and answer.location.startswith(login)
        if answer.status in (401, 403) or to_login:
            return self._leaks(self.anonymous, url, answer)
        return [
            f"anonymous: {url} {answer}: expected a redirect to {login} or 401/403 "
            "(or list the route in PUBLIC with the reason it needs no login)"
        ]

    def judge_outsider(self, persona, route, url, record):
        """Another county's record is 403/404 whatever the method; anything else must not show county A."""
        problems = []
        answers = [persona.request(method, url, still_there=record) for method in self.methods(route)]
        if record is None:  # a list, a form or an export: try it filtered to county A's records too
            probe = filter_probe(self.world)
            answers.append(persona.request("GET", f"{url}?{urlencode(probe)}"))
            # Each filter of an API list alone as well, so that one refused value cannot hide another's answer.
            for name in api_filters(route):
                if name in probe:
                    answers.append(persona.request("GET", f"{url}?{urlencode({name: probe[name]})}"))
        refusals = []
        for answer in answers:
            refused = record is not None and not self.allowed_to(persona, answer.method, record)
            refusals.append(refused)
            problems += self._leaks(persona, url, answer)
            if answer.gone:
                problems.append(f"{persona.key}: {answer.method} {url} deleted county A's {record._meta.label}")
            if answer.error or answer.status >= 500:
                problems.append(f"{persona.key}: {url} {answer}")
            elif refused and answer.status not in (*OUTSIDER_REFUSALS, 405):
                problems.append(
                    f"{persona.key}: {url} {answer}: county A's {record._meta.label} {record.pk} is outside "
                    f"this user's scope for {answer.method}, expected 404 (or 403)"
                )
        if all(refusals) and record is not None and all(answer.status == 405 for answer in answers):
            problems.append(f"{persona.key}: {url} answered 405 to {[a.method for a in answers]}: walk it another way")
        return problems

    # --- the admin site -----------------------------------------------------------------------------------

    def admin_record(self, route, url):
        """County A's scoped record an admin object route names (None for pages without one)."""
        from enforcement.orgs.admin_scoping import is_scoped

        model = route.admin_model
        if model is None or not ADMIN_OBJECT_ARGUMENTS & set(route.arguments) or not is_scoped(model):
            return None
        return self.world.sample[model]

    def judge_admin_outsider(self, persona, route, url, record):
        """A signed-in administrator of county B: county A's records are "does not exist" (a redirect to the
        admin index), 403 or 404 whatever the method, still there afterwards, and never shown."""
        problems = []
        index = reverse("admin:index")
        for method in ("GET", "POST"):
            answer = persona.request(method, url, still_there=record)
            if answer.status == 302 and answer.location.startswith(index) and answer.location != index:
                # The admin's own short URLs (<id>/ → <id>/change/): judge where they lead.
                answer = persona.request("GET", answer.location, still_there=record)
            problems += self._leaks(persona, url, answer)
            refused = answer.status in OUTSIDER_REFUSALS or (answer.status == 302 and answer.location == index)
            if answer.error or answer.status >= 500:
                problems.append(f"{persona.key}: {url} {answer}")
            elif record is not None and not refused and answer.status != 405:
                problems.append(
                    f"{persona.key}: {url} {answer}: county A's {record._meta.label} {record.pk} is outside this "
                    f"administrator's scope, expected the admin's redirect to {index} (or 403/404)"
                )
            if answer.gone:
                problems.append(f"{persona.key}: {method} {url} deleted county A's {record._meta.label} {record.pk}")
        return problems

    def judge_admin_stranger(self, persona, url):
        """Anonymous or signed in without staff status: the admin's login page, whatever the route."""
        answer = persona.request("GET", url)
        login = reverse("admin:login")
        if answer.status == 302 and answer.location.startswith(login):
            return []
        return [f"{persona.key}: {url} {answer}: expected a redirect to {login}"]
