"""Gap-free, duplicate-free document numbers.

The serial is allocated inside the issuing transaction by locking the (organisation, type, year)
sequence row: concurrent issuers queue on the row lock, and a transaction that rolls back releases the
number it took, so the next issuer gets it — no gaps, no duplicates (PostgreSQL row lock; on SQLite the
whole database is locked for writing, which gives the same guarantee).
"""

from django.db import transaction

from enforcement.documents.models import NumberSequence


def allocate_serial(organisation, doc_type, year) -> int:
    """Take the next serial; must run inside the transaction that stores the document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_serial must run inside the issuing transaction")
    # Create the row if it is missing without racing another creator (ON CONFLICT DO NOTHING), then lock it.
    NumberSequence.objects.bulk_create(
        [NumberSequence(organisation=organisation, doc_type=doc_type, year=year)], ignore_conflicts=True
    )
    sequence = NumberSequence.objects.select_for_update().get(organisation=organisation, doc_type=doc_type, year=year)
    sequence.last_serial += 1
    sequence.save(update_fields=["last_serial"])
    return sequence.last_serial
