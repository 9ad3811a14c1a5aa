"""What an answer says (HTML, JSON, a workbook, a PDF, its headers) and which county-A facts it must not."""

import io
import json
from urllib.parse import unquote

import openpyxl
from django.contrib.auth import get_user_model
from knox.models import AuthToken

from enforcement.enterprises.models import Enterprise
from enforcement.orgs.models import Organisation
from tests.access.world import MARKER
from tests.documents.pdfcheck import pdf_text

# A short name of one character ("东") is part of too many ordinary words to mean anything.
SHORTEST_SECRET = 2


def response_text(response) -> str:
    """Everything a client reads in the answer: the headers that carry text and the body, decoded."""
    headers = " ".join(unquote(response.get(h, "")) for h in ("Location", "Content-Disposition"))
    # A stream read to its end closes the test client's way; calling close() here would fire
    # request_finished and close the database connection (fatal inside the walk's transaction).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        text = _workbook_text(body)
    elif body.startswith(b"%PDF"):
        text = _pdf_text(body)
    elif "json" in content_type:
        # Undo \uXXXX escapes whatever the renderer chose.
        text = json.dumps(json.loads(body or b"null"), ensure_ascii=False)
    else:
        text = body.decode("utf-8", errors="replace")
    return f"{headers}\n{text}"


def _pdf_text(body):
    try:
        return pdf_text(body)
    except Exception:  # an uploaded file that merely starts like a PDF: read its bytes
        return body.decode("utf-8", errors="replace")


def _workbook_text(body):
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    book.close()
    return "\n".join(cells)


def county_secrets(county):
    """{text: what it is} for every fact of ``county`` and below that an outsider must never read."""
    secrets = {MARKER: "free text typed by county A's people (tests/access/world.py MARKER)"}
    for org in Organisation.objects.filter(path__startswith=county.path):
        secrets[org.name] = f"name of county A's organisation {org.pk}"
        if len(org.short_name) >= SHORTEST_SECRET:
            secrets[org.short_name] = f"short name of county A's organisation {org.name}"
    for enterprise in Enterprise.objects.filter(organisation__path__startswith=county.path):
        secrets[enterprise.name] = f"name of county A's enterprise {enterprise.pk}"
        secrets[enterprise.credit_code] = f"credit code of county A's enterprise {enterprise.name}"
    people = get_user_model().objects.filter(organisation__path__startswith=county.path)
    for user in people.exclude(full_name=""):
        secrets[user.full_name] = f"name of county A's user {user.username}"
    for token in AuthToken.objects.filter(user__in=people).select_related("user"):
        # Only the digest and the token's first characters are stored; neither may show to an outsider.
        secrets[token.digest] = f"API token digest of county A's user {token.user.username}"
        secrets[token.token_key] = f"API token key of county A's user {token.user.username}"
    return secrets


def own_facts(user, shared_enterprises=()):
    """What ``user`` may read about county A all the same: their own name and organisation, and what was
    explicitly shared with them (an enterprise with the organisations it belongs to)."""
    facts = {user.full_name}
    orgs = [user.organisation] if user.organisation_id else []
    for enterprise in shared_enterprises:
        facts |= {enterprise.name, enterprise.credit_code}
        orgs += [enterprise.organisation, enterprise.responsible_org]
    for org in orgs:
        facts |= {org.name, org.short_name}
    return facts


def leaks(text, secrets, allowed=frozenset()):
    """The secrets (with what they are) that ``text`` reveals, leaving out the ``allowed`` ones."""
    return sorted(
        f"{secret!r} ({what})" for secret, what in secrets.items() if secret not in allowed and secret in text
    )
