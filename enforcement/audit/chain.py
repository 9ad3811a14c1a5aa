"""The hash chain over the audit log.

等保2.0 8.1.4.3 安全审计 c): 审计记录应进行保护，避免受到未预期的删除、修改或覆盖.

Each row stores the previous row's hash and its own: sha256 over a canonical serialisation of its content and
the previous hash. Editing a row changes its hash; removing or inserting one breaks the next row's link, so
``manage.py verify_audit`` names the row. Hashes are assigned under one lock, so that two writers cannot both
chain onto the same head and fork the chain: on PostgreSQL a transaction-level advisory lock (held until the
writer's transaction commits, which is when its row becomes the head the next writer reads); SQLite
serialises writers itself.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC

from django.db import connection, transaction

GENESIS = ""  # the first row's previous hash
# Any fixed 64-bit number naming "the audit chain" among the application's advisory locks.
ADVISORY_LOCK_KEY = 0x61756469745F6368  # "audit_ch"

# The fields a row's hash covers, in a fixed order. Never reorder: every stored hash depends on it.
HASHED_FIELDS = (
    "created_at",
    "actor_id",
    "actor_username",
    "actor_name",
    "organisation_id",
    "action",
    "target_type",  # "app_label.model", or "" (a failed login of an unknown name has no object)
    "target_id",
    "target_repr",
    "changes",
    "ip_address",
)


def _canonical_value(value):
    if hasattr(value, "astimezone"):
        # One spelling of an instant whatever the database hands back (SQLite: UTC; PostgreSQL: the session zone).
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def digest(prev_hash: str, row: dict) -> str:
    """sha256 (hex) of the previous hash and the row's hashed fields, serialised as sorted compact JSON."""
    body = {name: _canonical_value(row[name]) for name in HASHED_FIELDS}
    body["prev_hash"] = prev_hash
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def lock_chain():
    """Serialise chain writers until the current transaction ends. Call inside transaction.atomic()."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def append(events, model, insert):
    """Chain ``events`` (unsaved AuditEvents, in order) onto the head and insert them with ``insert(events)``."""
    # No savepoint: a failed insert fails the caller's transaction anyway, and the lock lives as long as it.
    with transaction.atomic(savepoint=False):
        lock_chain()
        prev = model._base_manager.order_by("-pk").values_list("hash", flat=True).first() or GENESIS
        for event in events:
            event.prev_hash = prev
            event.hash = digest(prev, event.hashed_values())
            prev = event.hash
        return insert(events)


@dataclass(frozen=True)
class Break:
    """One place where the chain does not hold, naming the row."""

    pk: int
    problem: str

    def __str__(self):
        return f"#{self.pk}：{self.problem}"


@dataclass
class Verdict:
    count: int = 0
    head: str = GENESIS
    breaks: list = field(default_factory=list)


def verify(rows) -> Verdict:
    """Walk ``rows`` (dicts in chain order with "pk", "prev_hash", "hash" and the HASHED_FIELDS) and note every
    row whose content no longer matches its hash (edited) or whose link to the row before it is broken (a row
    removed or inserted before it)."""
    verdict = Verdict()
    for row in rows:
        if row["prev_hash"] != verdict.head:
            verdict.breaks.append(Break(row["pk"], "与上一条记录的链接断开：其前面的记录被删除、插入或改动"))
        if digest(row["prev_hash"], row) != row["hash"]:
            verdict.breaks.append(Break(row["pk"], "内容与其哈希不符：该记录被修改过"))
        verdict.count += 1
        verdict.head = row["hash"]
    return verdict


def stored_rows(model, batch=5000):
    """Every stored row as a dict for ``verify``, in pk order, read in batches (the log only grows)."""
    from django.contrib.contenttypes.models import ContentType

    fields = [name for name in HASHED_FIELDS if name != "target_type"]
    query = model._base_manager.order_by("pk").values("pk", "prev_hash", "hash", "target_type_id", *fields)
    last = 0
    while rows := list(query.filter(pk__gt=last)[:batch]):
        for row in rows:
            type_id = row.pop("target_type_id")
            if type_id is None:
                row["target_type"] = ""
            else:
                content_type = ContentType.objects.get_for_id(type_id)
                row["target_type"] = f"{content_type.app_label}.{content_type.model}"
            yield row
        last = rows[-1]["pk"]
